import Foundation

/// The process's own peak resident memory, from `VmHWM` in `/proc/self/status`.
///
/// Not `getrusage`: Linux carries the spawning process's high-water mark into a child that
/// was started with `vfork`/`posix_spawn`, so `ru_maxrss` can report the parent's memory.
/// `VmHWM` belongs to this process's own address space, which `exec` made new.
public enum PeakMemory {
    /// Bytes, or nil where `/proc` is not there to say.
    public static func residentBytes() -> Int? { status().peak }

    /// Bytes resident now (`VmRSS`) and at the peak (`VmHWM`), from one read of `/proc`.
    public static func status() -> (current: Int?, peak: Int?) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (nil, nil) }
        var fields: [Substring: Int] = [:]
        for line in status.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon]] = Int(line[colon...].filter(\.isNumber)).map { $0 * 1024 }
        }
        return (fields["VmRSS"], fields["VmHWM"])
    }

    /// "N MiB", or "unknown" without a figure.
    public static func mib(_ bytes: Int?) -> String { bytes.map { "\($0 / 1_048_576) MiB" } ?? "unknown" }

    /// "N MiB resident, peak M MiB" for debug lines.
    public static var summary: String {
        let (current, peak) = status()
        return "\(mib(current)) resident, peak \(mib(peak))"
    }
}
