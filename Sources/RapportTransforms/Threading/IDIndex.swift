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

    /// The position already stored for an id equal to `key` (`isEqual(position)` compares
    /// that position's bytes with `key`), or nil after storing `position` for it.
    mutating func firstOrInsert(_ key: UnsafeBufferPointer<UInt8>, position: Int32, isEqual: (Int32) -> Bool) -> Int32? {
        let (slot, tag, found) = probe(key, isEqual: isEqual)
        if found == nil {
            positions[slot] = position
            hashes[slot] = tag
        }
        return found
    }

    /// The position stored for an id equal to `key`, or nil.
    func find(_ key: UnsafeBufferPointer<UInt8>, isEqual: (Int32) -> Bool) -> Int32? {
        probe(key, isEqual: isEqual).found
    }

    /// The slot holding an equal id, or the empty slot where it would go, with its hash tag.
    private func probe(_ key: UnsafeBufferPointer<UInt8>, isEqual: (Int32) -> Bool) -> (slot: Int, tag: UInt32, found: Int32?) {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(key))
        let hash = hasher.finalize()
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var slot = hash & mask
        while positions[slot] >= 0 {
            if hashes[slot] == tag && isEqual(positions[slot]) { return (slot, tag, positions[slot]) }
            slot = (slot + 1) & mask
        }
        return (slot, tag, nil)
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
