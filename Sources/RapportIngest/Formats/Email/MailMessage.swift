import CGMime
import RapportCore

/// One RFC 5322 message (from an mbox, a Maildir file or an `.eml` file) as GMime parses it:
/// the headers Rapport reads and the text of the part that is the message's body.
///
/// Headers are taken as written (unfolded; raw 8-bit bytes read as UTF-8, or as windows-1252
/// when they are not UTF-8) and RFC 2047 words are decoded only where a name or subject is
/// shown: decoding an address field first could turn an encoded comma into a separator.
/// The body is the first inline text/plain part (text/plain before text/html in a
/// multipart/alternative), its transfer encoding undone and its charset converted to UTF-8;
/// attachments and attached messages are skipped.
struct MailMessage {
    var messageID = ""
    var date = ""
    var from = ""
    var to = ""
    var cc = ""
    var subject = ""
    var inReplyTo = ""
    var references = ""
    var autoSubmitted = ""
    var body = ""
    /// The body is HTML (no text/plain alternative was given).
    var bodyIsHTML = false

    /// GMime needs one initialisation per process, before any thread parses.
    private static let initialised: Bool = {
        rapport_gmime_init()
        return true
    }()

    /// Parses the message; nil when GMime finds no message in the bytes.
    init?(_ bytes: UnsafeRawBufferPointer) {
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
        if let part = rapport_gmime_message_body(message) {
            bodyIsHTML = rapport_gmime_is_html(part) != 0
            if let text = rapport_gmime_text(part) {
                body = MailMessage.string(UnsafeRawBufferPointer(start: text, count: strlen(text)))
                g_free(text)
            }
        }
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
        let n = strlen(raw)
        var out: [UInt8] = []
        out.reserveCapacity(n)
        raw.withMemoryRebound(to: UInt8.self, capacity: n) { p in
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
        guard text.contains("=?"), let decoded = rapport_gmime_decode_words(text) else { return text }
        defer { g_free(decoded) }
        return string(UnsafeRawBufferPointer(start: decoded, count: strlen(decoded)))
    }
}
