extension String {
    /// The bytes as a String when they are valid UTF-8, else nil. The same answer as
    /// `String(validating:as:)`, which is generic and unspecialised in the standard library
    /// (two metadata lookups per call: 3 % of a run that makes one String per CSV field);
    /// ASCII, most fields, is checked here eight bytes at a time and decoded directly.
    public init?(validUTF8 bytes: UnsafeRawBufferPointer) {
        if bytes.isEmpty {
            self = ""
            return
        }
        if String.isASCII(bytes) {
            self = String(decoding: bytes, as: UTF8.self)
            return
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }

    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }
}
