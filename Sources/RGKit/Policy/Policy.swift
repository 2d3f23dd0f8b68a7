/// An operator's template policy. Every key has a documented default (`Policy.defaults`, the same
/// values as `config/policy.toml`); `PolicyLoader` reads it from TOML and validates it.
public struct Policy: Equatable, Sendable {
    /// The compact TemplatePropose wire version this verifier speaks.
    public var protocolVersion: Int = 2
    /// Length in characters of a `prev_hash` (64 hex digits).
    public var requiredPrevhashLength: Int = 64
    /// Minimum average fee per transaction (satoshis per non-coinbase transaction) by tier.
    public var minAvgFeeLow: Int64 = 1
    public var minAvgFeeMid: Int64 = 2000
    public var minAvgFeeHigh: Int64 = 5000
    /// Mempool transaction counts that select the tier: `n < low` → low, `n < high` → mid, else high.
    public var lowMempoolTx: Int64 = 0
    public var highMempoolTx: Int64 = 50
    public var minTotalFees: Int64 = 0
    public var maxTxCount: Int64 = 10_000
    public var rejectEmptyTemplates = true
    /// Rejects a non-empty template whose coinbase value is 0.
    public var rejectCoinbaseZero = true
    /// With no mempool reading, use the high tier (strictest) instead of mid.
    public var unknownMempoolAsHigh = true
    /// Σ transaction weight / 4,000,000 must not exceed this; in (0, 1].
    public var maxWeightRatio: Double = 0.999
    /// Templates older than this are rejected (`template_too_old`).
    public var maxTemplateAgeSecs: Int64 = 30
    /// Σ transaction sigop cost must not exceed this (consensus allows 80,000 per block).
    public var maxSigopsCost: Int64 = ConsensusLimits.maxBlockSigopsCost
    /// The coinbase's own sigop cost, when the source reports it.
    public var maxCoinbaseSigops: Int64 = 20_000
    /// Checks listed here report a warning instead of rejecting.
    public var warnOnly: Set<VerdictReason> = []

    public init() {}

    public static let defaults = Policy()

    /// The minimum average fee that applies to a tier.
    public func minAvgFee(for tier: FeeTier) -> Int64 {
        switch tier {
        case .low: minAvgFeeLow
        case .mid: minAvgFeeMid
        case .high: minAvgFeeHigh
        }
    }

    /// Strict `<` on both thresholds; a missing reading is unknown, never 0.
    public func feeTier(mempoolTxCount: Int64?) -> (FeeTier, TierSource) {
        guard let n = mempoolTxCount else { return (unknownMempoolAsHigh ? .high : .mid, .fallback) }
        if n < lowMempoolTx { return (.low, .measured) }
        if n < highMempoolTx { return (.mid, .measured) }
        return (.high, .measured)
    }
}
