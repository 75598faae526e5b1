/// Keeps the marked elements of an array, in order, by moving them forward in its buffer
/// (a swap there moves, where `Array.swapAt` copied and retained every field of both):
/// parallel arrays (messages and their threading keys) are compacted alike.
public enum Compaction {
    /// Moves the elements where `keep` is true to the front, in order, and removes the rest.
    @inlinable public static func keep<Element>(_ keep: [Bool], in array: inout [Element]) {
        precondition(keep.count == array.count, "one mark per element")
        let kept = array.withUnsafeMutableBufferPointer { buffer in
            var w = 0
            for r in buffer.indices where keep[r] {
                if w != r { buffer.swapAt(w, r) }
                w += 1
            }
            return w
        }
        array.removeSubrange(kept...)
    }
}
