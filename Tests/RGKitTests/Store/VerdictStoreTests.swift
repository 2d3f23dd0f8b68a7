import Foundation
import GRDB
import Testing
@testable import RGKit

@Suite struct VerdictStoreTests {
    let dir = TemporaryDirectory()

    func makeStore(_ name: String = "rg.sqlite") throws -> VerdictStore {
        VerdictStore(try RGDatabase(path: dir.file(name)))
    }

    func all(_ store: VerdictStore, _ filter: VerdictFilter = .all) throws -> [StoredVerdict] {
        var out: [StoredVerdict] = []
        try store.forEach(filter) { out.append($0) }
        return out
    }

    @Test func aVerdictReadBackEqualsWhatWasInserted() throws {
        let store = try makeStore()
        let samples = (0..<12).map { VerdictSamples.verdict($0, explain: $0 % 2 == 0) } + [(VerdictSamples.awkward, nil)]
        var ids: [Int64] = []
        for (record, checks) in samples { ids.append(try store.insert(record, checks: checks)) }
        let back = try all(store)
        #expect(Set(back.map(\.id)) == Set(ids) && back.count == ids.count)
        for (record, checks) in samples {
            let stored = try #require(back.first { $0.record.templateID == record.templateID && $0.record.verifiedMs == record.verifiedMs })
            #expect(stored.record == record)
            // The NDJSON export is byte for byte what rg-verify --strip would have written.
            #expect(stored.encoded() == record.encoded(checks: checks))
            #expect((stored.checksJSON != nil) == (checks != nil))
        }
        // And it decodes as a verdict record again.
        let line = back[3].encoded()
        #expect(try VerdictRecord(json: JSONDocument(bytes: line).root) == back[3].record)
    }

    @Test func theTimeRangeIsHalfOpen() throws {
        let store = try makeStore()
        try store.insert(contentsOf: VerdictSamples.verdicts(10).map { NewVerdict($0) })   // base, base+1s, … base+9s
        let base = VerdictSamples.baseMs
        func times(_ f: VerdictFilter) throws -> [Int64] { try all(store, f).map { ($0.record.verifiedMs - base) / 1_000 } }
        #expect(try times(VerdictFilter(sinceMs: base + 2_000, untilMs: base + 5_000)) == [2, 3, 4])
        #expect(try times(VerdictFilter(sinceMs: base + 2_001, untilMs: base + 5_001)) == [3, 4, 5])
        #expect(try times(VerdictFilter(sinceMs: base + 8_000)) == [8, 9])
        #expect(try times(VerdictFilter(untilMs: base + 1_000)) == [0])
        #expect(try times(VerdictFilter(sinceMs: base + 3_000, untilMs: base + 3_000)).isEmpty)
        #expect(try store.count(VerdictFilter(sinceMs: base, untilMs: base + 10_000)) == 10)
    }

    @Test func rowsComeInVerifiedTimeThenInsertionOrder() throws {
        let store = try makeStore()
        var late = VerdictSamples.verdict(1).0
        late.verifiedMs = VerdictSamples.baseMs + 50_000
        var early = VerdictSamples.verdict(2).0
        early.verifiedMs = VerdictSamples.baseMs
        var tieA = VerdictSamples.verdict(3).0, tieB = VerdictSamples.verdict(4).0
        tieA.verifiedMs = VerdictSamples.baseMs + 7
        tieB.verifiedMs = VerdictSamples.baseMs + 7
        let lateID = try store.insert(late)
        let tieBID = try store.insert(tieB)
        let tieAID = try store.insert(tieA)
        let earlyID = try store.insert(early)
        #expect(try all(store).map(\.id) == [earlyID, tieBID, tieAID, lateID])
    }

    @Test func pagesCoverEveryRowOnceEvenWhenOlderRowsArriveBetweenPages() throws {
        let store = try makeStore()
        try store.insert(contentsOf: VerdictSamples.verdicts(250, stepMs: 10).map { NewVerdict($0) })
        var seen: [Int64] = []
        var cursor: VerdictCursor?
        var pages = 0
        repeat {
            let page = try store.page(.all, after: cursor, limit: 100)
            seen += page.verdicts.map(\.id)
            cursor = page.next
            pages += 1
            if pages == 1 {
                // Another process commits a verdict that sorts before this page's end.
                var old = VerdictSamples.verdict(0).0
                old.verifiedMs = VerdictSamples.baseMs - 1
                try store.insert(old)
                #expect(page.verdicts.count == 100)
                #expect(VerdictCursor(page.next!.description) == page.next)
                #expect(try store.cursor(forID: page.verdicts.last!.id) == page.next)
            }
        } while cursor != nil
        #expect(pages == 3)
        #expect(seen.count == 250 && Set(seen).count == 250)
        let exact = try store.page(.all, limit: 251)
        #expect(exact.verdicts.count == 251 && exact.next == nil)
        #expect(try store.page(.all, limit: 0).verdicts.isEmpty)
        #expect(try store.page(.all, limit: .max).verdicts.count == 251)        // clamped, not overflowed
        #expect(try store.cursor(forID: 999_999) == nil)
    }

    @Test func filtersByReasonTierAndOutcome() throws {
        let store = try makeStore()
        let records = VerdictSamples.verdicts(60)
        try store.insert(contentsOf: records.map { NewVerdict($0) })
        func matches(_ f: VerdictFilter) throws -> [String] { try all(store, f).map(\.record.templateID) }
        #expect(try matches(VerdictFilter(reasonCode: "template_too_old")) == records.filter { $0.reasonCode == "template_too_old" }.map(\.templateID))
        #expect(try matches(VerdictFilter(accepted: true)) == records.filter(\.accepted).map(\.templateID))
        #expect(try matches(VerdictFilter(accepted: false)).count == records.filter { !$0.accepted }.count)
        #expect(try matches(VerdictFilter(feeTier: "high", accepted: true)) == records.filter { $0.feeTier == "high" && $0.accepted }.map(\.templateID))
        let base = VerdictSamples.baseMs
        let ranged = VerdictFilter(sinceMs: base + 10_000, untilMs: base + 40_000, reasonCode: "avg_fee_below_minimum")
        #expect(try matches(ranged) == records.filter { $0.reasonCode == "avg_fee_below_minimum" && $0.verifiedMs >= base + 10_000 && $0.verifiedMs < base + 40_000 }.map(\.templateID))
        #expect(try store.page(ranged, limit: 2).verdicts.count == 2)
    }

    @Test func theStoreSummaryEqualsTheStreamSummaryOfTheSameVerdicts() throws {
        let store = try makeStore()
        let records = VerdictSamples.verdicts(300) + [VerdictSamples.awkward]
        try store.insert(contentsOf: records.map { NewVerdict($0) })

        var stream = VerdictSummary()
        records.forEach { stream.add($0) }
        let whole = try store.summary()
        #expect(whole.encoded() == stream.encoded())
        #expect(whole.total == 301 && whole.byWarning["template_too_old"] == 51)
        #expect(whole.byWarning["sigops_budget_exceeded"] == 1)

        let base = VerdictSamples.baseMs
        let filter = VerdictFilter(sinceMs: base + 100_000, untilMs: base + 200_000)
        var partial = VerdictSummary()
        records.filter { $0.verifiedMs >= base + 100_000 && $0.verifiedMs < base + 200_000 }.forEach { partial.add($0) }
        partial.sinceMs = filter.sinceMs
        partial.untilMs = filter.untilMs
        #expect(try store.summary(filter).encoded() == partial.encoded())
        #expect(try store.summary(VerdictFilter(sinceMs: base + 10_000_000)).encoded() == {
            var empty = VerdictSummary(); empty.sinceMs = base + 10_000_000; return empty.encoded()
        }())
    }

    @Test func aBatchIsAllOrNothing() throws {
        let store = try makeStore()
        var batch = VerdictSamples.verdicts(5).map { NewVerdict($0) }
        batch[3].checksJSON = #"{"not":"an array"}"#
        #expect(throws: StoreError(.invalidValue)) { try store.insert(contentsOf: batch) }
        #expect(try store.count() == 0)

        // A failure inside SQLite (here: a trigger) rolls the whole batch back too.
        try store.database.pool.write { db in
            try db.execute(sql: "CREATE TEMP TRIGGER refuse BEFORE INSERT ON verdict WHEN NEW.template_id = 'refuse-me' BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        batch[3].checksJSON = nil
        batch[3].record.templateID = "refuse-me"
        #expect(throws: StoreError(.writeFailed)) { try store.insert(contentsOf: batch) }
        #expect(try store.count() == 0)
    }

    @Test func asyncInsertsAndQueriesSeeTheSameRows() async throws {
        let store = try makeStore()
        let ids = try await store.insert(contentsOf: VerdictSamples.verdicts(20).map { NewVerdict($0) })
        let one = try await store.insert(NewVerdict(VerdictSamples.awkward))
        #expect(ids.count == 20 && one > ids.last!)
        let page = try await store.page(.all, limit: 50)
        #expect(page.verdicts.count == 21 && page.next == nil)
        let total = try await store.summary().total
        let rejected = try await store.count(VerdictFilter(accepted: false))
        #expect(total == 21)
        #expect(rejected == Int64(page.verdicts.filter { !$0.record.accepted }.count))
    }

    @Test func twoPoolsOnOneFileWriteConcurrentlyWithoutLosingARow() async throws {
        let path = dir.file("shared.sqlite")
        let a = VerdictStore(try RGDatabase(path: path))
        let b = VerdictStore(try RGDatabase(path: path))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (writer, offset) in [(a, 0), (b, 10_000)] {
                group.addTask {
                    for i in 0..<40 {
                        // Singles and batches interleave, as rg-verify and rg-gate would.
                        try writer.insert(VerdictSamples.verdict(offset + i).0)
                        try writer.insert(contentsOf: (0..<10).map { NewVerdict(VerdictSamples.verdict(offset + 100 + i * 10 + $0).0) })
                    }
                }
            }
            try await group.waitForAll()
        }
        let seenByA = try await a.count()
        let seenByB = try await b.count()
        #expect(seenByA == 880 && seenByB == 880)
        let ids = try all(a).map(\.id)
        #expect(Set(ids).count == 880)
    }

    @Test func anUnreadableStoredValueIsAReadErrorNamingTheRow() throws {
        let store = try makeStore()
        let id = try store.insert(VerdictSamples.verdict(0).0)
        try store.database.pool.write { db in try db.execute(sql: "UPDATE verdict SET warnings = 'oops' WHERE id = ?", arguments: [id]) }
        do {
            _ = try store.page(.all)
            Issue.record("decoded a broken warnings column")
        } catch {
            #expect(error.code == .readFailed)
            #expect(error.description.contains("row \(id)"))
        }
    }
}
