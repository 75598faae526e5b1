import Foundation
import RapportCore
@testable import RapportIngest
import RapportSynthetic
import Testing

@Suite struct XMLStreamReaderTests {
    /// Counts elements named `name` (or fails with the reader's error).
    func count(_ bytes: [UInt8], _ name: String, chunk: Int = 1 << 16) throws(InputError) -> Int {
        let reader = try XMLStreamReader(source: MemoryByteSource(bytes, chunkSize: chunk))
        var n = 0
        while let e = try reader.next() {
            if case .start(let element, _) = e, element == name { n += 1 }
        }
        return n
    }

    func failure(_ text: String) -> InputError? {
        do {
            _ = try count(Array(text.utf8), "x")
            return nil
        } catch {
            return error
        }
    }

    @Test func readsSubtreesWithTextAttributesAndOrder() throws {
        let xml = "<root><item id=\"1\" kind='a'>\n\t<title>\n\t\tHello &amp; bye\n\t</title><body><p>One</p>two<br/></body></item><item id=\"2\"/></root>"
        for chunk in [1, 7, 1 << 16] {
            let reader = try XMLStreamReader(source: MemoryByteSource(Array(xml.utf8), chunkSize: chunk))
            var items: [XMLElement] = []
            while let e = try reader.next() {
                if case .start("item", _) = e { items.append(try reader.readSubtree()) }
            }
            #expect(items.count == 2)
            #expect(items[0][attribute: "kind"] == "a")
            #expect(items[0].value("title") == "Hello & bye")
            #expect(items[0].child("body")?.innerMarkup == "<p>One</p>two<br></br>")
            #expect(items[1][attribute: "id"] == "2")
            #expect(items[1].content.isEmpty)
        }
    }

    @Test func anExternalDTDIsAllowedAndNeverFetched() throws {
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE bugzilla SYSTEM \"http://127.0.0.1:9/bugzilla.dtd\">\n<bugzilla><bug><x/></bug></bugzilla>"
        #expect(try count(Array(xml.utf8), "x") == 1)
    }

    @Test func inlineDTDsAndEntitiesAreRefused() {
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>"
        #expect(failure(laughs)?.message.contains("DOCTYPE") == true)
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"
        #expect(failure(xxe)?.message.contains("DOCTYPE") == true)
        let attribute = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]><x y=\"&a;&a;&a;\"/>"
        #expect(failure(attribute)?.message.contains("declares entities") == true)
    }

    @Test func brokenDocumentsFailWithALine() {
        #expect(failure("<x><y></x>")?.message.contains("line 1") == true)
        #expect(failure("<x><y>")?.reason == .truncated)
        #expect(failure("")?.message.hasPrefix("the file is empty") == true)
        #expect(failure("<x>\u{1}</x>")?.message.contains("invalid Char value 1") == true)
        #expect(failure("<x>\n\n<y attr=\"1\" attr=\"2\"/></x>")?.message.contains("line 3") == true)
        var invalidUTF8 = Array("<x>".utf8)
        invalidUTF8 += [0xC3, 0x28]
        invalidUTF8 += Array("</x>".utf8)
        #expect((try? count(invalidUTF8, "x")) == nil)
    }

    @Test func encodingsLibxml2Declares() throws {
        // UTF-16LE with a BOM, ISO-8859-1 declared.
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("<x><y>é</y></x>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try count(utf16, "y") == 1)
        let latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><x><y>".utf8) + [0xE9] + Array("</y></x>".utf8)
        let reader = try XMLStreamReader(source: MemoryByteSource(latin1))
        var text = ""
        while let e = try reader.next() { if case .text(let t) = e { text += t } }
        #expect(text == "é")
    }

    @Test func gzipBytesInAPlainXMLFileAreNotInflated() {
        let gz = GzipWriter.gzip(Array("<x><y/></x>".utf8))
        #expect((try? count(gz, "y")) == nil)
    }

    @Test func xmlInsideGzipGoesThroughTheStrictGzipLayer() throws {
        let gz = GzipWriter.gzip(Array("<x><y/><y/></x>".utf8))
        let reader = try XMLStreamReader(source: try GzipByteSource(MemoryByteSource(gz)))
        var n = 0
        while let e = try reader.next() { if case .start("y", _) = e { n += 1 } }
        #expect(n == 2)
        let truncated = Array(gz.dropLast(12))
        do {
            let r = try XMLStreamReader(source: try GzipByteSource(MemoryByteSource(truncated)))
            while try r.next() != nil {}
            Issue.record("a truncated gzip was read")
        } catch {
            #expect(error.reason == .truncated)
        }
    }

    @Test func deepNestingIsStopped() {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        #expect(failure(deep)?.message.contains("Excessive depth") == true)
    }
}

/// Items read whole on a thread of their own: order, the first error after the items before
/// it, a caller that stops early, and a document with no items.
@Suite struct XMLItemReadAheadTests {
    /// More items than the batches ahead hold, so the reading thread waits for the caller.
    static let itemCount = XMLItemReadAhead.batchSize * (XMLItemReadAhead.batchesAhead + 2) + 5

    func document(items: Int, tail: String = "</tickets>") -> [UInt8] {
        var xml = "<tickets>"
        for i in 0..<items { xml += "<ticket id=\"\(i)\"><event n=\"\(i)\"/><skip><ticket id=\"nested\"/></skip></ticket><other/>" }
        return Array((xml + tail).utf8)
    }

    func readAhead(_ bytes: [UInt8]) throws(InputError) -> XMLItemReadAhead {
        let xml = try XMLStreamReader(source: MemoryByteSource(bytes, chunkSize: 1000))
        return XMLItemReadAhead(xml) { name, depth throws(InputError) in
            if depth == 0 && name != "tickets" { throw InputError(.unsupportedFormat, "root <\(name)>") }
            return depth == 1 && name == "ticket"
        }
    }

    @Test func itemsInDocumentOrder() throws {
        let items = try readAhead(document(items: Self.itemCount))
        defer { items.close() }
        var ids: [String] = []
        while let item = try items.next() {
            ids.append(item[attribute: "id"] ?? "?")
            #expect(item.child("event")?[attribute: "n"] == item[attribute: "id"])
        }
        #expect(ids == (0..<Self.itemCount).map(String.init))
        #expect(try items.next() == nil)
    }

    @Test func theErrorComesAfterTheItemsBeforeIt() throws {
        let items = try readAhead(document(items: 100, tail: "<ticket id=\"cut\"><event"))
        defer { items.close() }
        var read = 0
        do {
            while try items.next() != nil { read += 1 }
            Issue.record("a cut-off document was read to the end")
        } catch {
            #expect(read == 100)
            #expect(error.reason == .truncated || error.reason == .corrupt)
        }
    }

    @Test func aWrongRootStopsBeforeAnyItem() throws {
        let items = try readAhead(Array("<rss><ticket id=\"1\"/></rss>".utf8))
        defer { items.close() }
        let error = #expect(throws: InputError.self) { _ = try items.next() }
        #expect(error?.message == "root <rss>" && error?.reason == .unsupportedFormat)
    }

    @Test func closingEarlyStopsTheReadingThread() throws {
        for _ in 0..<20 {
            let items = try readAhead(document(items: Self.itemCount))
            #expect(try items.next()?[attribute: "id"] == "0")
            items.close()
        }
    }

    @Test func noItems() throws {
        let items = try readAhead(Array("<tickets><other/></tickets>".utf8))
        defer { items.close() }
        #expect(try items.next() == nil)
    }
}
