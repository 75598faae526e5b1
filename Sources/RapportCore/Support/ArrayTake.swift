extension Array {
    /// The elements with their storage, leaving the array empty (its capacity goes along): the
    /// caller then holds the only reference, so appending never copies, and a class's stored
    /// array can be worked on as a local without a run-time exclusivity check per access.
    public mutating func take() -> [Element] {
        var taken: [Element] = []
        swap(&taken, &self)
        return taken
    }
}
