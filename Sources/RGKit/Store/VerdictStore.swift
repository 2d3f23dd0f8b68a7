import GRDB

/// Verdicts in the `verdict` table: inserts (one, or a batch in one transaction), range
/// queries in (verified_ms, id) order with cursor paging and filters, and summaries over a
/// range or the whole table.
///
/// Sync methods are for the tools' read loops (`rg-verify --db` inserts a verdict before it
/// writes the record to stdout, ARCHITECTURE.md §4); `async` ones are for servers, which must
/// not block an event loop. The static `insert(_:in:)` joins a caller's own transaction.
public struct VerdictStore: Sendable {
    public let database: RGDatabase

    public init(_ database: RGDatabase) { self.database = database }

    /// The one list of stored columns, in table order; insert and select both use it.
    static let columns = [
        "template_id", "source", "height", "prev_hash", "accepted", "reason_code", "reason_detail", "warnings",
        "fee_tier", "tier_source", "min_avg_fee_used", "policy_hash", "tx_count", "total_fees", "avg_fee",
        "weight", "weight_ratio", "sigops", "coinbase_value", "age_ms", "verified_ms", "eval_us", "checks",
    ]
    static let insertSQL = "INSERT INTO verdict (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    static let selectColumns = "id, " + columns.joined(separator: ", ")

    // MARK: inserting

    /// Inserts one verdict and commits; returns its row id.
    @discardableResult
    public func insert(_ record: VerdictRecord, checks: [Evaluation.Check]? = nil) throws(StoreError) -> Int64 {
        try insert(NewVerdict(record, checks: checks))
    }

    @discardableResult
    public func insert(_ verdict: NewVerdict) throws(StoreError) -> Int64 {
        try Self.validate(verdict)
        do {
            return try database.pool.write { db in try Self.insert(verdict, in: db) }
        } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: "cannot insert verdict \(verdict.record.templateID)")
        }
    }

    /// Inserts all or none, in one transaction (one WAL append instead of one per row); returns
    /// the row ids in order.
    @discardableResult
    public func insert(contentsOf verdicts: [NewVerdict]) throws(StoreError) -> [Int64] {
        for v in verdicts { try Self.validate(v) }
        do {
            return try database.pool.write { db in try verdicts.map { v in try Self.insert(v, in: db) } }
        } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: "cannot insert \(verdicts.count) verdicts")
        }
    }

    @discardableResult
    public func insert(_ verdict: NewVerdict) async throws(StoreError) -> Int64 {
        try Self.validate(verdict)
        do {
            return try await database.pool.write { db in try Self.insert(verdict, in: db) }
        } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: "cannot insert verdict \(verdict.record.templateID)")
        }
    }

    @discardableResult
    public func insert(contentsOf verdicts: [NewVerdict]) async throws(StoreError) -> [Int64] {
        for v in verdicts { try Self.validate(v) }
        do {
            return try await database.pool.write { db in try verdicts.map { v in try Self.insert(v, in: db) } }
        } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: "cannot insert \(verdicts.count) verdicts")
        }
    }

    /// Inserts inside a transaction the caller already holds (`pool.write { db in … }`), for
    /// writing a verdict together with rows of other tables. The caller validates `checksJSON`.
    public static func insert(_ verdict: NewVerdict, in db: Database) throws -> Int64 {
        let statement = try db.cachedStatement(sql: insertSQL)
        let v = verdict.record
        try statement.execute(arguments: [
            v.templateID, v.source, v.height, v.prevHash, v.accepted, v.reasonCode, v.reasonDetail,
            encodeWarnings(v.warnings), v.feeTier, v.tierSource, v.minAvgFeeUsed, v.policyHash,
            v.txCount, v.totalFees, v.avgFee, v.weight, v.weightRatio, v.sigops, v.coinbaseValue, v.ageMs,
            v.verifiedMs, v.evalUs, verdict.checksJSON,
        ])
        return db.lastInsertedRowID
    }

    /// Stored checks are re-emitted verbatim by exports, so only a JSON array gets in.
    static func validate(_ verdict: NewVerdict) throws(StoreError) {
        guard let text = verdict.checksJSON else { return }
        let ok: Bool
        do { ok = try JSONDocument(text).root.kind == .array } catch { ok = false }
        guard ok else {
            throw StoreError(.invalidValue, "verdict \(verdict.record.templateID): checks must be a JSON array")
        }
    }

    static func encodeWarnings(_ warnings: [VerdictRecord.Warning]) -> String {
        if warnings.isEmpty { return "[]" }
        var w = JSONWriter(capacity: 64 * warnings.count)
        w.beginArray()
        for warning in warnings {
            w.beginObject()
            w.field("code", warning.code)
            w.field("detail", warning.detail)
            w.endObject()
        }
        w.endArray()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    // MARK: querying

    /// The largest page served; a larger `limit` (say, from a dashboard URL) is cut to this.
    public static let maxPageSize = 10_000

    /// Up to `limit` (at most `maxPageSize`) verdicts matching `filter`, strictly after
    /// `after`, oldest first.
    public func page(_ filter: VerdictFilter, after: VerdictCursor? = nil, limit: Int = 100) throws(StoreError) -> VerdictPage {
        do {
            return try database.pool.read { db in try Self.page(db, filter, after: after, limit: limit) }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot read verdicts")
        }
    }

    public func page(_ filter: VerdictFilter, after: VerdictCursor? = nil, limit: Int = 100) async throws(StoreError) -> VerdictPage {
        do {
            return try await database.pool.read { db in try Self.page(db, filter, after: after, limit: limit) }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot read verdicts")
        }
    }

    /// Where the row with this id sorts, to continue a page from a bare id (`?after_id=42`);
    /// nil when there is no such row.
    public func cursor(forID id: Int64) throws(StoreError) -> VerdictCursor? {
        do {
            return try database.pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT verified_ms FROM verdict WHERE id = ?", arguments: [id])
                    .map { VerdictCursor(verifiedMs: $0, id: id) }
            }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot read verdict \(id)")
        }
    }

    /// Calls `body` for every matching verdict in order, from one read snapshot, holding one
    /// row at a time: exports of millions of rows run in constant memory. Errors thrown by
    /// `body` come back unchanged; database errors come back as `StoreError`.
    public func forEach(_ filter: VerdictFilter, _ body: (StoredVerdict) throws -> Void) throws {
        var bodyError: (any Error)?
        do {
            try database.pool.read { db in
                let (whereSQL, arguments) = Self.whereClause(filter, after: nil)
                let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.selectColumns) FROM verdict\(whereSQL) ORDER BY verified_ms, id", arguments: arguments)
                while let row = try rows.next() {
                    let verdict = try Self.decode(row)
                    do { try body(verdict) } catch { bodyError = error; return }
                }
            }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot read verdicts")
        }
        if let bodyError { throw bodyError }
    }

    public func count(_ filter: VerdictFilter = .all) throws(StoreError) -> Int64 {
        do {
            return try database.pool.read { db in
                let (whereSQL, arguments) = Self.whereClause(filter, after: nil)
                return try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM verdict\(whereSQL)", arguments: arguments) ?? 0
            }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot count verdicts")
        }
    }

    public func count(_ filter: VerdictFilter = .all) async throws(StoreError) -> Int64 {
        do {
            return try await database.pool.read { db in
                let (whereSQL, arguments) = Self.whereClause(filter, after: nil)
                return try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM verdict\(whereSQL)", arguments: arguments) ?? 0
            }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot count verdicts")
        }
    }

    static func page(_ db: Database, _ filter: VerdictFilter, after: VerdictCursor?, limit: Int) throws -> VerdictPage {
        let limit = max(0, min(limit, maxPageSize))
        let (whereSQL, arguments) = whereClause(filter, after: after)
        var all = arguments
        all += [limit + 1]                       // one extra row says whether another page exists
        let rows = try Row.fetchCursor(db, sql: "SELECT \(selectColumns) FROM verdict\(whereSQL) ORDER BY verified_ms, id LIMIT ?", arguments: all)
        var verdicts: [StoredVerdict] = []
        var more = false
        while let row = try rows.next() {
            if verdicts.count == limit { more = true; break }
            verdicts.append(try decode(row))
        }
        return VerdictPage(verdicts: verdicts, next: more ? verdicts.last?.cursor : nil)
    }

    static func whereClause(_ filter: VerdictFilter, after: VerdictCursor?) -> (String, StatementArguments) {
        var terms: [String] = []
        var arguments = StatementArguments()
        if let since = filter.sinceMs { terms.append("verified_ms >= ?"); arguments += [since] }
        if let until = filter.untilMs { terms.append("verified_ms < ?"); arguments += [until] }
        if let code = filter.reasonCode { terms.append("reason_code = ?"); arguments += [code] }
        if let tier = filter.feeTier { terms.append("fee_tier = ?"); arguments += [tier] }
        if let accepted = filter.accepted { terms.append("accepted = ?"); arguments += [accepted] }
        if let after {
            // Spelled out rather than as a row value so the verified_ms index bounds the scan.
            terms.append("(verified_ms > ? OR (verified_ms = ? AND id > ?))")
            arguments += [after.verifiedMs, after.verifiedMs, after.id]
        }
        return (terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND "), arguments)
    }

    static func decode(_ row: Row) throws -> StoredVerdict {
        let id: Int64 = row[0]
        let warningsText: String = row[8]
        let warnings: [VerdictRecord.Warning]
        do { warnings = try decodeWarnings(warningsText) } catch {
            throw StoreError(.readFailed, "verdict row \(id): warnings column is not a JSON array of {code, detail}: \(error)")
        }
        let record = VerdictRecord(
            templateID: row[1], source: row[2], height: row[3], prevHash: row[4], accepted: row[5],
            reasonCode: row[6], reasonDetail: row[7], warnings: warnings, feeTier: row[9], tierSource: row[10],
            minAvgFeeUsed: row[11], policyHash: row[12], txCount: row[13], totalFees: row[14], avgFee: row[15],
            weight: row[16], weightRatio: row[17], sigops: row[18], coinbaseValue: row[19], ageMs: row[20],
            verifiedMs: row[21], evalUs: row[22])
        return StoredVerdict(id: id, record: record, checksJSON: row[23])
    }

    static func decodeWarnings(_ text: String) throws(JSONError) -> [VerdictRecord.Warning] {
        if text == "[]" { return [] }
        let root = try JSONDocument(text).root
        guard root.kind == .array else { throw JSONError(.wrongType, "expected an array") }
        var out: [VerdictRecord.Warning] = []
        for element in root.elements {
            let r = try JSONObjectReader(element, path: "warnings[]")
            out.append(VerdictRecord.Warning(code: try r.requiredString("code"), detail: try r.optionalString("detail") ?? ""))
        }
        return out
    }

    // MARK: summaries

    /// Totals over every verdict matching `filter` (the whole table by default), from one read
    /// snapshot: the same `summary` record `rg-stat summary` prints for a stream, with
    /// `since_ms`/`until_ms` set from the filter.
    public func summary(_ filter: VerdictFilter = .all) throws(StoreError) -> VerdictSummary {
        do {
            return try database.pool.read { db in try Self.summary(db, filter) }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot summarise verdicts")
        }
    }

    public func summary(_ filter: VerdictFilter = .all) async throws(StoreError) -> VerdictSummary {
        do {
            return try await database.pool.read { db in try Self.summary(db, filter) }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot summarise verdicts")
        }
    }

    static func summary(_ db: Database, _ filter: VerdictFilter) throws -> VerdictSummary {
        var s = VerdictSummary()
        s.sinceMs = filter.sinceMs
        s.untilMs = filter.untilMs
        let (whereSQL, arguments) = whereClause(filter, after: nil)
        let groups = try Row.fetchCursor(db, sql: """
            SELECT accepted, reason_code, fee_tier, tier_source, COUNT(*), MIN(verified_ms), MAX(verified_ms)
            FROM verdict\(whereSQL) GROUP BY accepted, reason_code, fee_tier, tier_source
            """, arguments: arguments)
        while let row = try groups.next() {
            let accepted: Bool = row[0]
            let n: Int64 = row[4]
            s.total += n
            if accepted { s.accepted += n } else { s.byReason[(row[1] as String?) ?? "unknown", default: 0] += n }
            s.byTier[row[2] as String, default: 0] += n
            s.byTierSource[row[3] as String, default: 0] += n
            let first: Int64 = row[5], last: Int64 = row[6]
            s.firstVerifiedMs = min(s.firstVerifiedMs ?? first, first)
            s.lastVerifiedMs = max(s.lastVerifiedMs ?? last, last)
        }
        guard s.total > 0 else { return s }
        s.recordsByType[VerdictRecord.type] = s.total
        // A warning counts once per verdict, as in the stream summary.
        let warningWhere = whereSQL.isEmpty ? " WHERE warnings <> '[]'" : whereSQL + " AND warnings <> '[]'"
        let warnings = try Row.fetchCursor(db, sql: """
            SELECT json_extract(w.value, '$.code') AS code, COUNT(DISTINCT verdict.id)
            FROM verdict, json_each(verdict.warnings) AS w\(warningWhere) GROUP BY code
            """, arguments: arguments)
        while let row = try warnings.next() {
            if let code: String = row[0] { s.byWarning[code] = row[1] }
        }
        s.evalUsSamples.reserveCapacity(Int(s.total))
        let samples = try Int64.fetchCursor(db, sql: "SELECT eval_us FROM verdict\(whereSQL)", arguments: arguments)
        while let us = try samples.next() { s.evalUsSamples.append(us) }
        return s
    }
}
