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

    public init(partners: [PartnerInfo], cutter: PeriodCutter, window: [Period], files: [String]) {
        self.partners = partners
        self.cutter = cutter
        self.window = window
        self.files = files
    }

    public func partnerID(_ index: Int?) -> String { index.map { partners[$0].id } ?? "" }

    /// Label, start and end cells for a period; `nil` is the whole window (`total`).
    public func periodCells(_ period: Period?) -> [Cell] {
        if let period { return [.text(period.label), .date(period.start), .date(period.end)] }
        guard let first = window.first, let last = window.last else { return [.text("total"), .empty, .empty] }
        return [.text("total"), .date(first.start), .date(last.end)]
    }
}

/// Byte-order comparison for stable, locale-free sorting.
@inline(__always)
func bytesLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
