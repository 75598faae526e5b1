import RapportCore

/// Column positions by header name: formats address columns by name, in any order.
public struct CSVHeader: Sendable {
    public let names: [String]
    private let index: [String: Int]

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
    /// Trims spaces, tabs, CR and LF.
    public func trimmingASCIIWhitespace() -> String {
        var s = self[...]
        while let f = s.unicodeScalars.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.unicodeScalars.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
