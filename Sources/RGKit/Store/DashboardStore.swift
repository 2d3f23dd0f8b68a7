import GRDB

/// What the dashboard, `rg-stat top` and `/metrics` read. Every query is bounded by an index
/// and a LIMIT, or reads a rollup table kept by triggers (`verdict_hour`, `share_minute`,
/// `share_pool_minute`, `channel_share_total`), so no page scans the 1,000,000-verdict or
/// 10,000,000-share tables.
public struct DashboardStore: Sendable {
    public let database: RGDatabase
    public init(_ database: RGDatabase) { self.database = database }

    private func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await database.pool.read(body) } catch {
            throw StoreError.wrap(error, .readFailed, path: database.path, doing: "cannot read the dashboard figures")
        }
    }

    private func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await database.pool.write(body) } catch {
            throw StoreError.wrap(error, .writeFailed, path: database.path, doing: "cannot write")
        }
    }

    // MARK: overview

    public struct HourBucket: Sendable, Codable, Equatable {
        public var hourMs: Int64
        public var accepted: Int64
        public var rejected: Int64
    }

    public struct Point: Sendable, Codable, Equatable {
        public var ms: Int64
        public var value: Double
    }

    public struct Block: Sendable, Codable, Equatable {
        public var height: Int64
        public var hash: String
        public var templateId: String?
        public var channelId: Int64?
        public var worker: String?
        public var foundMs: Int64
        public var submitResult: String?
    }

    public struct Overview: Sendable, Codable {
        public var nowMs: Int64
        public var lastVerdictMs: Int64?
        public var lastTemplateId: String?
        public var lastHeight: Int64?
        public var lastAccepted: Bool?
        public var lastReasonCode: String?
        public var verdictsLastHour: Int64 = 0
        public var acceptedLastHour: Int64 = 0
        public var verdicts24h: Int64 = 0
        public var accepted24h: Int64 = 0
        public var verdictsTotal: Int64 = 0
        public var byReason24h: [String: Int64] = [:]
        public var hourly: [HourBucket] = []
        public var templates24h: Int64 = 0
        public var activeChannels: Int64 = 0
        public var declaredHashrate: Double = 0
        /// Σ accepted difficulty × 2³² / 600 s over the last ten minutes of shares.
        public var measuredHashrate: Double = 0
        public var sharesAcceptedLastHour: Int64 = 0
        public var sharesRejectedLastHour: Int64 = 0
        public var lastBlock: Block?
        /// Pool hashrate in 15-minute buckets over the last 24 hours.
        public var hashrate24h: [Point] = []

        /// Verdicts per minute over the last hour.
        public var verdictRatePerMinute: Double { Double(verdictsLastHour) / 60 }
        public var acceptRate24h: Double? { verdicts24h == 0 ? nil : Double(accepted24h) / Double(verdicts24h) }
        public var shareAcceptRateLastHour: Double? {
            let all = sharesAcceptedLastHour + sharesRejectedLastHour
            return all == 0 ? nil : Double(sharesAcceptedLastHour) / Double(all)
        }
    }

    static let twoTo32 = 4_294_967_296.0

    public func overview(nowMs: Int64) async throws(StoreError) -> Overview {
        try await read { db in
            var o = Overview(nowMs: nowMs)
            if let row = try Row.fetchOne(db, sql: "SELECT verified_ms, template_id, height, accepted, reason_code FROM verdict ORDER BY verified_ms DESC, id DESC LIMIT 1") {
                o.lastVerdictMs = row[0]
                o.lastTemplateId = row[1]
                o.lastHeight = row[2]
                o.lastAccepted = row[3]
                o.lastReasonCode = row[4]
            }
            let hourStart = nowMs - nowMs % 3_600_000
            let dayStart = hourStart - 23 * 3_600_000
            var buckets: [Int64: HourBucket] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT hour_ms, accepted, reason_code, SUM(verdicts) FROM verdict_hour WHERE hour_ms >= ? GROUP BY hour_ms, accepted, reason_code
                """, arguments: [dayStart])
            while let row = try rows.next() {
                let hour: Int64 = row[0], accepted: Bool = row[1], reason: String = row[2], n: Int64 = row[3]
                var b = buckets[hour] ?? HourBucket(hourMs: hour, accepted: 0, rejected: 0)
                if accepted { b.accepted += n } else { b.rejected += n; o.byReason24h[reason, default: 0] += n }
                buckets[hour] = b
                o.verdicts24h += n
                if accepted { o.accepted24h += n }
            }
            o.hourly = (0..<24).map { i in
                let hour = dayStart + Int64(i) * 3_600_000
                return buckets[hour] ?? HourBucket(hourMs: hour, accepted: 0, rejected: 0)
            }
            // The last hour: exact, from the verdict index (at most one hour of rows).
            if let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(accepted), 0) FROM verdict WHERE verified_ms >= ?", arguments: [nowMs - 3_600_000]) {
                o.verdictsLastHour = row[0]
                o.acceptedLastHour = row[1]
            }
            o.verdictsTotal = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(verdicts), 0) FROM verdict_hour") ?? 0
            o.templates24h = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM template_summary WHERE last_seen_ms >= ?", arguments: [nowMs - 86_400_000]) ?? 0
            if let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(declared_hashrate), 0) FROM channel WHERE closed_ms IS NULL") {
                o.activeChannels = row[0]
                o.declaredHashrate = row[1]
            }
            let minute = nowMs - nowMs % 60_000
            let recent = try Row.fetchCursor(db, sql: "SELECT minute_ms, reason_code, shares, difficulty_sum FROM share_pool_minute WHERE minute_ms >= ?",
                                             arguments: [minute - 24 * 3_600_000])
            var series = [Double](repeating: 0, count: 96)
            let seriesStart = minute - 24 * 3_600_000 + 60_000
            while let row = try recent.next() {
                let m: Int64 = row[0], reason: String = row[1], shares: Int64 = row[2], difficulty: Double = row[3]
                if m > minute - 3_600_000 {
                    if reason == "ok" { o.sharesAcceptedLastHour += shares } else { o.sharesRejectedLastHour += shares }
                }
                if m > minute - 600_000 { o.measuredHashrate += difficulty * Self.twoTo32 / 600 }
                let index = Int((m - seriesStart) / 900_000)
                if index >= 0 && index < 96 { series[index] += difficulty * Self.twoTo32 / 900 }
            }
            o.hashrate24h = series.enumerated().map { Point(ms: seriesStart + Int64($0.offset) * 900_000, value: $0.element) }
            o.lastBlock = try Row.fetchOne(db, sql: "SELECT height, hash, template_id, channel_id, worker, found_ms, submit_result FROM block ORDER BY found_ms DESC LIMIT 1").map {
                Block(height: $0[0], hash: $0[1], templateId: $0[2], channelId: $0[3], worker: $0[4], foundMs: $0[5], submitResult: $0[6])
            }
            return o
        }
    }

    // MARK: verdicts, newest first

    /// A page of verdicts, newest first, strictly before `before` (the last row of the
    /// previous page). Filters use the (reason_code, verified_ms) and verified_ms indexes.
    public func verdictsNewestFirst(_ filter: VerdictFilter, before: VerdictCursor?, limit: Int) async throws(StoreError) -> VerdictPage {
        let limit = max(1, min(limit, 500))
        return try await read { db in
            var (whereSQL, arguments) = VerdictStore.whereClause(filter, after: nil)
            if let before {
                whereSQL += whereSQL.isEmpty ? " WHERE " : " AND "
                whereSQL += "(verified_ms < ? OR (verified_ms = ? AND id < ?))"
                arguments += [before.verifiedMs, before.verifiedMs, before.id]
            }
            arguments += [limit + 1]
            let rows = try Row.fetchCursor(db, sql: "SELECT \(VerdictStore.selectColumns) FROM verdict\(whereSQL) ORDER BY verified_ms DESC, id DESC LIMIT ?", arguments: arguments)
            var verdicts: [StoredVerdict] = []
            var more = false
            while let row = try rows.next() {
                if verdicts.count == limit { more = true; break }
                verdicts.append(try VerdictStore.decode(row))
            }
            return VerdictPage(verdicts: verdicts, next: more ? verdicts.last?.cursor : nil)
        }
    }

    public func verdict(id: Int64) async throws(StoreError) -> StoredVerdict? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(VerdictStore.selectColumns) FROM verdict WHERE id = ?", arguments: [id]).map(VerdictStore.decode)
        }
    }

    public func verdicts(templateID: String, limit: Int = 50) async throws(StoreError) -> [StoredVerdict] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(VerdictStore.selectColumns) FROM verdict WHERE template_id = ? ORDER BY verified_ms DESC, id DESC LIMIT ?",
                             arguments: [templateID, max(1, min(limit, 500))]).map(VerdictStore.decode)
        }
    }

    /// Reason codes seen (for the filter menu), from the hourly rollup.
    public func reasonCodes() async throws(StoreError) -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT DISTINCT reason_code FROM verdict_hour WHERE reason_code <> 'ok' ORDER BY reason_code") }
    }

    // MARK: templates

    public struct TemplateRow: Sendable, Codable, Equatable {
        public var templateId: String
        public var source: String?
        public var height: Int64?
        public var prevHash: String
        public var txCount: Int64
        public var totalFees: Int64
        public var avgFee: Int64
        public var weight: Int64?
        public var sigops: Int64?
        public var coinbaseValue: Int64
        public var firstSeenMs: Int64
        public var lastSeenMs: Int64
        public var verdicts: Int64
        public var lastAccepted: Bool
        public var lastReasonCode: String?
    }

    static let templateColumns = "template_id, source, height, prev_hash, tx_count, total_fees, avg_fee, weight, sigops, coinbase_value, first_seen_ms, last_seen_ms, verdicts, last_accepted, last_reason_code"

    static func decodeTemplate(_ r: Row) -> TemplateRow {
        TemplateRow(templateId: r[0], source: r[1], height: r[2], prevHash: r[3], txCount: r[4], totalFees: r[5], avgFee: r[6], weight: r[7],
                    sigops: r[8], coinbaseValue: r[9], firstSeenMs: r[10], lastSeenMs: r[11], verdicts: r[12], lastAccepted: r[13], lastReasonCode: r[14])
    }

    /// Templates by last verdict, newest first, before `(beforeMs, beforeID)`.
    public func templates(before: (ms: Int64, id: String)?, limit: Int) async throws(StoreError) -> (rows: [TemplateRow], more: Bool) {
        let limit = max(1, min(limit, 500))
        return try await read { db in
            var sql = "SELECT \(Self.templateColumns) FROM template_summary"
            var arguments = StatementArguments()
            if let before {
                sql += " WHERE (last_seen_ms < ? OR (last_seen_ms = ? AND template_id < ?))"
                arguments += [before.ms, before.ms, before.id]
            }
            sql += " ORDER BY last_seen_ms DESC, template_id DESC LIMIT ?"
            arguments += [limit + 1]
            var rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.decodeTemplate)
            let more = rows.count > limit
            if more { rows.removeLast() }
            return (rows, more)
        }
    }

    public func template(id: String) async throws(StoreError) -> TemplateRow? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.templateColumns) FROM template_summary WHERE template_id = ?", arguments: [id]).map(Self.decodeTemplate)
        }
    }

    // MARK: miners

    public struct ChannelRow: Sendable, Codable, Equatable {
        public var id: Int64
        public var channelId: Int64
        public var worker: String
        public var peer: String?
        public var declaredHashrate: Double?
        public var measuredHashrate: Double?
        /// From the last ten minutes of this channel id's shares.
        public var recentHashrate: Double
        public var openedMs: Int64
        public var closedMs: Int64?
        public var updatedMs: Int64
        /// Shares by outcome ('ok' or a reason code), all time for this channel id.
        public var sharesByReason: [String: Int64]
        public var lastShareMs: Int64?
    }

    static let channelColumns = "id, channel_id, worker, peer, declared_hashrate, measured_hashrate, opened_ms, closed_ms, updated_ms"

    /// Channels, open ones first then by opening time, newest first; with their share totals.
    public func channels(openOnly: Bool, offset: Int, limit: Int, nowMs: Int64) async throws(StoreError) -> (rows: [ChannelRow], more: Bool) {
        let limit = max(1, min(limit, 500))
        return try await read { db in
            let whereSQL = openOnly ? " WHERE closed_ms IS NULL" : ""
            var rows = try Row.fetchAll(db, sql: "SELECT \(Self.channelColumns) FROM channel\(whereSQL) ORDER BY closed_ms IS NOT NULL, opened_ms DESC, id DESC LIMIT ? OFFSET ?",
                                        arguments: [limit + 1, max(0, offset)])
            let more = rows.count > limit
            if more { rows.removeLast() }
            return (try rows.map { try Self.channelRow($0, db: db, nowMs: nowMs) }, more)
        }
    }

    public func channel(id: Int64, nowMs: Int64) async throws(StoreError) -> ChannelRow? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.channelColumns) FROM channel WHERE id = ?", arguments: [id]).map { try Self.channelRow($0, db: db, nowMs: nowMs) }
        }
    }

    static func channelRow(_ r: Row, db: Database, nowMs: Int64) throws -> ChannelRow {
        let channelID: Int64 = r[1]
        var byReason: [String: Int64] = [:]
        var last: Int64?
        for t in try Row.fetchAll(db, sql: "SELECT reason_code, shares, last_share_ms FROM channel_share_total WHERE channel_id = ?", arguments: [channelID]) {
            byReason[t[0]] = t[1]
            last = max(last ?? 0, t[2])
        }
        let minute = nowMs - nowMs % 60_000
        let difficulty = try Double.fetchOne(db, sql: "SELECT COALESCE(SUM(difficulty_sum), 0) FROM share_minute WHERE channel_id = ? AND minute_ms > ?",
                                             arguments: [channelID, minute - 600_000]) ?? 0
        return ChannelRow(id: r[0], channelId: channelID, worker: r[2], peer: r[3], declaredHashrate: r[4], measuredHashrate: r[5],
                          recentHashrate: difficulty * twoTo32 / 600, openedMs: r[6], closedMs: r[7], updatedMs: r[8],
                          sharesByReason: byReason, lastShareMs: last)
    }

    /// One channel id's hashrate in `bucketMs` buckets over `[sinceMs, nowMs)`.
    public func channelHashrate(channelID: Int64, sinceMs: Int64, nowMs: Int64, bucketMs: Int64) async throws(StoreError) -> [Point] {
        try await read { db in
            let count = Int(max(1, (nowMs - sinceMs) / bucketMs))
            var series = [Double](repeating: 0, count: count)
            let rows = try Row.fetchCursor(db, sql: "SELECT minute_ms, difficulty_sum FROM share_minute WHERE channel_id = ? AND minute_ms >= ? AND reason_code = 'ok'",
                                           arguments: [channelID, sinceMs])
            while let row = try rows.next() {
                let m: Int64 = row[0], d: Double = row[1]
                let i = Int((m - sinceMs) / bucketMs)
                if i >= 0 && i < count { series[i] += d * Self.twoTo32 / Double(bucketMs / 1000) }
            }
            return series.enumerated().map { Point(ms: sinceMs + Int64($0.offset) * bucketMs, value: $0.element) }
        }
    }

    // MARK: policy history

    public struct PolicyChange: Sendable, Codable, Equatable {
        public var id: Int64
        public var changedMs: Int64
        public var userEmail: String
        public var policyPath: String
        public var oldHash: String?
        public var newHash: String
        public var diff: String
    }

    public func recordPolicyChange(nowMs: Int64, userID: Int64, userEmail: String, path: String, oldHash: String?, newHash: String,
                                   oldTOML: String?, newTOML: String, diff: String) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO policy_change (changed_ms, user_id, user_email, policy_path, old_hash, new_hash, old_toml, new_toml, diff)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [nowMs, userID, userEmail, path, oldHash, newHash, oldTOML, newTOML, diff])
        }
    }

    public func policyChanges(limit: Int = 20) async throws(StoreError) -> [PolicyChange] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, changed_ms, user_email, policy_path, old_hash, new_hash, diff FROM policy_change ORDER BY changed_ms DESC, id DESC LIMIT ?",
                             arguments: [max(1, min(limit, 200))]).map {
                PolicyChange(id: $0[0], changedMs: $0[1], userEmail: $0[2], policyPath: $0[3], oldHash: $0[4], newHash: $0[5], diff: $0[6])
            }
        }
    }

    // MARK: metrics

    public struct Totals: Sendable {
        public var verdictsByOutcome: [(accepted: Bool, reason: String, count: Int64)] = []
        public var sharesByReason: [String: Int64] = [:]
        public var templates: Int64 = 0
        public var blocks: Int64 = 0
        public var usersByStatus: [String: Int64] = [:]
    }

    /// All-time totals for `/metrics`, from rollups and small tables.
    public func totals() async throws(StoreError) -> Totals {
        try await read { db in
            var t = Totals()
            for r in try Row.fetchAll(db, sql: "SELECT accepted, reason_code, SUM(verdicts) FROM verdict_hour GROUP BY accepted, reason_code ORDER BY accepted, reason_code") {
                t.verdictsByOutcome.append((r[0], r[1], r[2]))
            }
            for r in try Row.fetchAll(db, sql: "SELECT reason_code, SUM(shares) FROM channel_share_total GROUP BY reason_code") {
                t.sharesByReason[r[0]] = r[1]
            }
            t.templates = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM template_summary") ?? 0
            t.blocks = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM block") ?? 0
            for r in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM users GROUP BY status") { t.usersByStatus[r[0]] = r[1] }
            return t
        }
    }
}
