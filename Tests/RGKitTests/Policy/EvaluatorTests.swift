import Testing
@testable import RGKit

@Suite struct EvaluatorTests {
    static let now: Int64 = 1_764_000_000_000
    let evaluator = Evaluator(policy: .defaults)

    func summary(txCount: Int64 = 2000, fees: Int64 = 20_000_000, mempool: Int64? = 50_000) -> TemplateSummary {
        var t = TemplateSummary(templateID: "00112233aabbccdd", height: 890_000, prevHash: String(repeating: "ab", count: 32),
                                txCount: txCount, totalFeesSat: fees, coinbaseValueSat: 312_500_000 + fees)
        t.weight = 3_900_000
        t.sigops = 8_000
        t.createdMs = Self.now - 1_000
        t.receivedMs = Self.now - 500
        t.mempoolTxCount = mempool
        return t
    }

    @Test func aHealthyTemplateIsAcceptedWithItsStats() {
        let e = evaluator.evaluate(summary(), nowMs: Self.now)
        #expect(e.accepted)
        #expect(e.reason == nil)
        #expect(e.feeTier == .high && e.tierSource == .measured)
        #expect(e.stats.avgFee == 10_000)
        #expect(e.stats.ageMs == 1_000)
        #expect(e.stats.weightRatio == 0.975)
    }

    @Test func averageFeeUsesTheFloorRuleAtTheExactBoundary() {
        // 5000 × 3 = 15000: exactly at the minimum passes, one satoshi less fails.
        #expect(evaluator.evaluate(summary(txCount: 3, fees: 15_000), nowMs: Self.now).accepted)
        let below = evaluator.evaluate(summary(txCount: 3, fees: 14_999), nowMs: Self.now)
        #expect(below.reason == .avgFeeBelowMinimum)
        // The reference's ceil bug: 15001/3 rounds up to 5001 and would have passed 5001.
        var p = Policy.defaults
        p.minAvgFeeHigh = 5001
        #expect(Evaluator(policy: p).evaluate(summary(txCount: 3, fees: 15_001), nowMs: Self.now).reason == .avgFeeBelowMinimum)
    }

    @Test func tierThresholdsAreStrictAndUnknownMempoolIsNotZero() {
        #expect(Policy.defaults.feeTier(mempoolTxCount: 49) == (.mid, .measured))
        #expect(Policy.defaults.feeTier(mempoolTxCount: 50) == (.high, .measured))
        #expect(Policy.defaults.feeTier(mempoolTxCount: nil) == (.high, .fallback))
        var p = Policy.defaults
        p.lowMempoolTx = 10
        p.unknownMempoolAsHigh = false
        #expect(p.feeTier(mempoolTxCount: 9) == (.low, .measured))
        #expect(p.feeTier(mempoolTxCount: 10) == (.mid, .measured))
        #expect(p.feeTier(mempoolTxCount: 0) == (.low, .measured))
        #expect(p.feeTier(mempoolTxCount: nil) == (.mid, .fallback))
        // 3000 sat/tx passes the mid tier but not the high tier.
        #expect(evaluator.evaluate(summary(txCount: 10, fees: 30_000, mempool: 49), nowMs: Self.now).accepted)
        let high = evaluator.evaluate(summary(txCount: 10, fees: 30_000, mempool: nil), nowMs: Self.now)
        #expect(high.reason == .avgFeeBelowMinimum && high.feeTier == .high && high.tierSource == .fallback)
    }

    @Test func theFirstFailingCheckWinsInOrder() {
        var t = summary(txCount: 0, fees: 0)
        t.prevHash = "zz" + String(repeating: "0", count: 62)
        t.weight = 4_000_000
        #expect(evaluator.evaluate(t, nowMs: Self.now).reason == .invalidPrevHash)
        t.prevHash = "abc"
        #expect(evaluator.evaluate(t, nowMs: Self.now).reason == .prevHashLengthMismatch)
        t.prevHash = String(repeating: "0", count: 64)
        #expect(evaluator.evaluate(t, nowMs: Self.now).reason == .emptyTemplateRejected)
    }

    @Test(arguments: [VerdictReason.protocolVersionMismatch, .tipRegressed, .emptyTemplateRejected, .coinbaseValueZeroRejected,
                      .txCountExceeded, .avgFeeBelowMinimum, .weightRatioExceeded, .templateTooOld, .sigopsBudgetExceeded,
                      .coinbaseSigopsExceeded])
    func eachCheckRejectsWithItsOwnCode(_ expected: VerdictReason) {
        var t = summary()
        switch expected {
        case .protocolVersionMismatch: t.protocolVersion = 1
        case .tipRegressed: t.height = 889_998
        case .emptyTemplateRejected: t.txCount = 0; t.totalFeesSat = 0
        case .coinbaseValueZeroRejected: t.coinbaseValueSat = 0
        case .txCountExceeded: t.txCount = 10_001; t.totalFeesSat = 100_000_000
        case .avgFeeBelowMinimum: t.totalFeesSat = 5000 * 2000 - 1
        case .weightRatioExceeded: t.weight = 3_996_001
        case .templateTooOld: t.createdMs = Self.now - 30_001
        case .sigopsBudgetExceeded: t.sigops = 80_001
        case .coinbaseSigopsExceeded: t.coinbaseSigops = 20_001
        default: Issue.record("no mutation for \(expected)")
        }
        let e = evaluator.evaluate(t, nowMs: Self.now, bestHeightSeen: 889_999)
        #expect(e.reason == expected)
        #expect(e.detail?.isEmpty == false)
        // The same template passes when that check is warn-only, and carries a warning instead.
        var p = Policy.defaults
        p.warnOnly = [expected]
        let warned = Evaluator(policy: p).evaluate(t, nowMs: Self.now, bestHeightSeen: 889_999)
        #expect(warned.accepted)
        #expect(warned.warnings.map(\.code) == [expected])
    }

    @Test func ageUsesTheOlderOfCurtimeAndReceiveTime() {
        var t = summary()
        t.createdMs = Self.now - 1_000
        t.receivedMs = Self.now - 31_000
        #expect(evaluator.evaluate(t, nowMs: Self.now).reason == .templateTooOld)
        t.receivedMs = nil
        t.createdMs = nil
        #expect(evaluator.evaluate(t, nowMs: Self.now).accepted)
    }

    @Test func emptyTemplateWithZeroCoinbaseIsCaughtByTheEmptyRule() {
        var p = Policy.defaults
        p.rejectEmptyTemplates = false
        let t = summary(txCount: 0, fees: 0)
        var zero = t
        zero.coinbaseValueSat = 0
        #expect(Evaluator(policy: p).evaluate(zero, nowMs: Self.now).accepted)
    }

    @Test func consensusFindingsRejectInTheirOrder() {
        var t = summary()
        var f = ConsensusFindings()
        f.failures = [.init(.coinbaseValue, "coinbase 1 ≠ 2"), .init(.witnessCommitment, "differs")]
        t.consensus = f
        let e = evaluator.evaluate(t, nowMs: Self.now)
        #expect(e.reason == .witnessCommitmentMismatch)
        #expect(e.detail == "differs")
    }

    @Test func explainListsEveryCheckWithValueAndLimit() {
        let e = evaluator.evaluate(summary(), nowMs: Self.now, explain: true)
        let checks = e.checks ?? []
        #expect(checks.count == VerdictReason.allCases.count)
        #expect(checks.map(\.code) == VerdictReason.allCases)
        let avg = checks.first { $0.code == .avgFeeBelowMinimum }
        #expect(avg?.outcome == .pass)
        #expect(avg?.value == "10000 sat/tx")
        #expect(avg?.limit.contains("5000") == true)
    }
}
