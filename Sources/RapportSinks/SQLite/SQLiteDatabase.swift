import CSQLite
import RapportCore

/// A value to bind into SQLite.
public enum SQLValue: Sendable {
    case text(String)
    case integer(Int64)
    case real(Double)
    case null

    public static func optional(_ v: Double?) -> SQLValue { v.map(SQLValue.real) ?? .null }
    public static func optional(_ v: String?) -> SQLValue { v.map(SQLValue.text) ?? .null }
    public static func bool(_ b: Bool) -> SQLValue { .integer(b ? 1 : 0) }
}

/// A thin wrapper over SQLite's C API: open, execute, prepared statements, transactions.
/// Errors carry SQLite's message and the file.
final class SQLiteDatabase {
    private var db: OpaquePointer?
    let path: String

    init(path: String, readOnly: Bool = false) throws(RapportError) {
        self.path = path
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        if sqlite3_open_v2(path, &db, flags, nil) != SQLITE_OK {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw RapportError(.failed, file: path, "SQLite: \(message)")
        }
    }

    deinit { if db != nil { sqlite3_close(db) } }

    /// Closes the database (statements must be finalised first); reports a failure to write.
    func close() throws(RapportError) {
        if sqlite3_close(db) != SQLITE_OK { throw RapportError(.failed, file: path, "SQLite: cannot close: \(lastError)") }
        db = nil
    }

    func execute(_ sql: String) throws(RapportError) {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw RapportError(.failed, file: path, "SQLite: \(message) (in: \(sql.prefix(80)))")
        }
    }

    func prepare(_ sql: String) throws(RapportError) -> SQLiteStatement {
        var statement: OpaquePointer?
        if sqlite3_prepare_v2(db, sql, -1, &statement, nil) != SQLITE_OK {
            throw RapportError(.failed, file: path, "SQLite: \(String(cString: sqlite3_errmsg(db))) (in: \(sql.prefix(80)))")
        }
        return SQLiteStatement(statement: statement!, database: self)
    }

    /// Runs `body` in one transaction; on any error nothing of it stays.
    func transaction(_ body: () throws(RapportError) -> Void) throws(RapportError) {
        try execute("BEGIN IMMEDIATE")
        do {
            try body()
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows of a query as text values (for reading history back and for tests).
    func rows(_ sql: String) throws(RapportError) -> [[String?]] {
        let s = try prepare(sql)
        var out: [[String?]] = []
        while try s.step() {
            out.append((0..<s.columnCount).map { s.text($0) })
        }
        return out
    }

    var lastError: String { String(cString: sqlite3_errmsg(db)) }
}

/// A prepared statement; bind, step, reset to reuse it for every row.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds every value (1-based positions in order), runs, resets.
    func run(_ values: [SQLValue]) throws(RapportError) {
        for (i, v) in values.enumerated() { bind(v, at: i) }
        try run()
    }

    /// Binds one value at a 0-based position (for callers that bind without building an array).
    func bind(_ value: SQLValue, at position: Int) {
        let index = Int32(position + 1)
        switch value {
        case .text(var s):
            // Native strings are contiguous UTF-8: bind their bytes with their length, no strlen.
            s.withUTF8 { bindText($0, at: position) }
        case .integer(let n): sqlite3_bind_int64(statement, index, n)
        case .real(let d): sqlite3_bind_double(statement, index, d)
        case .null: sqlite3_bind_null(statement, index)
        }
    }

    /// Binds an integer at a 0-based position.
    func bindInteger(_ n: Int64, at position: Int) { sqlite3_bind_int64(statement, Int32(position + 1), n) }

    /// Binds a double at a 0-based position.
    func bindReal(_ d: Double, at position: Int) { sqlite3_bind_double(statement, Int32(position + 1), d) }

    /// Binds NULL at a 0-based position.
    func bindNull(at position: Int) { sqlite3_bind_null(statement, Int32(position + 1)) }

    /// Binds UTF-8 bytes as text (SQLite copies them).
    func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) {
        if let base = bytes.baseAddress {
            sqlite3_bind_text(statement, Int32(position + 1), UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), SQLITE_TRANSIENT)
        } else {
            sqlite3_bind_text(statement, Int32(position + 1), "", 0, SQLITE_TRANSIENT)
        }
    }

    /// Binds UTF-8 bytes as text without a copy (`SQLITE_STATIC`): they must stay in place,
    /// unchanged, until the statement has run (a ``RowArena`` keeps them so).
    func bindTextInPlace(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) {
        guard let base = bytes.baseAddress else { return bindText(bytes, at: position) }
        sqlite3_bind_text(statement, Int32(position + 1), UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }

    /// Runs the bound statement and resets it (bindings are all replaced by the next row).
    func run() throws(RapportError) {
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        if rc != SQLITE_DONE && rc != SQLITE_ROW {
            throw RapportError(.failed, file: database.path, "SQLite: \(database.lastError)")
        }
    }

    /// Steps a query; true while there is a row.
    func step() throws(RapportError) -> Bool {
        let rc = sqlite3_step(statement)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw RapportError(.failed, file: database.path, "SQLite: \(database.lastError)")
    }

    var columnCount: Int { Int(sqlite3_column_count(statement)) }

    func text(_ column: Int) -> String? {
        guard let p = sqlite3_column_text(statement, Int32(column)) else { return nil }
        return String(cString: p)
    }
}

/// SQLite's "copy the bytes now" destructor, which Swift does not import as a constant.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// The texts of the rows one statement inserts, bound without a copy: SQLite copying every
/// text it is given (`SQLITE_TRANSIENT`) was about 640 instructions a value, a fifth of the
/// database write's instructions. The storage is only ever replaced when a statement's rows
/// start, before anything is bound, and the statement is run before the next rows start.
final class RowArena {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int = 4096) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit { base.deallocate() }

    /// Starts the rows of one statement, whose texts take at most `bytes` bytes.
    func start(needing bytes: Int) {
        count = 0
        if bytes > capacity {
            base.deallocate()
            capacity = max(bytes, 2 * capacity)
            base = .allocate(capacity: capacity)
        }
    }

    /// Copies the string's bytes in; returns where they now are, valid until the next rows start.
    func keep(_ text: String) -> UnsafeBufferPointer<UInt8> { text.withUTF8Bytes { keep($0) } }

    /// Copies `bytes` in; returns where they now are, valid until the next rows start.
    func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        precondition(count + bytes.count <= capacity, "row arena sized when the rows started")
        let start = base + count
        if let source = bytes.baseAddress { start.initialize(from: source, count: bytes.count) }
        count += bytes.count
        return UnsafeBufferPointer(start: start, count: bytes.count)
    }
}
