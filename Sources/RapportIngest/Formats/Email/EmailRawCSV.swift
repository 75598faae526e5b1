import Foundation
import RapportCore

/// `email-raw-csv`: a CSV whose `message` column holds a whole RFC 822 message, as in the
/// Enron e-mail CSV (`file,message`). Headers are read from the message: `Message-ID`,
/// `Date`, `From`, `To`, `Cc`, `Subject` (RFC 2047 words decoded), `In-Reply-To`,
/// `References`, `Auto-Submitted`; folded header lines are unfolded. Without threading
/// headers, messages thread by subject and participants.
public enum EmailRawCSV: InputFormat {
    public static let name = "email-raw-csv"
    public static let kind = SourceKind.email
    public static let summary = "CSV with a column holding whole RFC 822 messages (the Enron e-mail CSV)"

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let reader = CSVReader(source: source, options: context.csv)
        guard let header = try CSVHeader.readFirst(reader) else { return 0 }  // an empty file holds no records
        let column = context.options.columns["message"] ?? "message"
        let messageColumn = try header.require([column], format: name)[0]
        let parser = TimestampParser(zone: context.zone)
        let emitter = EmailEmitter(context: context, sink: sink)
        var records = 0
        while let event = try reader.next() {
            records += 1
            if case .malformed(let reason, let message) = event {
                emitter.reject(record: reader.line, reason, message, excerpt: reader.excerpt)
                continue
            }
            if reader.fieldCount != header.names.count {
                emitter.reject(record: reader.line, .raggedRow, "\(reader.fieldCount) fields where the header has \(header.names.count)", excerpt: reader.excerpt)
                continue
            }
            guard let raw = reader.string(messageColumn) else {
                emitter.reject(record: reader.line, .invalidUTF8, "the message is not valid UTF-8", excerpt: reader.excerpt)
                continue
            }
            let message = RFC822Message(raw)
            guard let date = message["date"] else {
                emitter.reject(record: reader.line, .missingValue, "the message has no Date header", excerpt: reader.excerpt)
                continue
            }
            let at: Instant
            var dateText = date
            switch dateText.withUTF8({ context.instant(UnsafeRawBufferPointer($0), parser: parser, column: "Date") }) {
            case .success(let t): at = t
            case .failure(let e):
                emitter.reject(record: reader.line, e.reason, e.message, excerpt: reader.excerpt)
                continue
            }
            var fingerprint = FingerprintHasher()
            fingerprint.add(raw)
            let auto = message["auto-submitted"]?.lowercased() ?? ""
            let references = message["references"]?.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.map(String.init) ?? ""
            emitter.emit(
                EmailEmitter.Values(
                    id: message["message-id"] ?? "", thread: "", inReplyTo: message["in-reply-to"].map(firstMessageID) ?? references,
                    from: message["from"] ?? "", to: message["to"] ?? "", cc: message["cc"] ?? "",
                    subject: RFC2047.decode(message["subject"] ?? ""), body: message.body, autoSubmitted: !auto.isEmpty && auto != "no"),
                at: at, record: reader.line, excerpt: reader.excerpt, fingerprint: fingerprint.finish())
        }
        return records
    }

    /// `In-Reply-To` may hold several ids or comments: the first `<…>`.
    static func firstMessageID(_ value: String) -> String {
        guard let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") else {
            return value.trimmingASCIIWhitespace()
        }
        return String(value[open...close])
    }
}

/// The headers and body of an RFC 822 message (header names case-insensitive, folded lines unfolded).
struct RFC822Message {
    private var headers: [String: String] = [:]
    let body: String

    init(_ raw: String) {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: false)[...]
        var current: (String, String)?
        var headers: [String: String] = [:]
        func store() {
            if let (k, v) = current, headers[k] == nil { headers[k] = v.trimmingASCIIWhitespace() }
        }
        while let line = lines.first {
            lines = lines.dropFirst()
            var l = Substring(line)
            if l.hasSuffix("\r") { l = l.dropLast() }
            if l.isEmpty { break }
            if l.first == " " || l.first == "\t" {
                if current != nil { current!.1 += " " + l.trimmingCharactersASCII() }
                continue
            }
            store()
            if let colon = l.firstIndex(of: ":") {
                current = (l[..<colon].lowercased(), String(l[l.index(after: colon)...]))
            } else {
                current = nil
            }
        }
        store()
        self.headers = headers
        self.body = lines.joined(separator: "\n")
    }

    subscript(name: String) -> String? { headers[name] }
}

/// RFC 2047 encoded words (`=?utf-8?Q?=C5=A0egan?=`, `=?iso-8859-1?B?…?=`) in headers.
enum RFC2047 {
    static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var out = ""
        var rest = Substring(text)
        var lastWasEncoded = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            // White space between two encoded words is dropped.
            if !(lastWasEncoded && before.allSatisfy({ $0 == " " || $0 == "\t" })) { out += before }
            let afterStart = rest[start.upperBound...]
            let parts = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix("="), let decoded = decodeWord(charset: String(parts[0]), encoding: String(parts[1]), text: String(parts[2])) else {
                out += "=?"
                rest = afterStart
                lastWasEncoded = false
                continue
            }
            out += decoded
            rest = parts[3].dropFirst()
            lastWasEncoded = true
        }
        return out + rest
    }

    private static func decodeWord(charset: String, encoding: String, text: String) -> String? {
        var bytes: [UInt8] = []
        switch encoding.uppercased() {
        case "Q":
            let u = Array(text.utf8)
            var i = 0
            while i < u.count {
                if u[i] == UInt8(ascii: "_") {
                    bytes.append(0x20)
                    i += 1
                } else if u[i] == UInt8(ascii: "="), i + 2 < u.count, let v = UInt8(String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                    bytes.append(v)
                    i += 3
                } else {
                    bytes.append(u[i])
                    i += 1
                }
            }
        case "B":
            guard let d = base64(text) else { return nil }
            bytes = d
        default:
            return nil
        }
        switch charset.lowercased() {
        case "utf-8", "utf8", "us-ascii": return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1", "iso-8859-15": return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "windows-1252", "cp1252":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar(TranscodingByteSource.cp1252($0)) ?? "\u{FFFD}" }))
        default: return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func base64(_ text: String) -> [UInt8]? {
        var table = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = UInt8(i) }
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in text.utf8 where c != UInt8(ascii: "=") {
            let v = table[Int(c)]
            if v == 255 { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}

extension Substring {
    fileprivate func trimmingCharactersASCII() -> String { String(self).trimmingASCIIWhitespace() }
}
