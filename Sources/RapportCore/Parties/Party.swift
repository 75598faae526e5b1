/// Who wrote or received something: the client, one of the partners, or unknown.
///
/// Stored as a small code so that millions of message facts stay compact;
/// partner indexes follow the order of `partners` in the pipeline file.
public struct Party: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let code: Int16

    public static let unknown = Party(code: -1)
    public static let client = Party(code: 0)
    public static func partner(_ index: Int) -> Party { Party(code: Int16(index + 1)) }

    private init(code: Int16) { self.code = code }

    /// The party a stored `code` names (as written by facts); nil for a code no party has.
    public init?(storedCode code: Int16) {
        guard code >= -1 else { return nil }
        self.code = code
    }

    public var isPartner: Bool { code > 0 }
    public var isClient: Bool { code == 0 }
    public var isUnknown: Bool { code < 0 }
    /// The index into the pipeline's partner list, when this is a partner.
    public var partnerIndex: Int? { code > 0 ? Int(code) - 1 : nil }

    public static func < (a: Party, b: Party) -> Bool { a.code < b.code }
    public var description: String {
        isClient ? "client" : isUnknown ? "unknown" : "partner#\(code - 1)"
    }
}

/// A partner as the pipeline file names it.
public struct PartnerInfo: Hashable, Sendable {
    public let id: String
    public let name: String
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
