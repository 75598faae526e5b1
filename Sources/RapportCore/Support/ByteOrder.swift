import Glibc

/// Byte-order comparison for stable, locale-free sorting: memcmp on the UTF-8 (the generic
/// `lexicographicallyPrecedes` on two UTF8Views stepped byte by byte, most of a sort's time).
@inlinable public func bytesLess(_ a: String, _ b: String) -> Bool {
    // Through `withUTF8` on copies, not `withUTF8Bytes`: inlined into the sort comparators
    // of the output tables, that path cost 10 M more instructions on 10 MB than it saved.
    var a = a
    var b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let n = min(x.count, y.count)
            let order = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
            return order != 0 ? order < 0 : x.count < y.count
        }
    }
}

/// Byte equality (String's `==` compares canonical equivalence, which names do not need).
@inlinable public func bytesEqual(_ a: String, _ b: String) -> Bool {
    var a = a
    var b = b
    return a.withUTF8 { x in b.withUTF8 { y in bytesEqual(x, y) } }
}

/// Byte equality of two buffers through `memcmp` (`elementsEqual` walks them through
/// iterators: some 850 instructions per 40-byte id in the thread index).
@inlinable public func bytesEqual(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
    x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
}

extension String {
    /// The string's UTF-8 bytes, read in place where it keeps them contiguous (native and
    /// small strings do), else through a contiguous copy. Unlike `withUTF8`, which needs a
    /// mutable copy, this neither retains nor releases the string: the thread index reads
    /// two ids per probe.
    @inlinable public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
