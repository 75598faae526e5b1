#if canImport(Glibc)
import Glibc
#endif

/// Gives the pages of freed small allocations back to the system.
///
/// Millions of short strings freed at once (message ids, parents, subjects) leave glibc's
/// heap full of free chunks that still count as resident, and the large arrays allocated
/// next come from fresh mappings, so without this the peak holds both. `malloc_trim` is
/// looked up at run time: other C libraries simply skip it.
public enum FreedMemory {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let trim: Trim? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    public static func returnToSystem() { _ = trim?(0) }
}
