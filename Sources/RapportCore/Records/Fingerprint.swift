#if canImport(Glibc)
import Glibc
#endif

/// A 128-bit non-cryptographic digest, for telling duplicate records from different
/// records that share an id. Two lanes of a multiply-xorshift mix over 8-byte words.
public struct Fingerprint: Hashable, Comparable, Sendable {
    public var high: UInt64 = 0
    public var low: UInt64 = 0
    public init() {}
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
    public static func < (a: Fingerprint, b: Fingerprint) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

extension Fingerprint {
    /// This digest followed by a message body (CRLF read as LF). E-mail readers digest the
    /// other fields and the analysis threads add the body, the largest field, so that the
    /// reading thread (the one the others wait for) does not hash it.
    public func addingBody(_ body: String) -> Fingerprint {
        var hasher = FingerprintHasher()
        withUnsafeBytes(of: (high, low)) { hasher.add($0) }
        var text = body
        text.withUTF8 { hasher.addNormalisingLineEnds(UnsafeRawBufferPointer($0)) }
        return hasher.finish()
    }
}

/// Builds a `Fingerprint` incrementally from byte fields.
public struct FingerprintHasher: Sendable {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var length: UInt64 = 0

    public init() {}

    @inline(__always)
    private static func mix(_ x: UInt64, _ k: UInt64) -> UInt64 {
        let m = x.multipliedFullWidth(by: k)
        return m.high ^ m.low
    }

    /// Adds one field; fields are separated so that ("ab","c") differs from ("a","bc").
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            a = FingerprintHasher.mix(a ^ w, 0xA076_1D64_78BD_642F)
            b = FingerprintHasher.mix(b ^ w, 0xE703_7ED1_A0B4_28DB) &+ a
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        a = FingerprintHasher.mix(a ^ tail ^ UInt64(n), 0x8EBC_6AF0_9C88_C6E3)
        b = FingerprintHasher.mix(b ^ tail ^ (UInt64(n) << 32), 0x5899_65CC_7537_4CC3) &+ a
        length &+= UInt64(n) &+ 1
    }

    /// Adds a field with CRLF treated as LF, so that the same mail exported with
    /// other line ends is still the same content.
    public mutating func addNormalisingLineEnds(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, var cr = memchr(base, 0x0D, bytes.count).map({ UnsafeRawPointer($0) - base }) else {
            add(bytes)
            return
        }
        // The runs between carriage returns are copied whole (memchr finds them); a CR is
        // dropped only before an LF.
        var copy: [UInt8] = []
        copy.reserveCapacity(bytes.count)
        var start = 0
        while true {
            copy.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<cr]))
            if !(cr + 1 < bytes.count && bytes[cr + 1] == 0x0A) { copy.append(0x0D) }
            start = cr + 1
            guard start < bytes.count, let next = memchr(base + start, 0x0D, bytes.count - start) else { break }
            cr = UnsafeRawPointer(next) - base
        }
        copy.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
        copy.withUnsafeBytes { add($0) }
    }

    public mutating func add(_ string: String) {
        var s = string
        s.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    public func finish() -> Fingerprint {
        let h = FingerprintHasher.mix(a ^ length, 0x1D8E_4E27_C47D_124F)
        let l = FingerprintHasher.mix(b ^ h, 0xA076_1D64_78BD_642F)
        return Fingerprint(high: h, low: l)
    }
}
