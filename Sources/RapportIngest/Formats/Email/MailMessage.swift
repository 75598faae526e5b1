import CGMime
import Glibc
import RapportCore

/// One RFC 5322 message (from an mbox, a Maildir file or an `.eml` file) as GMime parses it:
/// the headers Rapport reads and the text of the part that is the message's body.
///
/// Headers are taken as written (unfolded; raw 8-bit bytes read as UTF-8, or as windows-1252
/// when they are not UTF-8) and RFC 2047 words are decoded only where a name or subject is
/// shown: decoding an address field first could turn an encoded comma into a separator.
/// The body is the first inline text/plain part (text/plain before text/html in a
/// multipart/alternative), its transfer encoding undone and its charset converted to UTF-8 (bytes
/// without a charset, or in UTF-8 or US-ASCII, are read as UTF-8, else as windows-1252);
/// attachments and attached messages are skipped.
///
/// A message with no MIME structure to undo (no `Content-Type`, or text/plain in UTF-8 or
/// ASCII, and a 7bit, 8bit or binary transfer encoding), most mail, is read from its bytes
/// without GMime, to the same values (MailArchiveTests compares both on every real sample):
/// GMime's objects cost most of an mbox run's reading time.
struct MailMessage: Equatable {
    var messageID = ""
    var date = ""
    var from = ""
    var to = ""
    var cc = ""
    var subject = ""
    var inReplyTo = ""
    var references = ""
    var autoSubmitted = ""
    /// Gmail's thread id (`X-GM-THRID`, in Google Takeout's mbox): the conversation when present.
    var gmailThread = ""
    var body = ""
    /// The body is HTML (no text/plain alternative was given).
    var bodyIsHTML = false

    /// GMime needs one initialisation per process, before any thread parses.
    private static let initialised: Bool = {
        rapport_gmime_init()
        return true
    }()

    /// Parses the message (by bytes when it can, else with GMime); nil when there is none.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> MailMessage? {
        MailMessage(plain: bytes) ?? MailMessage(gmime: bytes)
    }

    /// Parses the message with GMime; nil when GMime finds no message in the bytes.
    init?(gmime bytes: UnsafeRawBufferPointer) {
        _ = MailMessage.initialised
        guard let message = rapport_gmime_parse(bytes.baseAddress, bytes.count) else { return nil }
        defer { rapport_gmime_release(message) }
        func header(_ name: String) -> String {
            guard let raw = rapport_gmime_raw_header(message, name) else { return "" }
            return MailMessage.unfold(raw)
        }
        messageID = header("Message-ID")
        date = header("Date")
        from = header("From")
        to = header("To")
        cc = header("Cc")
        subject = MailMessage.decodeWords(header("Subject"))
        inReplyTo = header("In-Reply-To")
        references = header("References")
        autoSubmitted = header("Auto-Submitted")
        gmailThread = header("X-GM-THRID")
        if let part = rapport_gmime_message_body(message) {
            bodyIsHTML = rapport_gmime_is_html(part) != 0
            if let text = rapport_gmime_text_bytes(part) {
                body = MailMessage.string(UnsafeRawBufferPointer(start: text.pointee.data, count: Int(text.pointee.len)))
                g_byte_array_free(text, 1)
            }
        }
    }

    /// Reads a message that needs no MIME decoding from its bytes; nil when GMime is needed
    /// (MIME parts, a transfer encoding, another charset, a header line without a colon).
    init?(plain bytes: UnsafeRawBufferPointer) {
        var fields = PlainHeaders()
        guard let bodyStart = fields.read(bytes) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[bodyStart...])
        guard MailMessage.needsNoDecoding(type: fields.contentType, encoding: fields.transferEncoding) else { return nil }
        messageID = fields.messageID
        date = fields.date
        from = fields.from
        to = fields.to
        cc = fields.cc
        subject = MailMessage.decodeWords(fields.subject)
        inReplyTo = fields.inReplyTo
        references = fields.references
        autoSubmitted = fields.autoSubmitted
        gmailThread = fields.gmailThread
        self.body = MailMessage.string(body)
    }

    /// text/plain (or no type) in UTF-8 or US-ASCII (8-bit bytes in either are read as GMime's path
    /// reads them: UTF-8, else windows-1252); 7bit, 8bit, binary or no
    /// transfer encoding. Compared as bytes: lower-casing and splitting Strings cost more than the rest.
    static func needsNoDecoding(type: String, encoding: String) -> Bool {
        var e = encoding
        let plainEncoding = e.withUTF8 { b in b.isEmpty || equalsLower(b, "7bit") || equalsLower(b, "8bit") || equalsLower(b, "binary") }
        guard plainEncoding else { return false }
        if type.isEmpty { return true }
        var t = type
        return t.withUTF8 { b -> Bool in
            var parts = b.split(separator: UInt8(ascii: ";"))[...]
            guard let head = parts.popFirst(), equalsLower(trim(head), "text/plain") else { return false }
            for p in parts {
                guard let eq = p.firstIndex(of: UInt8(ascii: "=")), equalsLower(trim(p[..<eq]), "charset") else { continue }
                var value = trim(p[(eq + 1)...])
                if value.count >= 2, value.first == 0x22, value.last == 0x22 { value = value.dropFirst().dropLast() }
                let ok = equalsLower(value, "utf-8") || equalsLower(value, "utf8") || equalsLower(value, "us-ascii")
                if !ok { return false }
            }
            return true
        }
    }

    private static func trim(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var s = s
        while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
        return s
    }

    /// ASCII case-insensitive equality with a lower-case literal.
    private static func equalsLower<C: Collection>(_ bytes: C, _ lower: StaticString) -> Bool where C.Element == UInt8 {
        guard bytes.count == lower.utf8CodeUnitCount else { return false }
        var i = 0
        for c in bytes {
            let l = (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
            if l != lower.utf8Start[i] { return false }
            i += 1
        }
        return true
    }

    /// The parent to thread under: the first id of `In-Reply-To`, else the last of `References`.
    var parentID: String {
        if !inReplyTo.isEmpty { return EmailRawCSV.firstMessageID(inReplyTo) }
        return references.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.map(String.init) ?? ""
    }

    /// `Auto-Submitted` other than `no` (RFC 3834) marks machine-sent mail.
    var isAutoSubmitted: Bool {
        let value = autoSubmitted.lowercased()
        return !value.isEmpty && !value.hasPrefix("no")
    }

    /// A folded header value on one line (CR and LF dropped, each fold one space).
    static func unfold(_ raw: UnsafePointer<CChar>) -> String {
        unfold(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
    }

    static func unfold(_ p: UnsafeRawBufferPointer) -> String {
        let n = p.count
        var out: [UInt8] = []
        out.reserveCapacity(n)
        do {
            var i = 0
            while i < n {
                let c = p[i]
                if c == 0x0D || c == 0x0A {
                    // A fold: the line break and the white space after it become one space.
                    i += 1
                    while i < n, p[i] == 0x0D || p[i] == 0x0A || p[i] == 0x20 || p[i] == 0x09 { i += 1 }
                    if !out.isEmpty { out.append(0x20) }
                    continue
                }
                out.append(c)
                i += 1
            }
        }
        while let last = out.last, last == 0x20 || last == 0x09 { out.removeLast() }
        var start = 0
        while start < out.count, out[start] == 0x20 || out[start] == 0x09 { start += 1 }
        return out.withUnsafeBytes { string(UnsafeRawBufferPointer(rebasing: $0[start...])) }
    }

    /// UTF-8 when the bytes are UTF-8; windows-1252 otherwise (the usual undeclared 8-bit text).
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        if let s = String(validUTF8: bytes) { return s }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar(TranscodingByteSource.cp1252($0)) ?? "\u{FFFD}" }))
    }

    /// RFC 2047 words decoded by GMime (any charset iconv knows).
    static func decodeWords(_ text: String) -> String {
        guard text.containsBytes("=?") else { return text }
        _ = MailMessage.initialised  // a message read by bytes may be the process's first use of GMime
        guard let decoded = rapport_gmime_decode_words(text) else { return text }
        defer { g_free(decoded) }
        return string(UnsafeRawBufferPointer(start: decoded, count: strlen(decoded)))
    }
}

/// The header block of a message read by bytes: the first occurrence of each header Rapport reads.
struct PlainHeaders {
    var messageID = "", date = "", from = "", to = "", cc = "", subject = "", inReplyTo = "", references = "", autoSubmitted = ""
    var contentType = "", transferEncoding = "", gmailThread = ""

    /// Reads the headers; returns where the body starts, or nil when a line is not a header.
    mutating func read(_ b: UnsafeRawBufferPointer) -> Int? {
        guard let base = b.baseAddress else { return nil }
        var seen: UInt16 = 0
        var i = 0
        var field = -1
        var valueStart = 0
        var valueEnd = 0
        func store() {
            guard field >= 0, seen & (1 << field) == 0 else { return }
            seen |= 1 << field
            // A NUL ends the value, as it ends GMime's C string.
            let nul = memchr(base + valueStart, 0, valueEnd - valueStart).map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) }
            let value = MailMessage.unfold(UnsafeRawBufferPointer(rebasing: b[valueStart..<(nul ?? valueEnd)]))
            switch field {
            case 0: messageID = value
            case 1: date = value
            case 2: from = value
            case 3: to = value
            case 4: cc = value
            case 5: subject = value
            case 6: inReplyTo = value
            case 7: references = value
            case 8: autoSubmitted = value
            case 9: contentType = value
            case 10: transferEncoding = value
            default: gmailThread = value
            }
        }
        while i < b.count {
            let end = memchr(base + i, 0x0A, b.count - i).map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) } ?? b.count
            let next = min(end + 1, b.count)
            var lineEnd = end
            if lineEnd > i, b[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd == i {
                store()
                return next
            }
            // NUL bytes and bare CRs in headers are left to GMime's own reading of them.
            if memchr(base + i, 0, lineEnd - i) != nil || memchr(base + i, 0x0D, lineEnd - i) != nil { return nil }
            if b[i] == 0x20 || b[i] == 0x09 {
                // A folded line continues the header before it.
                valueEnd = end
            } else {
                store()
                guard let c = memchr(base + i, Int32(UInt8(ascii: ":")), lineEnd - i) else { return nil }
                let colon = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(c))
                guard colon > i, PlainHeaders.isFieldName(UnsafeRawBufferPointer(rebasing: b[i..<colon])) else { return nil }
                field = PlainHeaders.index(UnsafeRawBufferPointer(rebasing: b[i..<colon]))
                valueStart = colon + 1
                valueEnd = end
            }
            i = next
        }
        store()
        return b.count
    }

    static let names: [[UInt8]] = [
        "message-id", "date", "from", "to", "cc", "subject", "in-reply-to", "references", "auto-submitted", "content-type",
        "content-transfer-encoding", "x-gm-thrid",
    ].map { Array($0.utf8) }

    /// RFC 5322 field names are printable ASCII without `:` (white space before the colon allowed);
    /// anything else is left to GMime.
    static func isFieldName(_ name: UnsafeRawBufferPointer) -> Bool {
        var n = name.count
        while n > 0, name[n - 1] == 0x20 || name[n - 1] == 0x09 { n -= 1 }
        return n > 0 && name[..<n].allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    /// The position of a header name in ``names`` (case-insensitive), -1 for others.
    static func index(_ name: UnsafeRawBufferPointer) -> Int {
        var n = name.count
        while n > 0, name[n - 1] == 0x20 || name[n - 1] == 0x09 { n -= 1 }
        outer: for (k, candidate) in names.enumerated() where candidate.count == n {
            for j in 0..<n where (name[j] >= 0x41 && name[j] <= 0x5A ? name[j] | 0x20 : name[j]) != candidate[j] { continue outer }
            return k
        }
        return -1
    }
}
