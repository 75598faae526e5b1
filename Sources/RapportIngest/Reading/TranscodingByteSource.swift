import RapportCore

/// Text encodings a source may declare (`encoding:`) or a BOM may reveal.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16le = "utf-16le"
    case utf16be = "utf-16be"
    /// UTF-16 with a BOM saying which order (little-endian without one).
    case utf16 = "utf-16"
    case latin1 = "latin-1"
    case windows1252 = "windows-1252"

    public init?(name: String) {
        switch String(name.lowercased().map { $0 == "_" ? "-" : $0 }) {
        case "utf-8", "utf8": self = .utf8
        case "utf-16le", "utf16le": self = .utf16le
        case "utf-16be", "utf16be": self = .utf16be
        case "utf-16", "utf16": self = .utf16
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1": self = .latin1
        case "windows-1252", "cp1252": self = .windows1252
        default: return nil
        }
    }
}

/// Decodes UTF-16 or a single-byte encoding into UTF-8 as it streams, so that every
/// reader above works on UTF-8 only. Unpaired surrogates become U+FFFD (and are counted).
public final class TranscodingByteSource: ByteSource {
    private let inner: any ByteSource
    private var encoding: TextEncoding
    private var input = [UInt8](repeating: 0, count: 64 << 10)
    private var inputStart = 0
    private var inputEnd = 0
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var ended = false
    private var first = true
    private var pendingHigh: UInt16?
    /// Code units that could not be decoded (replaced by U+FFFD).
    public private(set) var replacements = 0
    public var bytesFromDisk: Int64 { inner.bytesFromDisk }

    public init(_ inner: any ByteSource, encoding: TextEncoding) {
        self.inner = inner
        self.encoding = encoding
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while outputOffset == output.count {
            if ended { return 0 }
            output.removeAll(keepingCapacity: true)
            outputOffset = 0
            try fill()
        }
        let n = min(buffer.count, output.count - outputOffset)
        output.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + outputOffset, byteCount: n) }
        outputOffset += n
        return n
    }

    private func fill() throws(InputError) {
        if inputStart > 0 {
            let rest = inputEnd - inputStart
            for k in 0..<rest { input[k] = input[inputStart + k] }
            inputStart = 0
            inputEnd = rest
        }
        // Read until there is something to decode (at least a BOM's worth at the start) or the input ends.
        repeat {
            var result: Result<Int, InputError> = .success(0)
            let end = inputEnd
            input.withUnsafeMutableBytes { b in
                do throws(InputError) { result = .success(try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: b[end...]))) } catch { result = .failure(error) }
            }
            let n = try result.get()
            inputEnd += n
            if n == 0 { ended = true }
        } while !ended && inputEnd - inputStart < 2
        if first {
            first = false
            if encoding == .utf16 || encoding == .utf16le || encoding == .utf16be, inputEnd >= 2 {
                if input[0] == 0xFF && input[1] == 0xFE {
                    encoding = .utf16le
                    inputStart = 2
                } else if input[0] == 0xFE && input[1] == 0xFF {
                    encoding = .utf16be
                    inputStart = 2
                } else if encoding == .utf16 {
                    encoding = .utf16le
                }
            }
        }
        switch encoding {
        case .utf8:
            output.append(contentsOf: input[inputStart..<inputEnd])
            inputStart = inputEnd
        case .latin1, .windows1252:
            for b in input[inputStart..<inputEnd] { appendScalar(encoding == .windows1252 ? TranscodingByteSource.cp1252(b) : UInt32(b)) }
            inputStart = inputEnd
        case .utf16, .utf16le, .utf16be:
            let little = encoding != .utf16be
            while inputEnd - inputStart >= 2 {
                let a = UInt16(input[inputStart])
                let b = UInt16(input[inputStart + 1])
                inputStart += 2
                let unit = little ? (b << 8 | a) : (a << 8 | b)
                decodeUTF16(unit)
            }
            if ended {
                if inputEnd > inputStart { replacements += 1; appendScalar(0xFFFD) }
                if pendingHigh != nil { replacements += 1; appendScalar(0xFFFD); pendingHigh = nil }
                inputStart = inputEnd
            }
        }
    }

    private func decodeUTF16(_ unit: UInt16) {
        if let high = pendingHigh {
            pendingHigh = nil
            if unit >= 0xDC00 && unit <= 0xDFFF {
                appendScalar(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00))
                return
            }
            replacements += 1
            appendScalar(0xFFFD)
        }
        if unit >= 0xD800 && unit <= 0xDBFF {
            pendingHigh = unit
        } else if unit >= 0xDC00 && unit <= 0xDFFF {
            replacements += 1
            appendScalar(0xFFFD)
        } else {
            appendScalar(UInt32(unit))
        }
    }

    private func appendScalar(_ v: UInt32) {
        if v < 0x80 {
            output.append(UInt8(v))
        } else if v < 0x800 {
            output.append(UInt8(0xC0 | (v >> 6)))
            output.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            output.append(UInt8(0xE0 | (v >> 12)))
            output.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            output.append(UInt8(0xF0 | (v >> 18)))
            output.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Windows-1252's 0x80–0x9F block; elsewhere it agrees with Latin-1.
    static func cp1252(_ b: UInt8) -> UInt32 {
        let table: [UInt32] = [
            0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
            0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
        ]
        return (b >= 0x80 && b <= 0x9F) ? table[Int(b - 0x80)] : UInt32(b)
    }
}
