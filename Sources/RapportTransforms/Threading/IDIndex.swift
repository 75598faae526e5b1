import RapportCore

/// Finds a message by its id among the millions a run holds: an open-addressing table of
/// positions into the caller's array, with 32 bits of each id's hash beside the position so
/// that the bytes are compared only when the hashes agree. About 8 bytes a slot at most
/// three quarters full, against some 24 for a `[String: Int]`, and no String hashing per
/// lookup. Hashes come from Swift's per-process seeded `Hasher`, so crafted ids cannot
/// choose their collisions.
struct IDIndex {
    /// Position and hash tag side by side: a probe touches one cache line, not two.
    private struct Slot {
        var position: Int32
        var tag: UInt32
    }
    private var slots: [Slot]
    private let mask: Int

    init(expectedCount: Int) {
        var size = 16
        while size * 3 < expectedCount * 4 { size <<= 1 }
        slots = Array(repeating: Slot(position: -1, tag: 0), count: size)
        mask = size - 1
    }

    /// The position already stored for an id equal to `key` (`isEqual(position)` compares
    /// that position's bytes with `key`), or nil after storing `position` for it.
    mutating func firstOrInsert(_ key: UnsafeBufferPointer<UInt8>, position: Int32, isEqual: (Int32) -> Bool) -> Int32? {
        let (slot, tag, found) = probe(key, isEqual: isEqual)
        if found == nil { slots[slot] = Slot(position: position, tag: tag) }
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
        while slots[slot].position >= 0 {
            if slots[slot].tag == tag && isEqual(slots[slot].position) { return (slot, tag, slots[slot].position) }
            slot = (slot + 1) & mask
        }
        return (slot, tag, nil)
    }
}

/// The bytes of a message id without one pair of surrounding angle brackets, so that
/// `<a@x>` and `a@x` name the same parent.
public func withIDCore<R>(_ id: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    func core(_ b: UnsafeBufferPointer<UInt8>) -> R {
        if b.count >= 2, b[0] == UInt8(ascii: "<"), b[b.count - 1] == UInt8(ascii: ">") {
            return body(UnsafeBufferPointer(rebasing: b[1..<(b.count - 1)]))
        }
        return body(b)
    }
    return id.withUTF8Bytes(core)
}
