import Foundation

/// The process's own peak resident memory, from `VmHWM` in `/proc/self/status`.
///
/// Not `getrusage`: Linux carries the spawning process's high-water mark into a child that
/// was started with `vfork`/`posix_spawn`, so `ru_maxrss` can report the parent's memory.
/// `VmHWM` belongs to this process's own address space, which `exec` made new.
public enum PeakMemory {
    /// Bytes, or nil where `/proc` is not there to say.
    public static func residentBytes() -> Int? { statusField("VmHWM:") }

    /// Bytes resident now (`VmRSS`), or nil where `/proc` is not there to say.
    public static func currentBytes() -> Int? { statusField("VmRSS:") }

    private static func statusField(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
