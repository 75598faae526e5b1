import RapportCore

/// Column positions by header name: formats address columns by name, in any order.
public struct CSVHeader: Sendable {
    public let names: [String]
    private let index: [String: Int]

    /// Reads the first record as the header: nil for an empty file (no records); a malformed
    /// header row is an error that says why in words.
    public static func readFirst(_ reader: CSVReader) throws(InputError) -> CSVHeader? {
        guard let first = try reader.next() else { return nil }
        if case .malformed(_, let why) = first {
            throw InputError(.badHeader, "the header row (line \(reader.line)) is malformed: \(why)")
        }
        return try CSVHeader(reader: reader)
    }

    /// Reads the header from the current record of `reader` (names trimmed, compared case-insensitively).
    public init(reader: CSVReader) throws(InputError) {
        var names: [String] = []
        for i in 0..<reader.fieldCount {
            guard let s = reader.string(i) else { throw InputError(.badHeader, "the header row is not valid UTF-8") }
            names.append(s.trimmingASCIIWhitespace().lowercased())
        }
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() where index[n] == nil { index[n] = i }
        self.names = names
        self.index = index
    }

    public func column(_ name: String) -> Int? { index[name] }

    /// Positions of `required` columns; a missing one is a whole-file error naming it and listing what is there.
    public func require(_ required: [String], format: String) throws(InputError) -> [Int] {
        var out: [Int] = []
        for r in required {
            guard let i = index[r] else {
                throw InputError(
                    .badHeader,
                    "missing required column `\(r)` for \(format); the header has: \(names.joined(separator: ", "))")
            }
            out.append(i)
        }
        return out
    }
}

extension String {
    /// Trims spaces, tabs, CR and LF; the string itself (no copy) when there is nothing to trim.
    public func trimmingASCIIWhitespace() -> String {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last, isSpace(first) || isSpace(last) else { return self }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start = bytes.index(after: start) }
        while end > start, isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return String(self[start..<end])
    }
}
