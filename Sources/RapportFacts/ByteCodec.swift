import RapportCore

/// Appends the fact file's primitive values to a byte buffer: LEB128 varints (zigzag for
/// signed values), fixed little-endian 64-bit words (hashes, which do not shrink as
/// varints), and length-prefixed UTF-8 strings.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always)
    public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always)
    public mutating func int(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    @inline(__always)
    public mutating func int(_ value: Int) { int(Int64(value)) }

    public mutating func fixed(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func string(_ s: String) {
        s.withUTF8Bytes { b in
            varint(UInt64(b.count))
            bytes.append(contentsOf: b)
        }
    }

    /// nil and "" differ: 0 for nil, then the length plus one.
    public mutating func optionalString(_ s: String?) {
        guard let s else { return varint(0) }
        s.withUTF8Bytes { b in
            varint(UInt64(b.count) + 1)
            bytes.append(contentsOf: b)
        }
    }

    public mutating func raw(_ b: some Sequence<UInt8>) { bytes.append(contentsOf: b) }
}

/// Why a fact file cannot be used: it is then extracted again (never read as figures).
public struct FactFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads what ``ByteWriter`` wrote; every read is bounds-checked (a damaged file throws,
/// never reads outside its bytes).
public struct ByteReader {
    private let bytes: [UInt8]
    public private(set) var position: Int

    public init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var isAtEnd: Bool { position >= bytes.count }

    @inline(__always)
    public mutating func varint() throws(FactFileError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 64 else { throw FactFileError("a number runs past the end of its block") }
            let b = bytes[position]
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    @inline(__always)
    public mutating func int() throws(FactFileError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    public mutating func count(max: Int = 1 << 28) throws(FactFileError) -> Int {
        let v = try varint()
        guard v <= UInt64(max) else { throw FactFileError("a count of \(v) is implausible") }
        return Int(v)
    }

    public mutating func fixed() throws(FactFileError) -> UInt64 {
        guard position + 8 <= bytes.count else { throw FactFileError("a word runs past the end of its block") }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
        position += 8
        return v
    }

    public mutating func byte() throws(FactFileError) -> UInt8 {
        guard position < bytes.count else { throw FactFileError("a byte runs past the end of its block") }
        position += 1
        return bytes[position - 1]
    }

    public mutating func bool() throws(FactFileError) -> Bool { try byte() != 0 }

    public mutating func string() throws(FactFileError) -> String {
        let n = try count()
        guard position + n <= bytes.count else { throw FactFileError("a text runs past the end of its block") }
        defer { position += n }
        return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    }

    public mutating func optionalString() throws(FactFileError) -> String? {
        let n = try count()
        if n == 0 { return nil }
        guard position + n - 1 <= bytes.count else { throw FactFileError("a text runs past the end of its block") }
        defer { position += n - 1 }
        return String(decoding: bytes[position..<(position + n - 1)], as: UTF8.self)
    }

    /// Lets `body` read a string's bytes in place (no String made).
    public mutating func withString<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) throws(FactFileError) -> R {
        let n = try count()
        guard position + n <= bytes.count else { throw FactFileError("a text runs past the end of its block") }
        defer { position += n }
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[position..<(position + n)])) }
    }

    public mutating func raw(_ n: Int) throws(FactFileError) -> ArraySlice<UInt8> {
        guard n >= 0, position + n <= bytes.count else { throw FactFileError("a field runs past the end of its block") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }
}
