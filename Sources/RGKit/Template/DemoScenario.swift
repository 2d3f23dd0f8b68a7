/// The synthetic situations `rg-feed demo` produces. Each non-normal scenario is built to fail
/// exactly one policy check of the example policy, so its verdict shows that check's code.
public enum DemoScenario: String, CaseIterable, Sendable {
    case normal
    case lowFees = "low_fees"
    case highSigops = "high_sigops"
    case empty
    case zeroCoinbase = "zero_coinbase"
    case heavyWeight = "heavy_weight"
    case feeSweep = "fee_sweep"
    case reorg
    case stale
    case tampered
    case cycle

    /// The order `cycle` walks through.
    public static let cycleOrder: [DemoScenario] = [
        .normal, .lowFees, .highSigops, .empty, .zeroCoinbase, .heavyWeight, .feeSweep, .reorg, .stale, .tampered,
    ]

    /// What the example policy (config/policy.toml) says about this scenario's first template.
    public var expectedReason: String? {
        switch self {
        case .normal, .cycle: nil
        case .lowFees: "avg_fee_below_minimum"
        case .highSigops: "sigops_budget_exceeded"
        case .empty: "empty_template_rejected"
        case .zeroCoinbase: "coinbase_value_zero_rejected"
        case .heavyWeight: "weight_ratio_exceeded"
        case .feeSweep: "avg_fee_below_minimum"
        case .reorg: "tip_regressed"
        case .stale: "template_too_old"
        case .tampered: "tx_data_mismatch"
        }
    }
}
