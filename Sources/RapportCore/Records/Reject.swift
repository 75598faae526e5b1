/// Why a record (or a whole file) could not be used. The raw values are the
/// stable reason codes written to `rejects.csv`.
public enum RejectReason: String, Sendable, Hashable, CaseIterable {
    // CSV framing
    case unterminatedQuote = "unterminated_quote"
    case bareQuote = "bare_quote"
    case textAfterQuote = "text_after_quote"
    case raggedRow = "ragged_row"
    case recordTooLarge = "record_too_large"
    case invalidUTF8 = "invalid_utf8"
    // Values
    case missingValue = "missing_value"
    case badTimestamp = "bad_timestamp"
    case implausibleTimestamp = "implausible_timestamp"
    case badAddress = "bad_address"
    case duplicateConflict = "duplicate_conflict"
    case badValue = "bad_value"
    // Whole files
    case unreadableFile = "unreadable_file"
    case notGzip = "not_gzip"
    case truncated = "truncated"
    case corrupt = "corrupt"
    case trailingGarbage = "trailing_garbage"
    case compressionBomb = "compression_bomb"
    case badHeader = "bad_header"
    case unsupportedFormat = "unsupported_format"
    case changedWhileRead = "changed_while_read"
    /// An archive entry named to escape its folder (`..`, an absolute path).
    case unsafeEntry = "unsafe_entry"
}

/// One record (or file) that could not be used: a row of `rejects.csv`.
public struct Reject: Sendable, Hashable {
    /// Index of the input file in the run's file list.
    public var file: Int32
    /// CSV: line where the record starts; XML: element index; nil when the whole file was refused.
    public var record: Int64?
    public var reason: RejectReason
    /// What went wrong and, where it helps, what to do.
    public var message: String
    /// At most 200 characters of the raw record.
    public var excerpt: String

    public init(file: Int32, record: Int64?, reason: RejectReason, message: String, excerpt: String = "") {
        self.file = file
        self.record = record
        self.reason = reason
        self.message = message
        self.excerpt = Reject.cap(excerpt)
    }

    /// Caps an excerpt at 200 characters (Unicode scalars), never splitting one.
    public static func cap(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for (i, s) in text.unicodeScalars.enumerated() {
            if i == 200 { break }
            out.append(s)
        }
        return String(out)
    }
}
