import GRDB

/// The gateway's records in the store: `share`, `channel`, `block`, `job` and `policy_override`
/// rows, written a batch per transaction (`rg-gate --db`).
///
/// One transaction per batch is what makes the share path affordable: a commit is one WAL
/// append, so the gateway acknowledges shares when the batch holding them is committed
/// (ARCHITECTURE §4: an accepted share's Success goes out only after its row is durable
/// against a crash of the process).
public struct GatewayStore: Sendable {
    public let database: RGDatabase

    public init(_ database: RGDatabase) { self.database = database }

    /// Inserts every record of the batch in one transaction, all or none.
    public func insert(_ records: [GatewayRecord]) throws(StoreError) {
        guard !records.isEmpty else { return }
        do {
            try database.pool.write { db in
                for record in records { try Self.insert(record, in: db) }
            }
        } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: "cannot insert \(records.count) gateway records")
        }
    }

    static func insert(_ record: GatewayRecord, in db: Database) throws {
        switch record {
        case .share(let s):
            try db.execute(sql: """
                INSERT INTO share (ts_ms, channel_id, worker, job_id, accepted, reason_code, difficulty, hash, template_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.submittedMs, Int64(s.channelID), s.worker ?? "", Int64(s.jobID), s.accepted, s.reasonCode,
                                 s.difficulty ?? 0, s.hash, s.templateID])
        case .channel(let c):
            switch c.event {
            case .open:
                try db.execute(sql: """
                    INSERT INTO channel (channel_id, worker, peer, declared_hashrate, measured_hashrate, shares_accepted,
                                         shares_rejected, opened_ms, updated_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Int64(c.channelID), c.worker, c.peer, c.declaredHashrate, c.hashrate5m,
                                     Int64(c.sharesAccepted), Int64(c.sharesRejected), c.openedMs, c.ms])
            case .close, .snapshot:
                try db.execute(sql: """
                    UPDATE channel SET declared_hashrate = ?, measured_hashrate = ?, shares_accepted = ?, shares_rejected = ?,
                                       updated_ms = ?, closed_ms = ?
                    WHERE channel_id = ? AND opened_ms = ? AND closed_ms IS NULL
                    """, arguments: [c.declaredHashrate, c.hashrate5m, Int64(c.sharesAccepted), Int64(c.sharesRejected), c.ms,
                                     c.event == .close ? c.ms : nil, Int64(c.channelID), c.openedMs])
            }
        case .block(let b):
            try db.execute(sql: """
                INSERT INTO block (height, hash, template_id, channel_id, worker, found_ms, block_hex)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [b.height ?? -1, b.hash, b.templateID, b.channelID, b.worker, b.foundMs ?? 0,
                                 String(decoding: b.blockHex, as: UTF8.self)])
        case .job(let j):
            try db.execute(sql: """
                INSERT INTO job (job_id, template_id, height, prev_hash, future, channels, mode, verdict, reason_code,
                                 policy_override, template_received_ms, issued_ms, latency_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Int64(j.jobID), j.templateID, j.height, j.prevHash, j.future, j.channels, j.mode, j.verdict,
                                 j.reasonCode, j.policyOverride, j.templateReceivedMs, j.issuedMs, j.latencyMs])
        case .policyOverride(let o):
            try db.execute(sql: """
                INSERT INTO policy_override (template_id, height, prev_hash, reason_code, verdict_reason_code, detail, held_ms, ts_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [o.templateID, o.height, o.prevHash, o.reasonCode, o.verdictReasonCode, o.detail, o.heldMs, o.ms])
        }
    }

    /// Accepted shares stored (tests and `rg-stat`).
    public func acceptedShareCount() throws(StoreError) -> Int64 {
        do {
            return try database.pool.read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM share WHERE accepted = 1") ?? 0 }
        } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot count shares")
        }
    }
}
