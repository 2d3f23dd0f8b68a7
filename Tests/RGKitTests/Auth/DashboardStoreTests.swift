import Foundation
import GRDB
import Testing
@testable import RGKit

/// The rollups the dashboard reads are kept by triggers; these check them against the rows.
@Suite struct DashboardStoreTests {
    let dir = TemporaryDirectory()

    @Test func overviewCountsVerdictsSharesChannelsAndBlocks() async throws {
        let database = try RGDatabase(path: dir.file("rg.sqlite"))
        let now: Int64 = 1_764_000_000_000
        let verdicts = VerdictStore(database)
        for i in 0..<30 {
            let rejected = i % 3 == 0
            let record = VerdictRecord(templateID: "t\(i % 10)", source: "demo", height: 900_000 + Int64(i), prevHash: String(repeating: "00", count: 32),
                                       accepted: !rejected, reasonCode: rejected ? "avg_fee_below_minimum" : nil, reasonDetail: nil, warnings: [],
                                       feeTier: "high", tierSource: "measured", minAvgFeeUsed: 5000, policyHash: "abcd", txCount: 100, totalFees: 1_000_000,
                                       avgFee: 10_000, weight: 400_000, weightRatio: 0.1, sigops: 400, coinbaseValue: 313_500_000, ageMs: 10,
                                       verifiedMs: now - Int64(i) * 600_000, evalUs: 50)
            try verdicts.insertRecordingTemplate(record)
        }
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO channel (channel_id, worker, peer, declared_hashrate, opened_ms, updated_ms) VALUES (7, 'rig1', '127.0.0.1:5000', 1e12, ?, ?)", arguments: [now - 7_200_000, now])
            for s in 0..<120 {
                try db.execute(sql: "INSERT INTO share (ts_ms, channel_id, worker, job_id, accepted, reason_code, difficulty) VALUES (?, 7, 'rig1', 1, ?, ?, 1024)",
                               arguments: [now - Int64(s) * 4_000, s % 10 != 0, s % 10 != 0 ? nil : "share_stale"])
            }
            try db.execute(sql: "INSERT INTO block (height, hash, template_id, channel_id, found_ms, submit_result) VALUES (900001, 'beef', 't1', 7, ?, 'accepted')", arguments: [now - 1000])
        }
        let store = DashboardStore(database)
        let o = try await store.overview(nowMs: now + 1)
        #expect(o.verdictsTotal == 30)
        #expect(o.verdictsLastHour == 6)                 // i = 0…5 are within the hour
        #expect(o.verdicts24h == 30 && o.accepted24h == 20)
        #expect(o.byReason24h == ["avg_fee_below_minimum": 10])
        #expect(o.hourly.count == 24 && o.hourly.reduce(0) { $0 + $1.accepted + $1.rejected } == 30)
        #expect(o.lastTemplateId == "t0" && o.lastAccepted == false)
        #expect(o.templates24h == 10)
        #expect(o.activeChannels == 1 && o.declaredHashrate == 1e12)
        #expect(o.sharesAcceptedLastHour == 108 && o.sharesRejectedLastHour == 12)
        // The last ten minute-buckets hold shares 0…119 (all within 480 s), 108 accepted × 1024 × 2^32 / 600 s.
        #expect(abs(o.measuredHashrate - 108 * 1024 * 4_294_967_296.0 / 600) < 1)
        #expect(o.lastBlock?.height == 900_001)

        let channel = try #require(try await store.channels(openOnly: true, offset: 0, limit: 10, nowMs: now + 1).rows.first)
        #expect(channel.sharesByReason == ["ok": 108, "share_stale": 12])
        let page = try await store.verdictsNewestFirst(VerdictFilter(reasonCode: "avg_fee_below_minimum"), before: nil, limit: 4)
        #expect(page.verdicts.count == 4 && page.verdicts.allSatisfy { !$0.record.accepted } && page.next != nil)
        let next = try await store.verdictsNewestFirst(VerdictFilter(reasonCode: "avg_fee_below_minimum"), before: page.next, limit: 100)
        #expect(next.verdicts.count == 6 && next.next == nil)
        #expect(page.verdicts[0].record.verifiedMs > next.verdicts[0].record.verifiedMs)
        let templates = try await store.templates(before: nil, limit: 100)
        #expect(templates.rows.count == 10 && templates.rows.allSatisfy { $0.verdicts == 3 })
        let totals = try await store.totals()
        #expect(totals.sharesByReason == ["ok": 108, "share_stale": 12] && totals.blocks == 1 && totals.templates == 10)
    }
}
