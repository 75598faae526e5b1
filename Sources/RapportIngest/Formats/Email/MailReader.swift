import Glibc
import RapportCore

/// Shared by `mbox`, `maildir` and `eml`: one RFC 5322 message's bytes → an e-mail
/// interaction (through ``MailMessage`` and ``EmailEmitter``) or a reject naming the message.
final class MailReader {
    let emitter: EmailEmitter
    let context: FormatContext
    private let parser: TimestampParser

    init(context: FormatContext, sink: any IngestSink) {
        self.context = context
        self.emitter = EmailEmitter(context: context, sink: sink)
        self.parser = TimestampParser(zone: context.zone)
    }

    /// Reads one message. `record` is its line (mbox) or entry number (folders and archives);
    /// `entry` names the file inside a folder or archive (empty for an mbox), for rejects and
    /// for the id of a message without a `Message-ID`.
    func read(_ bytes: UnsafeRawBufferPointer, record: Int64, entry: String = "") {
        let excerpt = { (entry.isEmpty ? "" : "[\(entry)] ") + MailMessage.string(UnsafeRawBufferPointer(rebasing: bytes.prefix(200))) }
        guard let message = MailMessage.parse(bytes) else {
            emitter.reject(record: record, .badValue, "\(where_(entry))the message is damaged or cut short: GMime finds no message in it", excerpt: excerpt())
            return
        }
        guard !message.date.isEmpty else {
            emitter.reject(record: record, .missingValue, "\(where_(entry))the message has no Date header", excerpt: excerpt())
            return
        }
        var dateText = MailReader.withoutWeekday(message.date)
        let at: Instant
        switch dateText.withUTF8({ context.instant(UnsafeRawBufferPointer($0), parser: parser, column: "Date") }) {
        case .success(let t): at = t
        case .failure(let e):
            emitter.reject(record: record, e.reason, where_(entry) + e.message, excerpt: excerpt())
            return
        }
        var values = EmailEmitter.Values(
            id: message.messageID, inReplyTo: message.parentID, to: ArchivedAddress.recipients(message.to),
            cc: ArchivedAddress.recipients(message.cc), subject: message.subject, body: message.body, autoSubmitted: message.isAutoSubmitted)
        values.thread = message.gmailThread
        if values.id.isEmpty && !entry.isEmpty { values.id = "\(context.displayPath)/\(entry)" }
        switch ArchivedAddress.sender(message.from) {
        case .field(let field): values.from = field
        case .name(let name):
            values.from = name
            values.fromIsActor = true
        }
        values.bodyIsHTML = message.bodyIsHTML
        emitter.emit(values, at: at, record: record, excerpt: excerpt(), fingerprint: MailReader.fingerprint(headerOf: bytes))
    }

    /// RFC 5322's weekday is redundant, and hand-edited or forged messages get it wrong (2 of
    /// notmuch's 53 test messages): the date as written is taken, the weekday dropped.
    static func withoutWeekday(_ date: String) -> String {
        guard let comma = date.utf8.prefix(12).firstIndex(of: UInt8(ascii: ",")) else { return date }
        let head = date[..<comma]
        guard head.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || $0 == 0x20 }) else { return date }
        return String(date[date.index(after: comma)...]).trimmingASCIIWhitespace()
    }

    private func where_(_ entry: String) -> String { entry.isEmpty ? "" : "\(entry): " }

    /// The header block's bytes (the analysis adds the body): two copies of one message
    /// digest alike, wherever they are stored.
    static func fingerprint(headerOf bytes: UnsafeRawBufferPointer) -> Fingerprint {
        var end = bytes.count
        var i = 0
        while i + 1 < bytes.count, let base = bytes.baseAddress, let p = memchr(base + i, 0x0A, bytes.count - i - 1) {
            let n = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p))
            if bytes[n + 1] == 0x0A || (bytes[n + 1] == 0x0D && n + 2 < bytes.count && bytes[n + 2] == 0x0A) {
                end = n
                break
            }
            i = n + 1
        }
        var hasher = FingerprintHasher()
        hasher.addNormalisingLineEnds(UnsafeRawBufferPointer(rebasing: bytes[..<end]))
        return hasher.finish()
    }
}
