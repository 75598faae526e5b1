extension UnsafeRawBufferPointer {
    /// True when every byte is below 0x80, checked eight bytes at a time: most fields and
    /// texts are ASCII, and both the CSV fields' UTF-8 check and the text rules take a
    /// shorter path for them. Inlinable: the CSV reader calls it once per field.
    @inlinable public var isASCII: Bool {
        var i = 0
        let n = count
        while i + 8 <= n {
            if loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if self[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }
}

extension String {
    /// `lowercased()`, without making a new string when there is nothing to lower (no ASCII
    /// capital and no non-ASCII byte): most addresses in exports are already lower case.
    public func lowercasedIfNeeded() -> String {
        let hasCapitals = withUTF8Bytes { $0.contains { $0 >= 0x80 || $0 &- 0x41 < 26 } }
        return hasCapitals ? lowercased() : self
    }
}
