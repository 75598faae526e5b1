import RapportCore

/// `maildir`: a Maildir folder (mutt, Dovecot, Courier, notmuch, offlineimap, `mbsync`) with
/// its `cur/` and `new/` folders and nested folders (Maildir++ `.Sent/`, or plain `a/b/`),
/// one message per file (names such as `1700000000.M1P2.host:2,S`); a `.tar` or `.zip` of one
/// too. Files in `tmp/` (still being delivered), dot files and the mail servers' own index
/// files (`dovecot*`, `courierimap*`, `maildirfolder`, `subscriptions`) are skipped and
/// counted in a warning. The same message in two folders is one message (the run drops the
/// copy whose id and content repeat).
public enum Maildir: EntryFormat {
    public static let name = "maildir"
    public static let kind = SourceKind.email
    public static let summary = "Maildir folder (cur/, new/, nested folders; one message per file): Dovecot, mutt, notmuch"

    public static func read(entries: any EntrySource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        try MailFiles.read(entries: entries, context: context, into: sink, what: "files that are not messages") { name in
            let parts = name.split(separator: "/")
            guard let base = parts.last else { return false }
            if parts.dropLast().contains("tmp") || base.hasPrefix(".") { return false }
            let lower = base.lowercased()
            return !(lower.hasPrefix("dovecot") || lower.hasPrefix("courierimap") || lower == "maildirfolder" || lower == "subscriptions")
        }
    }
}

/// `eml`: a folder of `.eml` files (Outlook's and Thunderbird's "save as", Apple Mail's
/// export), searched recursively, or one `.eml` file; a `.zip` or `.tar` of them too. Files
/// with other names in the folder are skipped and counted in a warning.
public enum EmlFiles: EntryFormat {
    public static let name = "eml"
    public static let kind = SourceKind.email
    public static let summary = "a folder of .eml files (or one .eml file): saved or exported single messages"

    public static func read(entries: any EntrySource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        // A file named by the path itself is read whatever its name: the user chose it.
        let lone = entries is SingleEntrySource
        return try MailFiles.read(entries: entries, context: context, into: sink, what: "files not named .eml") { name in
            lone || name.lowercased().hasSuffix(".eml")
        }
    }
}

/// One message per entry (Maildir, `.eml` files).
enum MailFiles {
    static func read(
        entries: any EntrySource, context: FormatContext, into sink: any IngestSink, what: String, isMessage: (String) -> Bool
    ) throws(InputError) -> Int {
        let reader = MailReader(context: context, sink: sink)
        var records = 0
        var skipped: [String] = []
        while let entry = try entries.next() {
            guard isMessage(entry.name) else {
                skipped.append(entry.name)
                continue
            }
            records += 1
            guard let bytes = try readWhole(entry.bytes, limit: context.csv.maxRecordBytes) else {
                reader.emitter.reject(
                    record: Int64(records), .recordTooLarge,
                    "\(entry.name): the message is over \(context.csv.maxRecordBytes) bytes (limits.max_record_bytes); raise the limit if such messages are expected",
                    excerpt: entry.name)
                continue
            }
            bytes.withUnsafeBytes { reader.read($0, record: Int64(records), entry: entry.name) }
        }
        Maildir.reportSkipped(skipped, what: what, into: sink)
        Maildir.reportSkipped(entries.passedOver, what: "entries", into: sink)
        return records
    }
}
