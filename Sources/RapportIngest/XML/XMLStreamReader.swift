import CLibXML2
import RapportCore

/// A streaming XML reader over a ``ByteSource`` (libxml2's `xmlTextReader`), set up
/// for untrusted input as PRODUCT.md "Bad input" says:
/// - opened with `xmlReaderForIO` on our own byte stream (so `.xml.gz` goes through our
///   strict gzip layer, and gzip or xz bytes in a `.xml` are never silently inflated);
/// - `XML_PARSE_NONET` only: no entity substitution, no DTD loading, no XInclude, no
///   huge mode (libxml2's own depth and text caps stay on), no recovery;
/// - a deny-all external entity loader, so nothing is read but the input;
/// - a DOCTYPE with an internal subset (entity declarations) is refused before any
///   content is read; an external DTD reference alone (Bugzilla's) is allowed, never fetched;
/// - caps on depth and on the size of one item's subtree;
/// - every libxml2 error is caught by a structured handler and ends the file with its line.
///
/// Formats walk the document with ``next()`` and read each item (a Jira `<item>`, a
/// Bugzilla `<bug>`) whole with ``readSubtree()``: memory is bounded by one item.
public final class XMLStreamReader {
    public enum Event: Equatable {
        case start(name: String, depth: Int)
        case end(name: String, depth: Int)
        case text(String)
    }

    public struct Limits: Sendable {
        public var maxDepth = 256
        public var maxItemBytes = 64 << 20
        public init() {}
    }

    private let reader: xmlTextReaderPtr
    private let context: UnsafeMutablePointer<ReadContext>
    private let limits: Limits
    /// The line of the current node (libxml2's parser line).
    public var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The root element's name once seen (for recognising formats).
    public private(set) var rootName: String?
    /// Comments before the root element (Jira writes its version and export time there).
    public private(set) var prologComments: [String] = []

    public init(source: any ByteSource, limits: Limits = Limits()) throws(InputError) {
        XMLSafety.install()
        self.limits = limits
        context = .allocate(capacity: 1)
        context.initialize(to: ReadContext(source: source))
        let options = Int32(XML_PARSE_NONET.rawValue)
        guard let reader = xmlReaderForIO(xmlReadCallback, nil, context, "input.xml", nil, options) else {
            context.deinitialize(count: 1)
            context.deallocate()
            names.deallocate()
            throw InputError(.corrupt, "the XML reader could not start")
        }
        self.reader = reader
        names.initialize(repeating: (nil, ""), count: Self.nameSlots)
        xmlTextReaderSetStructuredErrorHandler(reader, xmlErrorCallback, context)
    }

    deinit {
        names.deinitialize(count: Self.nameSlots)
        names.deallocate()
        xmlFreeTextReader(reader)
        context.deinitialize(count: 1)
        context.deallocate()
    }

    /// The next element start, end or text (comments, whitespace and declarations are skipped).
    public func next() throws(InputError) -> Event? {
        currentIsEmpty = false
        while true {
            let rc = xmlTextReaderRead(reader)
            try checkFailure()
            if rc == 0 { return nil }
            if rc < 0 { throw InputError(.corrupt, "XML parse error at line \(line)") }
            let type = xmlTextReaderNodeType(reader)
            let depth = Int(xmlTextReaderDepth(reader))
            if depth > limits.maxDepth {
                throw InputError(.corrupt, "XML nested deeper than \(limits.maxDepth) levels at line \(line)")
            }
            switch type {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = currentName()
                if rootName == nil { rootName = name }
                let event = Event.start(name: name, depth: depth)
                currentIsEmpty = xmlTextReaderIsEmptyElement(reader) == 1
                return event
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                return .end(name: currentName(), depth: depth)
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                return .text(currentValue())
            case Int32(XML_READER_TYPE_COMMENT.rawValue):
                if rootName == nil { prologComments.append(currentValue()) }
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
                try checkDoctype()
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                throw InputError(.corrupt, "entity reference at line \(line): entities are not expanded; re-export without a DTD")
            default:
                continue
            }
        }
    }

    /// True when the start just returned was an empty element (`<a/>`): no end event follows.
    private var currentIsEmpty = false

    /// After a `.start`: the whole element as a tree (attributes, text and children in order).
    /// Call right after ``next()`` returned the element's start.
    public func readSubtree() throws(InputError) -> XMLElement {
        let root = XMLElement(name: currentName(), attributes: currentAttributes(), line: line)
        if currentIsEmpty { return root }
        var stack = [root]
        var bytes = 0
        while let event = try next() {
            switch event {
            case .start(let name, _):
                let child = XMLElement(name: name, attributes: currentAttributes(), line: line)
                bytes += name.utf8.count + child.attributes.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
                stack.last!.content.append(.element(child))
                if !currentIsEmpty { stack.append(child) }
            case .end:
                let done = stack.removeLast()
                if stack.isEmpty { return done }
            case .text(let text):
                bytes += text.utf8.count
                stack.last!.content.append(.text(text))
            }
            if bytes > limits.maxItemBytes {
                throw InputError(.recordTooLarge, "an XML element starting at line \(root.line) is larger than \(limits.maxItemBytes) bytes")
            }
        }
        throw InputError(.truncated, "the XML ends inside <\(root.name)> (opened at line \(root.line))")
    }

    /// Skips the rest of the current element (after its `.start`).
    public func skipSubtree() throws(InputError) {
        if currentIsEmpty { return }
        var depth = 1
        while let event = try next() {
            switch event {
            case .start:
                if !currentIsEmpty { depth += 1 }
            case .end:
                depth -= 1
                if depth == 0 { return }
            case .text: break
            }
        }
    }

    /// Attributes of the current start element, in document order.
    public func currentAttributes() -> [(String, String)] {
        var out: [(String, String)] = []
        guard xmlTextReaderHasAttributes(reader) == 1 else { return out }
        out.reserveCapacity(Int(xmlTextReaderAttributeCount(reader)))
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            out.append((currentName(), currentValue()))
        }
        xmlTextReaderMoveToElement(reader)
        return out
    }

    /// Element and attribute names as Strings, by their address in the reader's dictionary:
    /// libxml2 interns every name for the reader's lifetime, so a file's few dozen names are
    /// decoded once instead of once per node. Direct-mapped (a slot per address, a newer name
    /// replaces an older one), so a file of endless distinct names cannot grow it.
    private let names = UnsafeMutablePointer<(address: UnsafePointer<xmlChar>?, name: String)>.allocate(capacity: nameSlots)
    private static let nameSlots = 128

    private func currentName() -> String {
        guard let p = xmlTextReaderConstName(reader) else { return "" }
        let slot = Int(bitPattern: UInt(bitPattern: p) >> 3) & (Self.nameSlots - 1)
        if names[slot].address == p { return names[slot].name }
        let name = String(cString: p)
        names[slot] = (p, name)
        return name
    }

    private func currentValue() -> String {
        guard let p = xmlTextReaderConstValue(reader) else { return "" }
        return String(cString: p)
    }

    private func checkFailure() throws(InputError) {
        if let failure = context.pointee.failure { throw failure }
    }

    /// A DOCTYPE may name an external DTD (never fetched) but may not declare anything itself.
    private func checkDoctype() throws(InputError) {
        // The DOCTYPE node is the document's internal subset (an xmlDtd). Not through
        // xmlTextReaderCurrentDoc: that call makes the reader keep the document, which then leaks.
        guard let node = xmlTextReaderCurrentNode(reader), node.pointee.type == XML_DTD_NODE else { return }
        let subset = UnsafeMutableRawPointer(node).assumingMemoryBound(to: xmlDtd.self)
        if subset.pointee.children != nil || subset.pointee.entities != nil || subset.pointee.elements != nil {
            throw InputError(
                .corrupt, "the DOCTYPE at line \(line) declares entities or elements; such files are refused (entity expansion attacks); re-export without an inline DTD")
        }
    }
}

/// One element read whole: name, attributes, and its content in document order.
public final class XMLElement {
    public enum Content {
        case text(String)
        case element(XMLElement)
    }

    public let name: String
    public let attributes: [(String, String)]
    public let line: Int
    public var content: [Content] = []

    init(name: String, attributes: [(String, String)], line: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    public subscript(attribute name: String) -> String? {
        // By index and length first: binding each pair retained both strings, and most names differ in length.
        let length = name.utf8.count
        return attributes.withUnsafeBufferPointer { pairs in
            for i in pairs.indices where pairs[i].0.utf8.count == length && pairs[i].0 == name { return pairs[i].1 }
            return nil
        }
    }

    // One pass over the content each, without the array of every child first.
    public func child(_ name: String) -> XMLElement? {
        for c in content { if case .element(let e) = c, e.name == name { return e } }
        return nil
    }
    public func children(_ name: String) -> [XMLElement] {
        content.compactMap { if case .element(let e) = $0, e.name == name { return e } else { return nil } }
    }

    /// Direct text, trimmed of surrounding white space (exports wrap values in tabs and newlines).
    public var text: String {
        var s = ""
        for c in content { if case .text(let t) = c { s += t } }
        return s.trimmingASCIIWhitespace()
    }

    /// The text of a child element, trimmed; nil when the child is absent.
    public func value(_ name: String) -> String? { child(name)?.text }

    /// The content as markup: text escaped, child elements written back as tags. Used where an
    /// export turned escaped HTML into real elements (the HTML cleaner then reads either form alike).
    public var innerMarkup: String {
        var s = ""
        for c in content {
            switch c {
            case .text(let t): s += XMLElement.escape(t)
            case .element(let e):
                s += "<" + e.name + ">" + e.innerMarkup + "</" + e.name + ">"
            }
        }
        return s
    }

    /// True when any child is an element (HTML turned into real elements).
    public var hasElementContent: Bool { content.contains { if case .element = $0 { return true } else { return false } } }

    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) else { return s }
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// State shared with libxml2's C callbacks: the byte source and the first failure.
struct ReadContext {
    let source: any ByteSource
    var failure: InputError?
    /// Bytes handed to libxml2 so far (an empty file gets its own message).
    var bytesRead = 0
}

/// libxml2 pulls bytes through this; a damaged stream (truncated gzip…) is kept as the failure.
private func xmlReadCallback(_ context: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ length: Int32) -> Int32 {
    guard let context, let buffer else { return -1 }
    let ctx = context.assumingMemoryBound(to: ReadContext.self)
    do {
        let n = try ctx.pointee.source.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
        ctx.pointee.bytesRead += n
        return Int32(n)
    } catch {
        if ctx.pointee.failure == nil { ctx.pointee.failure = error }
        return -1
    }
}

/// Every libxml2 warning is ignored; every error ends the file, with libxml2's message and line.
private func xmlErrorCallback(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let context, let error else { return }
    let ctx = context.assumingMemoryBound(to: ReadContext.self)
    guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, ctx.pointee.failure == nil else { return }
    var message = error.pointee.message.map { String(cString: $0) } ?? "XML error"
    while message.hasSuffix("\n") { message.removeLast() }
    // One line per error: libxml2 puts the offending bytes on a line of their own.
    message = message.split(whereSeparator: \.isNewline).joined(separator: "; ")
    if message.contains("not proper UTF-8") {
        message += " (the file is not UTF-8 and declares no other encoding: re-export it as UTF-8, or add an encoding declaration)"
    } else if message.contains("entity") || message.contains("Entity") {
        message += " (entities are never expanded: files with an inline DTD are refused; re-export without one)"
    }
    if ctx.pointee.bytesRead == 0 {
        ctx.pointee.failure = InputError(.truncated, "the file is empty: there is no XML document in it; export it again")
        return
    }
    let documentEnd = error.pointee.code == Int32(XML_ERR_DOCUMENT_END.rawValue)
    if documentEnd {
        // libxml2's reader says "Extra content at the end of the document" both for a document
        // cut off with elements still open and for content after the root: name both.
        message = "the document stops before its elements are closed, or goes on after its root element (a cut-off export?); libxml2: \(message)"
    }
    let reason: RejectReason = documentEnd || message.contains("Premature end") ? .truncated : .corrupt
    ctx.pointee.failure = InputError(reason, "XML error at line \(error.pointee.line): \(message)")
}

/// Process-wide libxml2 set-up: parser initialised once, external entities denied.
enum XMLSafety {
    private static let once: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader(denyExternalEntity)
    }()

    static func install() { _ = once }
}

/// Nothing outside the input is ever read: every external entity or DTD load fails.
private func denyExternalEntity(_ url: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?, _ context: xmlParserCtxtPtr?) -> xmlParserInputPtr? {
    nil
}
