/// Finds a message by its id among the millions a run holds: an open-addressing table of
/// positions into the caller's array, with 32 bits of each id's hash beside the position so
/// that the bytes are compared only when the hashes agree. About 8 bytes a slot at most
/// three quarters full, against some 24 for a `[String: Int]`, and no String hashing per
/// lookup. Hashes come from Swift's per-process seeded `Hasher`, so crafted ids cannot
/// choose their collisions.
struct IDIndex {
    private var positions: [Int32]
    private var hashes: [UInt32]
    private let mask: Int

    init(expectedCount: Int) {
        var size = 16
        while size * 3 < expectedCount * 4 { size <<= 1 }
        positions = Array(repeating: -1, count: size)
        hashes = Array(repeating: 0, count: size)
        mask = size - 1
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        return hasher.finalize()
    }

    /// The position already stored for an equal id (`isEqual(position)` compares the
    /// bytes), or nil after storing `position` for it.
    mutating func firstOrInsert(hash: Int, position: Int32, isEqual: (Int32) -> Bool) -> Int32? {
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var slot = hash & mask
        while positions[slot] >= 0 {
            if hashes[slot] == tag && isEqual(positions[slot]) { return positions[slot] }
            slot = (slot + 1) & mask
        }
        positions[slot] = position
        hashes[slot] = tag
        return nil
    }

    /// The position stored for an equal id, or nil.
    func find(hash: Int, isEqual: (Int32) -> Bool) -> Int32? {
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var slot = hash & mask
        while positions[slot] >= 0 {
            if hashes[slot] == tag && isEqual(positions[slot]) { return positions[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

/// The bytes of a message id without one pair of surrounding angle brackets, so that
/// `<a@x>` and `a@x` name the same parent.
func withIDCore<R>(_ id: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    var copy = id
    return copy.withUTF8 { b in
        if b.count >= 2, b[0] == UInt8(ascii: "<"), b[b.count - 1] == UInt8(ascii: ">") {
            return body(UnsafeBufferPointer(rebasing: b[1..<(b.count - 1)]))
        }
        return body(b)
    }
}
