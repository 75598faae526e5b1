/// A point in time: nanoseconds since 1970-01-01T00:00:00Z.
///
/// Every timestamp Rapport reads becomes an `Instant` (UTC); local times exist only
/// at the edges (parsing inputs without an offset, cutting periods, business hours).
/// Nanoseconds keep RFC 3339 fractions exact; the range (years 1678–2262) covers
/// every plausible export, and parsers reject anything outside it.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let nanosPerSecond: Int64 = 1_000_000_000

    /// Whole seconds since the epoch plus a fraction; nil when out of range.
    public init?(seconds: Int64, nanos: Int64 = 0) {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: Instant.nanosPerSecond)
        if overflow { return nil }
        let (sum, overflow2) = product.addingReportingOverflow(nanos)
        if overflow2 { return nil }
        self.nanoseconds = sum
    }

    /// Whole seconds since the epoch, rounded towards negative infinity.
    public var epochSeconds: Int64 {
        let (q, r) = nanoseconds.quotientAndRemainder(dividingBy: Instant.nanosPerSecond)
        return r < 0 ? q - 1 : q
    }

    /// Nanoseconds within the second (0..<1e9).
    public var subsecondNanos: Int64 { nanoseconds - epochSeconds * Instant.nanosPerSecond }

    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

    public func adding(seconds: Int64) -> Instant { Instant(nanoseconds: nanoseconds + seconds * Instant.nanosPerSecond) }

    /// `self - other` in seconds, exact to the nanosecond.
    public func seconds(since other: Instant) -> Double {
        Double(nanoseconds - other.nanoseconds) / Double(Instant.nanosPerSecond)
    }

    /// RFC 3339 in UTC with `Z`; fractions only when present (as OUTPUTS.md asks).
    public var rfc3339: String { withRFC3339 { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with the RFC 3339 text in a temporary buffer (no String is made: outputs
    /// write millions of timestamps).
    public func withRFC3339<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let (days, secOfDay) = floorDivMod(epochSeconds, 86_400)
        let date = LocalDate(daysSinceEpoch: days)
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var n = date.writeISO(into: buffer)
            func put(_ byte: UInt8) {
                buffer[n] = byte
                n += 1
            }
            func two(_ v: Int64) {
                put(UInt8(48 + v / 10))
                put(UInt8(48 + v % 10))
            }
            put(UInt8(ascii: "T"))
            two(secOfDay / 3600)
            put(UInt8(ascii: ":"))
            two(secOfDay / 60 % 60)
            put(UInt8(ascii: ":"))
            two(secOfDay % 60)
            var frac = Int64(subsecondNanos)
            if frac != 0 {
                put(UInt8(ascii: "."))
                var divisor: Int64 = 100_000_000
                while frac != 0 {
                    put(UInt8(48 + frac / divisor))
                    frac %= divisor
                    divisor /= 10
                }
            }
            put(UInt8(ascii: "Z"))
            return try body(UnsafeBufferPointer(rebasing: buffer[..<n]))
        }
    }

    /// Appends the RFC 3339 text to `out`: one non-generic call for writers in other modules,
    /// where calling the generic `withRFC3339` cost some 1,000 instructions a timestamp.
    public func appendRFC3339(to out: inout [UInt8]) {
        withRFC3339 { out.append(contentsOf: $0) }
    }

    public var description: String { rfc3339 }
}

/// Floor division and non-negative remainder, for calendar arithmetic on negative values.
@inlinable
public func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    let q = a / b
    let r = a % b
    return r < 0 ? (q - 1, r + b) : (q, r)
}

@inlinable
func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
