import Glibc

/// Byte-order comparison for stable, locale-free sorting: memcmp on the UTF-8 (the generic
/// `lexicographicallyPrecedes` on two UTF8Views stepped byte by byte, most of a sort's time).
@inlinable public func bytesLess(_ a: String, _ b: String) -> Bool {
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
    return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
}
