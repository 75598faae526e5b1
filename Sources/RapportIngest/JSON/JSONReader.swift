import RapportCore

/// A strict streaming JSON reader (RFC 8259) over a ``ByteSource``, for exports too large to
/// hold (Slack day files, Redmine and GitHub dumps): a pull parser that hands out one event at
/// a time, and, for the common shape "an array of records", each element as a small tree
/// (``readElement()``) so that memory holds one record, never the file.
///
/// Strict: one value per document, no comments, no trailing commas, no leading zeros, no raw
/// control characters in strings, valid escapes and UTF-8; anything else is an ``InputError``
/// (`corrupt`, or `truncated` when the input ends inside a value) naming the byte offset. A
/// UTF-8 byte order mark at the start is allowed. Lone UTF-16 surrogates in `\u` escapes, which
/// RFC 8259 leaves undefined, become U+FFFD. Bounded: nesting deeper than ``Limits/maxDepth``,
/// a string over ``Limits/maxStringBytes`` or a number over ``Limits/maxNumberBytes`` stops
/// the document, in time proportional to the bytes read up to there.
public final class JSONReader {
    public struct Limits: Sendable {
        public var maxDepth = 256
        public var maxStringBytes = 16 << 20
        public var maxNumberBytes = 256
        /// What one ``readElement()`` tree may hold (its strings' bytes plus 16 per node).
        public var maxElementBytes = 64 << 20
        public init() {}
    }

    /// What the reader found. A key's or string's text, or a number's spelling, is in ``text``.
    public enum Event: Equatable, Sendable {
        case startObject, endObject, startArray, endArray
        case key, string, number
        case bool(Bool)
        case null
    }

    private enum State { case value, objectStart, arrayStart, afterValue, end }

    private let source: any ByteSource
    private let limits: Limits
    private let buffer: UnsafeMutableRawBufferPointer
    private var position = 0
    private var end = 0
    private var atEOF = false
    private var consumedBefore: Int64 = 0
    private var state = State.value
    /// Open containers, innermost last: `{` or `[`.
    private var stack: [UInt8] = []
    private var scratch: [UInt8] = []
    private var started = false
    /// The text of the last key, string or number.
    public private(set) var text = ""
    /// True once the source itself failed (a damaged archive, a read error), as opposed to
    /// the JSON being malformed: a reader of many files stops then rather than go on.
    public private(set) var sourceFailed = false
    /// Containers open after the last event.
    public var depth: Int { stack.count }
    /// Byte offset in the document of the next unread byte (for messages).
    public var offset: Int64 { consumedBefore + Int64(position) }

    public init(source: any ByteSource, limits: Limits = Limits(), chunkSize: Int = 1 << 16) {
        self.source = source
        self.limits = limits
        buffer = .allocate(byteCount: max(16, chunkSize), alignment: 8)
    }

    deinit { buffer.deallocate() }

    // MARK: bytes

    /// The next byte without taking it; nil at the end of the input.
    @inline(__always)
    private func peek() throws(InputError) -> UInt8? {
        if position == end {
            if atEOF { return nil }
            try refill()
            if position == end { return nil }
        }
        return buffer[position]
    }

    private func refill() throws(InputError) {
        consumedBefore += Int64(position)
        position = 0
        end = 0
        let n: Int
        do throws(InputError) {
            n = try source.read(into: buffer)
        } catch {
            sourceFailed = true
            throw error
        }
        if n == 0 { atEOF = true }
        end = n
    }

    private func take() throws(InputError) -> UInt8 {
        guard let c = try peek() else { throw truncated("the input ends inside a value") }
        position += 1
        return c
    }

    private func skipWhiteSpace() throws(InputError) -> UInt8? {
        while let c = try peek() {
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                position += 1
            } else {
                return c
            }
        }
        return nil
    }

    private func corrupt(_ what: String) -> InputError { InputError(.corrupt, "JSON: \(what) at byte \(offset)") }
    private func truncated(_ what: String) -> InputError { InputError(.truncated, "JSON: \(what) (byte \(offset)); the file was cut short") }

    // MARK: events

    /// The next event; nil once the document's value has ended (only white space may follow).
    public func next() throws(InputError) -> Event? {
        if !started {
            started = true
            if try peek() == 0xEF {
                for expected: UInt8 in [0xEF, 0xBB, 0xBF] {
                    if try take() != expected { throw corrupt("a stray byte where a byte order mark starts") }
                }
            }
        }
        while true {
            switch state {
            case .end:
                return nil
            case .value:
                return try valueStart()
            case .objectStart:
                guard let c = try skipWhiteSpace() else { throw truncated("the input ends inside an object") }
                if c == UInt8(ascii: "}") { return closeContainer() }
                return try key()
            case .arrayStart:
                guard let c = try skipWhiteSpace() else { throw truncated("the input ends inside an array") }
                if c == UInt8(ascii: "]") { return closeContainer() }
                return try valueStart()
            case .afterValue:
                guard let top = stack.last else {
                    if try skipWhiteSpace() != nil { throw corrupt("text after the document's end") }
                    state = .end
                    return nil
                }
                guard let c = try skipWhiteSpace() else { throw truncated("the input ends inside \(top == UInt8(ascii: "{") ? "an object" : "an array")") }
                if c == UInt8(ascii: ",") {
                    position += 1
                    if top == UInt8(ascii: "{") { return try key() }
                    state = .value
                    continue
                }
                if (c == UInt8(ascii: "}") && top == UInt8(ascii: "{")) || (c == UInt8(ascii: "]") && top == UInt8(ascii: "[")) { return closeContainer() }
                throw corrupt("expected `,` or `\(top == UInt8(ascii: "{") ? "}" : "]")`")
            }
        }
    }

    private func closeContainer() -> Event {
        position += 1
        let top = stack.removeLast()
        state = .afterValue
        return top == UInt8(ascii: "{") ? .endObject : .endArray
    }

    private func key() throws(InputError) -> Event {
        guard let c = try skipWhiteSpace() else { throw truncated("the input ends before a key") }
        guard c == UInt8(ascii: "\"") else { throw corrupt("expected a key in quotes") }
        try readString()
        guard try skipWhiteSpace() == UInt8(ascii: ":") else { throw corrupt("expected `:` after the key") }
        position += 1
        state = .value
        return .key
    }

    private func valueStart() throws(InputError) -> Event {
        guard let c = try skipWhiteSpace() else { throw truncated(stack.isEmpty ? "the input holds no JSON value" : "the input ends before a value") }
        switch c {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard stack.count < limits.maxDepth else { throw corrupt("nesting deeper than \(limits.maxDepth) levels") }
            position += 1
            stack.append(c)
            state = c == UInt8(ascii: "{") ? .objectStart : .arrayStart
            return c == UInt8(ascii: "{") ? .startObject : .startArray
        case UInt8(ascii: "\""):
            try readString()
            state = .afterValue
            return .string
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try readNumber()
            state = .afterValue
            return .number
        default:
            throw corrupt("unexpected `\(Unicode.Scalar(c).escaped(asASCII: true))`")
        }
    }

    private func literal(_ word: StaticString) throws(InputError) {
        let bytes = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in bytes {
            guard try take() == expected else { throw corrupt("not `\(word)`") }
        }
        state = .afterValue
    }

    // MARK: strings and numbers

    private func readString() throws(InputError) {
        position += 1  // the opening quote
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard try peek() != nil else { throw truncated("the input ends inside a string") }
            // Copy the run up to the next quote, backslash or control byte in one step.
            var i = position
            while i < end {
                let c = buffer[i]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
                i += 1
            }
            if i > position {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position..<i]))
                position = i
                if scratch.count > limits.maxStringBytes { throw corrupt("a string longer than \(limits.maxStringBytes) bytes") }
            }
            if position == end { continue }  // the run reached the end of the buffer
            let c = buffer[position]
            position += 1
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw corrupt("a raw control character in a string (write it as an escape)") }
            try escape()
        }
        guard let s = scratch.withUnsafeBytes({ String(validUTF8: $0) }) else { throw corrupt("a string that is not valid UTF-8") }
        text = s
    }

    private func escape() throws(InputError) {
        let c = try take()
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(c)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hex4())
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate pairs with a following `\uDC00`–`\uDFFF`.
                if try peek() == UInt8(ascii: "\\") {
                    position += 1
                    guard try take() == UInt8(ascii: "u") else { throw corrupt("an escape after a high surrogate that is not `\\u`") }
                    let low = UInt32(try hex4())
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        appendScalar(0xFFFD)
                        scalar = (0xD800...0xDFFF).contains(low) ? 0xFFFD : low
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = 0xFFFD
            }
            appendScalar(scalar)
        default:
            throw corrupt("an unknown escape `\\\(Unicode.Scalar(c).escaped(asASCII: true))`")
        }
    }

    private func hex4() throws(InputError) -> UInt16 {
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = try take()
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - 0x30
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - 0x57
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - 0x37
            default: throw corrupt("`\\u` needs four hexadecimal digits")
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }

    private func appendScalar(_ value: UInt32) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        scratch.append(contentsOf: UTF8.encode(scalar)!)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, its spelling kept in ``text``.
    private func readNumber() throws(InputError) {
        scratch.removeAll(keepingCapacity: true)
        func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        func add() throws(InputError) {
            scratch.append(try take())
            if scratch.count > limits.maxNumberBytes { throw corrupt("a number longer than \(limits.maxNumberBytes) characters") }
        }
        func digits() throws(InputError) {
            guard isDigit(try peek()) else { throw corrupt("a number with a missing digit") }
            while isDigit(try peek()) { try add() }
        }
        if try peek() == UInt8(ascii: "-") { try add() }
        if try peek() == UInt8(ascii: "0") {
            try add()
            if isDigit(try peek()) { throw corrupt("a number with a leading zero") }
        } else {
            try digits()
        }
        if try peek() == UInt8(ascii: ".") {
            try add()
            try digits()
        }
        if let c = try peek(), c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            try add()
            if let s = try peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { try add() }
            try digits()
        }
        text = String(decoding: scratch, as: UTF8.self)
    }

    // MARK: trees

    /// Skips the value whose first event was `event` (a container to its end; a scalar is already whole).
    public func skip(_ event: Event) throws(InputError) {
        guard event == .startObject || event == .startArray else { return }
        let target = depth - 1
        while depth > target {
            guard try next() != nil else { throw truncated("the input ends inside a value") }
        }
    }

    /// Reads the next value as a tree; nil when it is over ``Limits/maxElementBytes`` (it is
    /// then skipped to its end). Call where a value is expected (after `.key` or `.startArray`,
    /// or between an array's elements); returns nil for the end of an array too, with
    /// ``endedContainer`` set.
    public func readElement() throws(InputError) -> JSONElement? {
        endedContainer = false
        guard let event = try next() else { throw truncated("the input ends where a value is expected") }
        if event == .endArray || event == .endObject {
            endedContainer = true
            return nil
        }
        var budget = limits.maxElementBytes
        let tree = try element(from: event, budget: &budget)
        return budget >= 0 ? tree : nil
    }

    /// Set by ``readElement()`` when it met the end of the enclosing array instead of a value.
    public private(set) var endedContainer = false

    /// The tree of the value starting with `event`. Past the budget, the rest is skipped and
    /// the tree left partial (the budget then negative).
    public func element(from event: Event, budget: inout Int) throws(InputError) -> JSONElement {
        budget -= 16
        switch event {
        case .string:
            budget -= text.utf8.count
            return .string(text)
        case .number: return .number(text)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .startArray:
            var items: [JSONElement] = []
            while true {
                guard let e = try next() else { throw truncated("the input ends inside an array") }
                if e == .endArray { return .array(items) }
                let item = try element(from: e, budget: &budget)
                if budget < 0 {
                    try skipRest(to: depth - 1)
                    return .array([])
                }
                items.append(item)
            }
        case .startObject:
            var members: [JSONElement.Member] = []
            while true {
                guard let e = try next() else { throw truncated("the input ends inside an object") }
                if e == .endObject { return .object(members) }
                let name = text
                budget -= name.utf8.count
                guard let v = try next() else { throw truncated("the input ends inside an object") }
                let value = try element(from: v, budget: &budget)
                if budget < 0 {
                    try skipRest(to: depth - 1)
                    return .object([])
                }
                members.append(JSONElement.Member(key: name, value: value))
            }
        case .endArray, .endObject, .key:
            throw corrupt("a value was expected")
        }
    }

    private func skipRest(to target: Int) throws(InputError) {
        while depth > target {
            guard try next() != nil else { throw truncated("the input ends inside a value") }
        }
    }
}

/// One JSON value as a small tree (``JSONReader/readElement()``): members keep their order,
/// numbers their spelling.
public indirect enum JSONElement: Equatable, Sendable {
    public struct Member: Equatable, Sendable {
        public var key: String
        public var value: JSONElement
    }
    case object([Member])
    case array([JSONElement])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// The first member named `key` of an object.
    public subscript(key: String) -> JSONElement? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A string, or a number's spelling (Slack writes timestamps as strings, others as numbers).
    public var text: String? {
        switch self {
        case .string(let s), .number(let s): return s
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: [JSONElement]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool { self == .null }
}
