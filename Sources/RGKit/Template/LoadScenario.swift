/// The kinds of compact `TemplatePropose` the load generator (`rg-feed load`) sends, named as
/// the reference load tester names them. Pure: a seeded generator and the clock come in, so
/// the same seed gives the same proposes.
///
/// A `valid` template is sized to pass the example policy (`config/policy.toml`) with no
/// mempool reading — the hi tier, 5,000 sat per transaction — and every template of a run
/// builds on one height, so the tip tracker never rejects one as a regression. (The reference
/// tester's "valid" templates, 20–5,000 sat per transaction at random heights, would mostly be
/// rejected by that policy; counting them as valid would hide rejections.)
public enum LoadScenario: String, CaseIterable, Sendable {
    case valid
    /// `rejectRatio` of the templates are one of the five rejection kinds, picked uniformly.
    case mixed
    /// Half truncated to 32 characters (`prev_hash_len_mismatch`), half starting `zzzz` (`invalid_prev_hash`).
    case rejectPrevhash = "reject-prevhash"
    /// 1–1,000 sat per transaction (`avg_fee_below_minimum`).
    case rejectFees = "reject-fees"
    /// No transactions (`empty_template_rejected`).
    case rejectEmpty = "reject-empty"
    /// A zero coinbase value (`coinbase_value_zero_rejected`).
    case rejectCoinbase = "reject-coinbase"
    /// Created `staleOffsetMs` ago (`template_too_old`).
    case stale

    static let rejectionKinds: [LoadScenario] = [.rejectPrevhash, .rejectFees, .rejectEmpty, .rejectCoinbase, .stale]
}

public struct LoadProposeGenerator: Sendable {
    public var scenario: LoadScenario
    public var height: Int64
    public var rejectRatio: Double
    public var staleOffsetMs: Int64
    private var rng: SeededGenerator

    public init(scenario: LoadScenario, seed: UInt64, height: Int64 = 900_000, rejectRatio: Double = 0.3, staleOffsetMs: Int64 = 60_000) {
        self.scenario = scenario
        self.height = height
        self.rejectRatio = rejectRatio
        self.staleOffsetMs = staleOffsetMs
        rng = SeededGenerator(seed: seed)
    }

    /// The next propose, and the reason the example policy gives it (nil: accepted).
    public mutating func next(id: UInt64, nowMs: Int64) -> (TemplatePropose, expected: VerdictReason?) {
        var kind = scenario
        if kind == .mixed {
            kind = Double(rng.next() >> 11) / Double(1 << 53) < rejectRatio
                ? LoadScenario.rejectionKinds[Int(rng.next() % UInt64(LoadScenario.rejectionKinds.count))]
                : .valid
        }
        let txCount = Int64(1000 + rng.next() % 4000)
        let feePerTx = Int64(5_000 + rng.next() % 5_001)
        var p = TemplatePropose(id: id, blockHeight: height, prevHash: Hex.encode(rng.bytes(32)),
                                coinbaseValue: 312_500_000 + txCount * feePerTx, txCount: txCount, totalFees: txCount * feePerTx)
        p.templateWeight = 3_000_000
        p.totalSigops = 5_000
        p.coinbaseSigops = 100
        p.createdAtUnixMs = nowMs
        var expected: VerdictReason?
        switch kind {
        case .valid, .mixed:
            break
        case .rejectPrevhash:
            if rng.next() & 1 == 0 {
                p.prevHash = String(p.prevHash.prefix(32))
                expected = .prevHashLengthMismatch
            } else {
                p.prevHash = "zzzz" + p.prevHash.dropFirst(4)
                expected = .invalidPrevHash
            }
        case .rejectFees:
            p.totalFees = txCount * Int64(1 + rng.next() % 1_000)
            p.coinbaseValue = 312_500_000 + p.totalFees
            expected = .avgFeeBelowMinimum
        case .rejectEmpty:
            p.txCount = 0
            p.totalFees = 0
            p.coinbaseValue = 312_500_000
            p.templateWeight = 0
            p.totalSigops = 0
            expected = .emptyTemplateRejected
        case .rejectCoinbase:
            p.coinbaseValue = 0
            expected = .coinbaseValueZeroRejected
        case .stale:
            p.createdAtUnixMs = nowMs - staleOffsetMs
            expected = .templateTooOld
        }
        return (p, expected)
    }
}
