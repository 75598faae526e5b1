import Glibc
import RapportCore

/// What every output needs to turn facts into rows: names for partners and files,
/// and how periods are cut and labelled.
public struct ReportContext: Sendable {
    public var partners: [PartnerInfo]
    public var cutter: PeriodCutter
    /// The report window, ascending.
    public var window: [Period]
    /// Input files by index, as the user would recognise them.
    public var files: [String]

    /// Each partner's position when partners are sorted by id (bytes); used as a sort key.
    private let rank: [Int]
    /// Where each window period starts and ends, and its label: rows find their period by a
    /// binary search instead of building a `Period` and its label per row.
    private let windowStarts: [Instant]
    private let windowEnds: [Instant]
    /// The label of each window period, by position.
    public let windowLabels: [String]
    /// With `pseudonymize: true`: actors, message ids and conversation names as keyed pseudonyms.
    public var pseudonym: (@Sendable (String) -> String)?

    public init(partners: [PartnerInfo], cutter: PeriodCutter, window: [Period], files: [String], pseudonym: (@Sendable (String) -> String)? = nil) {
        self.partners = partners
        self.cutter = cutter
        self.window = window
        self.files = files
        self.pseudonym = pseudonym
        var rank = [Int](repeating: 0, count: partners.count)
        for (r, i) in partners.indices.sorted(by: { bytesLess(partners[$0].id, partners[$1].id) }).enumerated() { rank[i] = r + 1 }
        self.rank = rank
        self.windowStarts = window.map { cutter.start(of: $0) }
        self.windowEnds = window.map { cutter.end(of: $0) }
        self.windowLabels = window.map(\.label)
    }

    /// The position in `window` of the period holding `instant`, nil outside the window.
    public func windowIndex(of instant: Instant) -> Int? {
        var low = 0
        var high = windowStarts.count
        while low < high {
            let mid = (low + high) / 2
            if windowStarts[mid] <= instant { low = mid + 1 } else { high = mid }
        }
        let i = low - 1
        return i >= 0 && instant < windowEnds[i] ? i : nil
    }

    public func partnerID(_ index: Int?) -> String { index.map { partners[$0].id } ?? "" }

    /// A partner cell: empty (NULL in SQLite) for figures not tied to one partner.
    public func partnerCell(_ index: Int?) -> Cell { index.map { .text(partners[$0].id) } ?? .empty }

    /// True when identifiers are replaced by keyed pseudonyms.
    public var pseudonymized: Bool { pseudonym != nil }

    /// A person or an identifier that may name one, as the outputs show it (pseudonymised when asked).
    public func identifier(_ value: String) -> String { pseudonym.map { $0(value) } ?? value }

    /// A ticket's link as the outputs show it: empty when pseudonymised (a link names the ticket).
    public func link(_ url: String) -> String { pseudonym == nil ? url : "" }

    /// `client`, `unknown` or the partner's id.
    public func partyName(_ party: Party) -> String {
        if let p = party.partnerIndex { return partners[p].id }
        return party.isClient ? "client" : "unknown"
    }

    /// Sort key for a partner: 0 for none (empty sorts first), then by id.
    public func partnerRank(_ index: Int?) -> Int { index.map { rank[$0] } ?? 0 }

    /// Label, start and end cells for a period; `nil` is the whole window (`total`).
    public func periodCells(_ period: Period?) -> [Cell] {
        if let period { return [.text(period.label), .date(period.start), .date(period.end)] }
        guard let first = window.first, let last = window.last else { return [.text("total"), .empty, .empty] }
        return [.text("total"), .date(first.start), .date(last.end)]
    }
}
