import GRDB

/// The schema, as numbered SQL migrations applied in order by GRDB's `DatabaseMigrator`
/// (which records applied ones in `grdb_migrations`).
///
/// Rules (STYLE.md §9): a shipped migration is never edited — a change is a new migration
/// appended to `all`; migrations are plain SQL that uses none of our Swift types, so renaming a
/// type cannot rewrite history; table and column names are snake_case like the NDJSON fields and
/// need no quoting, so the same SQL can later run on PostgreSQL.
public enum StoreMigrations {
    public struct Migration: Sendable {
        public let identifier: String
        public let sql: String
    }

    /// Later issues append here: shares, channels, blocks, users, sessions, tokens.
    public static let all: [Migration] = [
        Migration(identifier: "0001_verdicts", sql: """
            CREATE TABLE verdict (
                id               INTEGER PRIMARY KEY,
                template_id      TEXT    NOT NULL,
                source           TEXT,
                height           INTEGER,
                prev_hash        TEXT    NOT NULL,
                accepted         INTEGER NOT NULL CHECK (accepted IN (0, 1)),
                reason_code      TEXT,
                reason_detail    TEXT,
                warnings         TEXT    NOT NULL DEFAULT '[]',
                fee_tier         TEXT    NOT NULL,
                tier_source      TEXT    NOT NULL,
                min_avg_fee_used INTEGER,
                policy_hash      TEXT    NOT NULL,
                tx_count         INTEGER NOT NULL,
                total_fees       INTEGER NOT NULL,
                avg_fee          INTEGER NOT NULL,
                weight           INTEGER,
                weight_ratio     REAL,
                sigops           INTEGER,
                coinbase_value   INTEGER NOT NULL,
                age_ms           INTEGER,
                verified_ms      INTEGER NOT NULL,
                eval_us          INTEGER NOT NULL,
                checks           TEXT
            );
            -- Range scans and exports walk this in (verified_ms, id) order: SQLite appends the
            -- rowid to every index entry, so the order needs no sort step.
            CREATE INDEX verdict_verified_ms ON verdict (verified_ms);
            -- "Rejections of one kind over a time range" reads a contiguous slice.
            CREATE INDEX verdict_reason_code ON verdict (reason_code, verified_ms);
            -- "What happened to template X" (a job or share names its template).
            CREATE INDEX verdict_template_id ON verdict (template_id);
            """),
    ]

    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            let sql = migration.sql
            migrator.registerMigration(migration.identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    /// Brings the database up to date. Two processes opening a fresh file at once can both see
    /// a migration as missing; each migration runs in its own immediate transaction, so the
    /// second one's `CREATE TABLE` fails and rolls back whole, and a retry finds it applied.
    static func apply(to pool: DatabasePool, path: String) throws(StoreError) {
        let migrator = self.migrator
        var attempt = 0
        while true {
            attempt += 1
            do {
                if try pool.read({ try migrator.hasCompletedMigrations($0) }) { return }
                try migrator.migrate(pool)
                return
            } catch {
                if attempt < 3 { continue }
                let wrapped = StoreError.wrap(error, .schema, path: path, doing: "cannot migrate the schema")
                throw wrapped.code == .busy ? wrapped : StoreError(.schema, path: path, wrapped.detail)
            }
        }
    }
}
