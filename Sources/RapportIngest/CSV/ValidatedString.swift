import RapportCore

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
        if bytes.isASCII {
            self = String(decoding: bytes, as: UTF8.self)
            return
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }
}
