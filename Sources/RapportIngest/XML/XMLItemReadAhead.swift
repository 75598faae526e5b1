import Foundation
import RapportCore

/// Reads a document's items (a ticket with its events, a bug with its comments) whole on a
/// thread of its own, a few batches ahead of the caller: libxml2's parse and the item trees
/// are half of what reading ticket XML costs, and the reading thread was what the analysis
/// threads waited for. Items come out in document order; the first parse error comes out
/// after every item read before it, as reading on one thread gives.
///
/// Memory is bounded by `batchesAhead` batches of `batchSize` items (each item is already
/// capped by ``XMLStreamReader/Limits``). Call ``close()`` when done, also after an error:
/// it stops the reading thread and waits for it.
final class XMLItemReadAhead: @unchecked Sendable {
    /// Decides, for each element start, whether it is an item (read whole) or not (walked
    /// through); throws to stop the file (a wrong root element).
    typealias Selector = (_ name: String, _ depth: Int) throws(InputError) -> Bool

    static let batchSize = 64
    static let batchesAhead = 4

    private let xml: XMLStreamReader
    private let isItem: Selector
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var ready: [[XMLElement]] = []
    private var failure: InputError?
    private var finished = false
    private var cancelled = false
    private var threadDone = false
    /// The batch the caller is taking items from (the caller's thread only).
    private var current: [XMLElement] = []
    private var position = 0

    init(_ xml: XMLStreamReader, isItem: @escaping Selector) {
        self.xml = xml
        self.isItem = isItem
        let thread = Thread { [self] in
            readAll()
            condition.lock()
            threadDone = true
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next item, nil at the end of the document; rethrows the reading thread's error.
    func next() throws(InputError) -> XMLElement? {
        if position < current.count {
            position += 1
            return current[position - 1]
        }
        condition.lock()
        while ready.isEmpty && !finished { condition.wait() }
        if ready.isEmpty {
            let failure = self.failure
            condition.unlock()
            if let failure { throw failure }
            return nil
        }
        current = ready.removeFirst()
        condition.broadcast()  // room for another batch
        condition.unlock()
        position = 1
        return current[0]
    }

    /// Stops the reading thread (if it is still reading) and waits until it has let go of the reader.
    func close() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !threadDone { condition.wait() }
        condition.unlock()
    }

    private func readAll() {
        var batch: [XMLElement] = []
        batch.reserveCapacity(Self.batchSize)
        do throws(InputError) {
            while let event = try xml.next() {
                guard case .start(let name, let depth) = event, try isItem(name, depth) else { continue }
                batch.append(try xml.readSubtree())
                if batch.count == Self.batchSize {
                    guard hand(batch) else { return }
                    batch = []
                    batch.reserveCapacity(Self.batchSize)
                }
            }
            end(with: batch, failure: nil)
        } catch {
            end(with: batch, failure: error)
        }
    }

    /// Queues a full batch, waiting while `batchesAhead` are unread; false once the caller closed.
    private func hand(_ batch: [XMLElement]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= Self.batchesAhead && !cancelled { condition.wait() }
        if cancelled { return false }
        ready.append(batch)
        condition.broadcast()
        return true
    }

    private func end(with batch: [XMLElement], failure: InputError?) {
        condition.lock()
        if !batch.isEmpty { ready.append(batch) }
        self.failure = failure
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
