/// The outcome of judging one template: accepted, or the first failing check with its detail,
/// plus the warnings from `warn_only` checks and the figures the checks used.
public struct Evaluation: Sendable, Equatable {
    public struct Warning: Sendable, Equatable {
        public var code: VerdictReason
        public var detail: String
    }

    /// One check as `--explain` shows it: what was measured, against which limit.
    public struct Check: Sendable, Equatable {
        public enum Outcome: String, Sendable { case pass, fail, warn, skipped }
        public var code: VerdictReason
        public var outcome: Outcome
        public var value: String
        public var limit: String
    }

    public struct Stats: Sendable, Equatable {
        public var txCount: Int64
        public var totalFees: Int64
        /// floor(total_fees / tx_count), 0 for an empty template.
        public var avgFee: Int64
        public var weight: Int64?
        public var weightRatio: Double?
        public var sigops: Int64?
        public var coinbaseValue: Int64
        public var ageMs: Int64?
    }

    public var accepted: Bool { reason == nil }
    public var reason: VerdictReason?
    public var detail: String?
    public var warnings: [Warning] = []
    public var feeTier: FeeTier
    public var tierSource: TierSource
    public var minAvgFeeUsed: Int64
    public var stats: Stats
    /// Filled only when the caller asks for an explanation.
    public var checks: [Check]?
}
