import GRDB

/// `template_summary`: one row per judged template, upserted with each verdict so the
/// Templates page lists templates without grouping the verdict table.
public enum TemplateSummaryStore {
    static let upsertSQL = """
        INSERT INTO template_summary (template_id, source, height, prev_hash, tx_count, total_fees, avg_fee, weight, sigops,
                                      coinbase_value, first_seen_ms, last_seen_ms, verdicts, last_accepted, last_reason_code)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
        ON CONFLICT (template_id) DO UPDATE SET
            verdicts = verdicts + 1,
            first_seen_ms = MIN(first_seen_ms, excluded.first_seen_ms),
            last_accepted = CASE WHEN excluded.last_seen_ms >= last_seen_ms THEN excluded.last_accepted ELSE last_accepted END,
            last_reason_code = CASE WHEN excluded.last_seen_ms >= last_seen_ms THEN excluded.last_reason_code ELSE last_reason_code END,
            last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms)
        """

    /// Records one verdict's template inside the caller's transaction.
    public static func upsert(_ v: VerdictRecord, in db: Database) throws {
        try db.cachedStatement(sql: upsertSQL).execute(arguments: [
            v.templateID, v.source, v.height, v.prevHash, v.txCount, v.totalFees, v.avgFee, v.weight, v.sigops,
            v.coinbaseValue, v.verifiedMs, v.verifiedMs, v.accepted, v.reasonCode,
        ])
    }
}

extension VerdictStore {
    /// Inserts a verdict and updates its template's summary in one transaction (rg-verify --db).
    @discardableResult
    public func insertRecordingTemplate(_ record: VerdictRecord, checks: [Evaluation.Check]? = nil) throws(StoreError) -> Int64 {
        let verdict = NewVerdict(record, checks: checks)
        try Self.validate(verdict)
        do {
            return try database.pool.write { db in
                let id = try Self.insert(verdict, in: db)
                try TemplateSummaryStore.upsert(record, in: db)
                return id
            }
        } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: "cannot insert verdict \(record.templateID)")
        }
    }

    /// Several verdicts and their templates' summaries in one transaction: what the shared
    /// verdict path (pipe and server) commits before it prints or answers any of them.
    public func insertRecordingTemplates(contentsOf items: [(VerdictRecord, [Evaluation.Check]?)]) throws(StoreError) {
        let verdicts = items.map { NewVerdict($0.0, checks: $0.1) }
        for v in verdicts { try Self.validate(v) }
        do {
            try database.pool.write { db in
                for (index, verdict) in verdicts.enumerated() {
                    _ = try Self.insert(verdict, in: db)
                    try TemplateSummaryStore.upsert(items[index].0, in: db)
                }
            }
        } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: "cannot insert \(items.count) verdicts")
        }
    }
}
