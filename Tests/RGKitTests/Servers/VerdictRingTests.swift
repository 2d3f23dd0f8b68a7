import Testing
@testable import RGKit

@Suite struct VerdictRingTests {
    static func record(_ n: Int, accepted: Bool = true) -> VerdictRecord {
        let summary = TemplateSummary(templateID: String(n), height: 1, prevHash: "", txCount: 1, totalFeesSat: 1, coinbaseValueSat: 1)
        var evaluation = Evaluator(policy: Policy()).evaluate(summary, nowMs: 0)
        evaluation.reason = accepted ? nil : .avgFeeBelowMinimum
        return VerdictRecord(evaluation: evaluation, summary: summary, source: "propose", policyHash: "h", verifiedMs: Int64(n), evalUs: Int64(n))
    }

    @Test func keepsTheLastEntriesAndPagesStrictlyAfterASequence() {
        var ring = VerdictRing(capacity: 3)
        for n in 1...5 { ring.append(Self.record(n)) }
        #expect(ring.count == 3)
        let all = ring.page(.all, after: nil, limit: 10)
        #expect(all.entries.map(\.sequence) == [3, 4, 5])
        #expect(all.next == nil)
        let first = ring.page(.all, after: nil, limit: 2)
        #expect(first.entries.map(\.sequence) == [3, 4] && first.next == 4)
        #expect(ring.page(.all, after: 4, limit: 2).entries.map(\.sequence) == [5])
        #expect(ring.page(VerdictFilter(sinceMs: 5), after: nil, limit: 10).entries.map(\.sequence) == [5])
    }

    @Test func recentVerdictTotalsCoverMoreThanTheRing() {
        let recent = RecentVerdicts(capacity: 2)
        for n in 1...10 { recent.observe(Self.record(n, accepted: n % 5 != 0)) }
        #expect(recent.page(.all, after: nil, limit: 100).entries.count == 2)
        let summary = recent.summary
        #expect(summary.total == 10 && summary.accepted == 8 && summary.byReason["avg_fee_below_minimum"] == 2)
        #expect(summary.evalUsSamples.isEmpty)
        #expect(summary.latency?.max == 10)
        #expect(summary.latency?.p50 == 5)
    }
}
