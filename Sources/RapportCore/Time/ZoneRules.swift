import Foundation

/// UTC offsets of one IANA time zone as a transition table, so that converting
/// millions of instants to local time is a binary search instead of a
/// `Calendar` call (MEASURED.md: 0.5 s per million with `Calendar`).
///
/// The table is read once from Foundation's tz data (bundled with the
/// toolchain) for 1900–2100; outside that range Foundation answers directly.
public final class ZoneRules: Sendable, CustomStringConvertible {
    public let identifier: String
    /// Epoch seconds at which `offsets[i + 1]` starts to apply.
    private let transitions: [Int64]
    /// `offsets[0]` applies before the first transition.
    private let offsets: [Int32]
    private let zone: TimeZone
    private static let tableStart: Int64 = -2_208_988_800  // 1900-01-01
    private static let tableEnd: Int64 = 4_102_444_800  // 2100-01-01

    /// Nil when the identifier is not a known IANA zone.
    public init?(identifier: String) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
        var transitions: [Int64] = []
        var offsets: [Int32] = [Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ZoneRules.tableStart))))]
        var cursor = Date(timeIntervalSince1970: Double(ZoneRules.tableStart))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor),
            next.timeIntervalSince1970 < Double(ZoneRules.tableEnd)
        {
            let at = Int64(next.timeIntervalSince1970.rounded(.down))
            let offset = Int32(zone.secondsFromGMT(for: next))
            if offset != offsets.last! {
                transitions.append(at)
                offsets.append(offset)
            }
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    /// A fixed-offset zone (used for tests and for `+HH:MM` zones).
    public static let utc = ZoneRules(identifier: "UTC")!

    /// Seconds east of UTC in effect at `epochSeconds`.
    public func offset(atEpochSeconds t: Int64) -> Int {
        if t < ZoneRules.tableStart || t >= ZoneRules.tableEnd {
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))
        }
        // Index of the last transition <= t.
        var lo = 0
        var hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return Int(offsets[lo])
    }

    public func offset(at instant: Instant) -> Int { offset(atEpochSeconds: instant.epochSeconds) }

    /// Local wall-clock seconds since 1970-01-01T00:00 local (for date arithmetic).
    public func localSeconds(of instant: Instant) -> Int64 {
        let t = instant.epochSeconds
        return t + Int64(offset(atEpochSeconds: t))
    }

    /// The local calendar date of `instant` in this zone.
    public func localDate(of instant: Instant) -> LocalDate {
        LocalDate(daysSinceEpoch: floorDivMod(localSeconds(of: instant), 86_400).0)
    }

    /// How a local wall-clock time maps to instants.
    public enum LocalResolution: Equatable, Sendable {
        case unique(Int64)
        /// Falls in a "fall back" overlap: both instants, earlier first.
        case ambiguous(Int64, Int64)
        /// Falls in a "spring forward" gap: no such local time.
        case nonexistent
    }

    /// Resolves local seconds (wall-clock seconds since 1970-01-01T00:00 local) to epoch seconds.
    public func resolve(localSeconds local: Int64) -> LocalResolution {
        // Candidate offsets: those in effect within two days either side.
        var candidates: [Int] = []
        for probe in [local - 172_800, local - 86_400, local, local + 86_400, local + 172_800] {
            let o = offset(atEpochSeconds: probe)
            if !candidates.contains(o) { candidates.append(o) }
        }
        var valid: [Int64] = []
        for o in candidates {
            let utc = local - Int64(o)
            if offset(atEpochSeconds: utc) == o, !valid.contains(utc) { valid.append(utc) }
        }
        valid.sort()
        switch valid.count {
        case 0: return .nonexistent
        case 1: return .unique(valid[0])
        default: return .ambiguous(valid[0], valid[valid.count - 1])
        }
    }

    /// The instant at which local `date` starts (its first existing second).
    public func startOfDay(_ date: LocalDate) -> Instant {
        var local = date.daysSinceEpoch * 86_400
        // Midnight can fall in a gap (e.g. America/Sao_Paulo before 2019): take the first second that exists.
        while true {
            switch resolve(localSeconds: local) {
            case .unique(let t), .ambiguous(let t, _): return Instant(nanoseconds: t * Instant.nanosPerSecond)
            case .nonexistent: local += 60
            }
        }
    }

    public var description: String { identifier }
}
