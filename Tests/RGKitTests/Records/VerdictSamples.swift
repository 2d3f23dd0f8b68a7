@testable import RGKit

/// Verdicts made by the real evaluator from template summaries shaped like mainnet ones, so the
/// records carry the codes, tiers and details rg-verify produces.
enum VerdictSamples {
    static let baseMs: Int64 = 1_764_000_000_000          // 2025-11-24T16:00:00Z
    static let policyHash = "5f1c0a9e3b7d2c4e"

    enum Shape: CaseIterable {
        case healthy, lowFees, empty, tooOld, fallbackTier, oldButWarnOnly
    }

    static func template(_ shape: Shape, index: Int, nowMs: Int64) -> TemplateSummary {
        let id = String(String(UInt64(0x00a1_b2c3_d4e5_f600) &+ UInt64(index), radix: 16).suffix(16))
        let padded = String(repeating: "0", count: 16 - id.count) + id
        var t = TemplateSummary(templateID: padded, height: 890_000 + Int64(index % 7), prevHash: String(repeating: "ab", count: 32),
                                txCount: 2_000, totalFeesSat: 20_000_000, coinbaseValueSat: 332_500_000)
        t.weight = 3_900_000
        t.sigops = 8_000
        t.createdMs = nowMs - 1_000
        t.receivedMs = nowMs - 500
        t.mempoolTxCount = 50_000
        switch shape {
        case .healthy: break
        case .lowFees: t.totalFeesSat = 2_000; t.coinbaseValueSat = 312_502_000
        case .empty: t.txCount = 0; t.totalFeesSat = 0; t.coinbaseValueSat = 312_500_000; t.weight = 0; t.sigops = 0
        case .tooOld, .oldButWarnOnly: t.createdMs = nowMs - 3_600_000; t.receivedMs = nowMs - 3_600_000
        case .fallbackTier: t.mempoolTxCount = nil
        }
        return t
    }

    static func policy(_ shape: Shape) -> Policy {
        var p = Policy.defaults
        if shape == .oldButWarnOnly { p.warnOnly = [.templateTooOld] }
        return p
    }

    /// The `index`-th sample: shapes cycle, verified_ms steps by `stepMs`, eval_us varies.
    static func verdict(_ index: Int, stepMs: Int64 = 1_000, explain: Bool = false) -> (VerdictRecord, [Evaluation.Check]?) {
        let shape = Shape.allCases[index % Shape.allCases.count]
        let now = baseMs + Int64(index) * stepMs
        let e = Evaluator(policy: policy(shape)).evaluate(template(shape, index: index, nowMs: now), nowMs: now, explain: explain)
        let record = VerdictRecord(evaluation: e, summary: template(shape, index: index, nowMs: now), source: index % 2 == 0 ? "rpc" : "demo",
                                   policyHash: policyHash, verifiedMs: now, evalUs: Int64(100 + (index * 37) % 900))
        return (record, e.checks)
    }

    static func verdicts(_ count: Int, stepMs: Int64 = 1_000) -> [VerdictRecord] {
        (0..<count).map { verdict($0, stepMs: stepMs).0 }
    }

    /// A verdict with every optional empty and text that needs CSV quoting.
    static var awkward: VerdictRecord {
        VerdictRecord(templateID: "00000000000000ff", source: nil, height: nil, prevHash: "", accepted: false,
                      reasonCode: "avg_fee_below_minimum", reasonDetail: "avg fee 4,999 < 5,000 \"sat\"\nper tx\r",
                      warnings: [.init(code: "template_too_old", detail: "age 40s, limit 30s"), .init(code: "sigops_budget_exceeded", detail: "x")],
                      feeTier: "high", tierSource: "fallback", minAvgFeeUsed: nil, policyHash: policyHash,
                      txCount: 3, totalFees: 14_997, avgFee: 4_999, weight: nil, weightRatio: nil, sigops: nil,
                      coinbaseValue: 312_514_997, ageMs: -250, verifiedMs: baseMs + 1, evalUs: 42)
    }
}
