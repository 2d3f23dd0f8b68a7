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

    /// Later issues append here.
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
        Migration(identifier: "0002_users_tokens_dashboard", sql: """
            -- Operator accounts (rg-auth). `email` is as the user typed it (shown back to them);
            -- `email_key` is its normalised form (trimmed, lowercased) and is what is unique, so
            -- Alice@Example.com and alice@example.com are one account.
            CREATE TABLE users (
                id            INTEGER PRIMARY KEY,
                email         TEXT    NOT NULL,
                email_key     TEXT    NOT NULL UNIQUE,
                name          TEXT    NOT NULL,
                org           TEXT    NOT NULL,
                password_hash TEXT    NOT NULL,
                status        TEXT    NOT NULL CHECK (status IN ('pending_verification', 'pending_approval', 'approved', 'denied', 'disabled')),
                role          TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
                created_ms    INTEGER NOT NULL,
                verified_ms   INTEGER,
                approved_ms   INTEGER,
                updated_ms    INTEGER NOT NULL
            );
            CREATE INDEX users_status ON users (status, created_ms);

            -- Every bearer secret: e-mail verification, approval and denial links, password
            -- resets and sessions. Only SHA-256 of the 32 random bytes is kept, so a copy of the
            -- database (a backup, a stolen disk) holds no usable token.
            CREATE TABLE auth_token (
                token_hash  TEXT    PRIMARY KEY,
                user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                kind        TEXT    NOT NULL CHECK (kind IN ('verify', 'approve', 'deny', 'password_reset', 'session')),
                created_ms  INTEGER NOT NULL,
                expires_ms  INTEGER NOT NULL,
                used_ms     INTEGER
            );
            CREATE INDEX auth_token_user ON auth_token (user_id, kind);
            CREATE INDEX auth_token_expires ON auth_token (expires_ms);

            -- Who changed the policy file from the dashboard, when, and from what to what.
            CREATE TABLE policy_change (
                id           INTEGER PRIMARY KEY,
                changed_ms   INTEGER NOT NULL,
                user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
                user_email   TEXT    NOT NULL,
                policy_path  TEXT    NOT NULL,
                old_hash     TEXT,
                new_hash     TEXT    NOT NULL,
                old_toml     TEXT,
                new_toml     TEXT    NOT NULL,
                diff         TEXT    NOT NULL
            );
            CREATE INDEX policy_change_changed_ms ON policy_change (changed_ms);

            -- One row per judged template (rg-verify --db upserts it with each verdict), for the
            -- Templates page: listing 1,000,000 verdicts grouped by template would be a scan.
            CREATE TABLE template_summary (
                template_id      TEXT    PRIMARY KEY,
                source           TEXT,
                height           INTEGER,
                prev_hash        TEXT    NOT NULL,
                tx_count         INTEGER NOT NULL,
                total_fees       INTEGER NOT NULL,
                avg_fee          INTEGER NOT NULL,
                weight           INTEGER,
                sigops           INTEGER,
                coinbase_value   INTEGER NOT NULL,
                first_seen_ms    INTEGER NOT NULL,
                last_seen_ms     INTEGER NOT NULL,
                verdicts         INTEGER NOT NULL,
                last_accepted    INTEGER NOT NULL CHECK (last_accepted IN (0, 1)),
                last_reason_code TEXT
            );
            CREATE INDEX template_summary_last_seen ON template_summary (last_seen_ms);

            -- Verdict counts per hour, kept by a trigger, so the overview and charts never scan
            -- the verdict table (1,000,000 rows and more).
            CREATE TABLE verdict_hour (
                hour_ms     INTEGER NOT NULL,
                accepted    INTEGER NOT NULL,
                reason_code TEXT    NOT NULL,
                fee_tier    TEXT    NOT NULL,
                verdicts    INTEGER NOT NULL,
                eval_us_sum INTEGER NOT NULL,
                PRIMARY KEY (hour_ms, accepted, reason_code, fee_tier)
            );
            INSERT INTO verdict_hour (hour_ms, accepted, reason_code, fee_tier, verdicts, eval_us_sum)
                SELECT verified_ms - verified_ms % 3600000, accepted, COALESCE(reason_code, 'ok'), fee_tier, COUNT(*), SUM(eval_us)
                FROM verdict GROUP BY 1, 2, 3, 4;
            CREATE TRIGGER verdict_hour_insert AFTER INSERT ON verdict BEGIN
                INSERT INTO verdict_hour (hour_ms, accepted, reason_code, fee_tier, verdicts, eval_us_sum)
                VALUES (NEW.verified_ms - NEW.verified_ms % 3600000, NEW.accepted, COALESCE(NEW.reason_code, 'ok'), NEW.fee_tier, 1, NEW.eval_us)
                ON CONFLICT (hour_ms, accepted, reason_code, fee_tier)
                DO UPDATE SET verdicts = verdicts + 1, eval_us_sum = eval_us_sum + excluded.eval_us_sum;
            END;

            -- Gateway records (rg-gate --db writes these; the dashboard reads them).
            -- share: every submitted share. reason_code is NULL for an accepted share.
            CREATE TABLE share (
                id          INTEGER PRIMARY KEY,
                ts_ms       INTEGER NOT NULL,
                channel_id  INTEGER NOT NULL,
                worker      TEXT    NOT NULL,
                job_id      INTEGER NOT NULL,
                accepted    INTEGER NOT NULL CHECK (accepted IN (0, 1)),
                reason_code TEXT,
                difficulty  REAL    NOT NULL,
                hash        TEXT
            );
            CREATE INDEX share_ts ON share (ts_ms);
            CREATE INDEX share_channel_ts ON share (channel_id, ts_ms);

            -- Shares per channel, minute and outcome ('ok' or the reason code), kept by a
            -- trigger: hashrate charts and per-reason counts read this, never the share table.
            -- difficulty_sum counts accepted work: hashrate = difficulty_sum × 2^32 / seconds.
            CREATE TABLE share_minute (
                minute_ms      INTEGER NOT NULL,
                channel_id     INTEGER NOT NULL,
                reason_code    TEXT    NOT NULL,
                shares         INTEGER NOT NULL,
                difficulty_sum REAL    NOT NULL,
                PRIMARY KEY (minute_ms, channel_id, reason_code)
            );
            CREATE INDEX share_minute_channel ON share_minute (channel_id, minute_ms);
            -- The same per minute for the whole pool (the overview's hashrate chart).
            CREATE TABLE share_pool_minute (
                minute_ms      INTEGER NOT NULL,
                reason_code    TEXT    NOT NULL,
                shares         INTEGER NOT NULL,
                difficulty_sum REAL    NOT NULL,
                PRIMARY KEY (minute_ms, reason_code)
            );
            -- And per channel id over all time (the Miners table's shares by reason).
            CREATE TABLE channel_share_total (
                channel_id     INTEGER NOT NULL,
                reason_code    TEXT    NOT NULL,
                shares         INTEGER NOT NULL,
                difficulty_sum REAL    NOT NULL,
                last_share_ms  INTEGER NOT NULL,
                PRIMARY KEY (channel_id, reason_code)
            );
            CREATE TRIGGER share_rollups_insert AFTER INSERT ON share BEGIN
                INSERT INTO share_minute (minute_ms, channel_id, reason_code, shares, difficulty_sum)
                VALUES (NEW.ts_ms - NEW.ts_ms % 60000, NEW.channel_id,
                        CASE WHEN NEW.accepted THEN 'ok' ELSE COALESCE(NEW.reason_code, 'unknown') END,
                        1, CASE WHEN NEW.accepted THEN NEW.difficulty ELSE 0 END)
                ON CONFLICT (minute_ms, channel_id, reason_code)
                DO UPDATE SET shares = shares + 1, difficulty_sum = difficulty_sum + excluded.difficulty_sum;
                INSERT INTO share_pool_minute (minute_ms, reason_code, shares, difficulty_sum)
                VALUES (NEW.ts_ms - NEW.ts_ms % 60000,
                        CASE WHEN NEW.accepted THEN 'ok' ELSE COALESCE(NEW.reason_code, 'unknown') END,
                        1, CASE WHEN NEW.accepted THEN NEW.difficulty ELSE 0 END)
                ON CONFLICT (minute_ms, reason_code)
                DO UPDATE SET shares = shares + 1, difficulty_sum = difficulty_sum + excluded.difficulty_sum;
                INSERT INTO channel_share_total (channel_id, reason_code, shares, difficulty_sum, last_share_ms)
                VALUES (NEW.channel_id, CASE WHEN NEW.accepted THEN 'ok' ELSE COALESCE(NEW.reason_code, 'unknown') END,
                        1, CASE WHEN NEW.accepted THEN NEW.difficulty ELSE 0 END, NEW.ts_ms)
                ON CONFLICT (channel_id, reason_code)
                DO UPDATE SET shares = shares + 1, difficulty_sum = difficulty_sum + excluded.difficulty_sum,
                              last_share_ms = MAX(last_share_ms, excluded.last_share_ms);
            END;

            -- channel: one row per opened channel, updated on snapshots and close. Hashrates are
            -- hashes per second. channel_id is the gateway's id (unique while open).
            CREATE TABLE channel (
                id                INTEGER PRIMARY KEY,
                channel_id        INTEGER NOT NULL,
                worker            TEXT    NOT NULL,
                peer              TEXT,
                declared_hashrate REAL,
                measured_hashrate REAL,
                shares_accepted   INTEGER NOT NULL DEFAULT 0,
                shares_rejected   INTEGER NOT NULL DEFAULT 0,
                opened_ms         INTEGER NOT NULL,
                closed_ms         INTEGER,
                updated_ms        INTEGER NOT NULL
            );
            CREATE INDEX channel_channel_id ON channel (channel_id, opened_ms);
            CREATE INDEX channel_open ON channel (closed_ms, opened_ms);

            -- block: a share that met the network target, and what submitblock said.
            CREATE TABLE block (
                id            INTEGER PRIMARY KEY,
                height        INTEGER NOT NULL,
                hash          TEXT    NOT NULL,
                template_id   TEXT,
                channel_id    INTEGER,
                worker        TEXT,
                found_ms      INTEGER NOT NULL,
                submit_result TEXT
            );
            CREATE INDEX block_found_ms ON block (found_ms);
            """),
        Migration(identifier: "0003_gateway_jobs_overrides", sql: """
            -- job: every job the gateway issued (one row per template release or retarget batch).
            CREATE TABLE job (
                id                   INTEGER PRIMARY KEY,
                job_id               INTEGER NOT NULL,
                template_id          TEXT    NOT NULL,
                height               INTEGER NOT NULL,
                prev_hash            TEXT    NOT NULL,
                future               INTEGER NOT NULL CHECK (future IN (0, 1)),
                channels             INTEGER NOT NULL,
                mode                 TEXT    NOT NULL,
                verdict              TEXT    NOT NULL,
                reason_code          TEXT,
                policy_override      INTEGER NOT NULL CHECK (policy_override IN (0, 1)),
                template_received_ms INTEGER,
                issued_ms            INTEGER NOT NULL,
                latency_ms           INTEGER
            );
            CREATE INDEX job_issued_ms ON job (issued_ms);
            -- policy_override: inline mode released a template the policy had not accepted
            -- (stale-hold expiry), so the operator can audit every such release.
            CREATE TABLE policy_override (
                id                  INTEGER PRIMARY KEY,
                template_id         TEXT    NOT NULL,
                height              INTEGER NOT NULL,
                prev_hash           TEXT    NOT NULL,
                reason_code         TEXT    NOT NULL,
                verdict_reason_code TEXT,
                detail              TEXT    NOT NULL,
                held_ms             INTEGER NOT NULL,
                ts_ms               INTEGER NOT NULL
            );
            CREATE INDEX policy_override_ts ON policy_override (ts_ms);
            -- The share's template, for audits of which template a share (and a block) came from.
            ALTER TABLE share ADD COLUMN template_id TEXT;
            ALTER TABLE block ADD COLUMN block_hex TEXT;
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
