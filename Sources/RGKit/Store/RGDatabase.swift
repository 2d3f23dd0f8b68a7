#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import GRDB

/// The deployment's one SQLite database (ARCHITECTURE.md §4): a GRDB `DatabasePool` in WAL
/// mode, migrated to the current schema when it opens.
///
/// Several processes write to the same file at once (`rg-verify`, `rg-gate`, `rg-auth`), so:
/// - WAL (which `DatabasePool` always uses) lets readers — `rg-stat`, the dashboard — read a
///   consistent snapshot while a writer commits, and lets the writer go on while they read;
/// - a busy timeout makes a writer wait for another process's transaction instead of failing
///   at once with `SQLITE_BUSY`;
/// - migrations run under a write lock and are retried when another process applied them first.
public final class RGDatabase: Sendable {
    /// How the path is opened.
    public enum OpenMode: Sendable {
        /// Create the parent directories and the file when missing (writers: `rg-verify --db`).
        case create
        /// The file must already exist (readers: `rg-stat export`); a typo in `--db` should be
        /// an error, not a fresh empty database and an empty export. Pending migrations are
        /// still applied (they only add), so a reader newer than the writers can query.
        case existing
    }

    public static let defaultPath = "var/rg.sqlite"
    public static let defaultBusyTimeoutSeconds: Double = 5

    public let path: String
    /// The connection pool, for queries the store types do not cover yet. Use it from
    /// `Store/` code; tools go through `VerdictStore` and friends.
    public let pool: DatabasePool

    /// Opens (and migrates) the database at `path`.
    ///
    /// - Throws: `StoreError(.notFound)` for `.existing` and no file; `.cannotOpen` when the
    ///   path is a directory, a parent cannot be created, or the file is not SQLite; `.schema`
    ///   when a migration fails. All three are configuration errors (`isConfiguration`).
    public init(path: String, mode: OpenMode = .create, busyTimeoutSeconds: Double = RGDatabase.defaultBusyTimeoutSeconds) throws(StoreError) {
        guard !path.isEmpty, path != ":memory:" else {
            throw StoreError(.cannotOpen, path: path, "a database needs a file path (got \(path.isEmpty ? "an empty path" : "\":memory:\""))")
        }
        self.path = path
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists, (info.st_mode & S_IFMT) == S_IFDIR {
            throw StoreError(.cannotOpen, path: path, "is a directory; --db takes a database file such as \(path)/rg.sqlite")
        }
        switch mode {
        case .existing where !exists:
            throw StoreError(.notFound, path: path, "no database here; check --db or RG_DB (a writer such as rg-verify --db creates it)")
        case .create where !exists:
            try Self.makeParentDirectories(of: path)
        default:
            break
        }

        var config = Configuration()
        config.busyMode = .timeout(busyTimeoutSeconds)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // WAL + NORMAL: a commit appends to the WAL without an fsync; the WAL is fsynced at
            // checkpoints. A crashed *process* loses nothing it committed (the WAL pages are in
            // the OS already), and the file can never be corrupted; only an OS crash or power
            // loss can roll back the last few commits. FULL would add an fsync to every commit,
            // which caps a writer at disk-flush speed (hundreds of commits a second) on the
            // per-verdict and per-share paths. GRDB sets this on the writer too; it is said
            // here so the choice is ours and visible.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            let wrapped = StoreError.wrap(error, .cannotOpen, path: path, doing: "cannot open the database")
            throw wrapped.code == .busy ? wrapped : StoreError(.cannotOpen, path: path, wrapped.detail)
        }
        try StoreMigrations.apply(to: pool, path: path)
    }

    /// `mkdir -p` of the path's directory, so `--db var/rg.sqlite` works in a fresh checkout.
    static func makeParentDirectories(of path: String) throws(StoreError) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw StoreError(.cannotOpen, path: path, "cannot create directory \(prefix): \(String(cString: strerror(errno)))")
            }
            prefix += "/"
        }
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw StoreError(.cannotOpen, path: path, "\(directory) is not a directory")
        }
    }
}
