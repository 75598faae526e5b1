#if canImport(Glibc)
import Glibc
#endif

/// Gives the pages of freed small allocations back to the system.
///
/// Millions of short strings freed at once (message ids, parents, subjects) leave the heap
/// full of free chunks that still count as resident, and the large arrays allocated next
/// come from fresh mappings, so without this the peak holds both. The allocator's own call
/// is looked up at run time: jemalloc's purge of every arena (the release build links it),
/// else glibc's `malloc_trim`; other C libraries simply skip it.
public enum FreedMemory {
    private typealias Trim = @convention(c) (Int) -> Int32
    private typealias Control = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeMutableRawPointer?, Int) -> Int32

    private static let release: (@Sendable () -> Void)? = {
        #if canImport(Glibc)
        // `mallctl` is exported only by jemalloc; 4096 is its MALLCTL_ARENAS_ALL.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallctl") {
            let control = unsafeBitCast(symbol, to: Control.self)
            return { _ = control("arena.4096.purge", nil, nil, nil, 0) }
        }
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            let trim = unsafeBitCast(symbol, to: Trim.self)
            return { _ = trim(0) }
        }
        #endif
        return nil
    }()

    public static func returnToSystem() { release?() }
}
