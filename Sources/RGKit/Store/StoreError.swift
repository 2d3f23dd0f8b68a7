import GRDB

/// Why the store could not do its job. A bad `--db` path is the operator's to fix (a usage
/// error, exit 2); a failed read or write of a database that did open is a runtime failure
/// (exit 1). Equality is on `code` only, so tests can say `#expect(throws: StoreError(.cannotOpen))`.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The path cannot hold a database: a directory, an unwritable parent, not SQLite.
        case cannotOpen = "store_cannot_open"
        /// `open(.existing)` on a path with no database file.
        case notFound = "store_not_found"
        /// The schema was written by a newer tool, or a migration failed.
        case schema = "store_schema"
        /// Another process held the write lock longer than the busy timeout.
        case busy = "store_busy"
        case writeFailed = "store_write_failed"
        case readFailed = "store_read_failed"
        /// A value refused before it reached SQLite (checks text that is not a JSON array).
        case invalidValue = "store_invalid_value"
    }

    public let code: Code
    public let path: String
    public let detail: String

    public init(_ code: Code, path: String = "", _ detail: String = "") {
        self.code = code
        self.path = path
        self.detail = detail
    }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }

    /// True when the fix is in the configuration (`--db`), not in the running system.
    public var isConfiguration: Bool { code == .cannotOpen || code == .notFound || code == .schema }

    public var description: String {
        var text = path.isEmpty ? "" : "\(path): "
        text += detail.isEmpty ? code.rawValue : detail
        return text
    }

    /// Wraps whatever GRDB or SQLite threw, keeping SQLite's own message (it names the table,
    /// column or constraint) and turning SQLITE_BUSY into its own code.
    static func wrap(_ error: any Error, _ code: Code, path: String, doing what: String) -> StoreError {
        if let own = error as? StoreError { return own }
        if let db = error as? DatabaseError {
            if db.resultCode == .SQLITE_BUSY || db.resultCode == .SQLITE_LOCKED {
                return StoreError(.busy, path: path, "\(what): database is locked by another process (busy timeout expired)")
            }
            return StoreError(code, path: path, "\(what): \(db.message ?? "\(db.resultCode)")")
        }
        return StoreError(code, path: path, "\(what): \(error)")
    }
}
