import Dispatch

/// Work over contiguous slices of an array on as many threads, results in slice order: for
/// stages whose items are independent (tickets to conversations), so that concatenating the
/// results gives exactly what one pass over the whole array gives.
enum Slices {
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], parts: Int, _ work: @Sendable (ArraySlice<Item>) -> Result
    ) -> [Result] {
        map(count: items.count, parts: parts) { work(items[$0]) }
    }

    /// `work` over contiguous ranges of `0..<count` (at least one, possibly empty, range).
    static func map<Result: Sendable>(count: Int, parts: Int, _ work: @Sendable (Range<Int>) -> Result) -> [Result] {
        let n = max(1, min(parts, count))
        if n == 1 { return [work(0..<count)] }
        let bounds = (0...n).map { count * $0 / n }
        let slots = Slots<Result>(count: n)
        DispatchQueue.concurrentPerform(iterations: n) { i in slots.store(work(bounds[i]..<bounds[i + 1]), at: i) }
        return slots.take()
    }
}

extension Slices {
    /// Empties `items` and frees what it held on another thread: releasing two million ticket
    /// events (each with its strings) took the main thread half a second with a core idle.
    static func releaseInBackground<Item>(_ items: inout [Item]) {
        let held = Held(items)
        items = []
        DispatchQueue.global(qos: .utility).async { held.items = [] }
    }
}

/// The last reference to an array on its way to another thread.
private final class Held<Item>: @unchecked Sendable {
    var items: [Item]
    init(_ items: [Item]) { self.items = items }
}

/// One slot per thread, each written by its own thread only, read after all have finished.
private final class Slots<Value>: @unchecked Sendable {
    private let values: UnsafeMutablePointer<Value?>
    private let count: Int
    init(count: Int) {
        self.count = count
        values = .allocate(capacity: count)
        values.initialize(repeating: nil, count: count)
    }
    deinit {
        values.deinitialize(count: count)
        values.deallocate()
    }
    func store(_ value: Value, at i: Int) { values[i] = value }
    func take() -> [Value] { (0..<count).map { values[$0].take()! } }
}
