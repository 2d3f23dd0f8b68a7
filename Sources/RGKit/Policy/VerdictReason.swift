/// Why a template was rejected (or warned about). Raw values are the contract — records, CSV
/// exports, metric labels and `warn_only` lists use them — so they are never renamed or reused.
public enum VerdictReason: String, Codable, CaseIterable, Sendable, Comparable {
    // A. Basic validity
    case protocolVersionMismatch = "protocol_version_mismatch"
    case prevHashLengthMismatch = "prev_hash_len_mismatch"
    case invalidPrevHash = "invalid_prev_hash"
    case tipRegressed = "tip_regressed"
    // B. Template constraints
    case emptyTemplateRejected = "empty_template_rejected"
    case coinbaseValueZeroRejected = "coinbase_value_zero_rejected"
    case txCountExceeded = "tx_count_exceeded"
    case totalFeesBelowMinimum = "total_fees_below_minimum"
    case avgFeeBelowMinimum = "avg_fee_below_minimum"
    // C. Safety limits
    case weightRatioExceeded = "weight_ratio_exceeded"
    case templateTooOld = "template_too_old"
    case sigopsBudgetExceeded = "sigops_budget_exceeded"
    case coinbaseSigopsExceeded = "coinbase_sigops_exceeded"
    // D. Consensus re-derivation (only when transaction data is present)
    case txDataMismatch = "tx_data_mismatch"
    case duplicateTx = "duplicate_tx"
    case witnessCommitmentMismatch = "witness_commitment_mismatch"
    case templateWeightExceeded = "template_weight_exceeded"
    case coinbaseValueMismatch = "coinbase_value_mismatch"

    /// Evaluation order: the first failing check wins.
    public var order: Int { VerdictReason.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: VerdictReason, rhs: VerdictReason) -> Bool { lhs.order < rhs.order }

    public var group: String {
        switch self {
        case .protocolVersionMismatch, .prevHashLengthMismatch, .invalidPrevHash, .tipRegressed: "validity"
        case .emptyTemplateRejected, .coinbaseValueZeroRejected, .txCountExceeded, .totalFeesBelowMinimum, .avgFeeBelowMinimum: "template"
        case .weightRatioExceeded, .templateTooOld, .sigopsBudgetExceeded, .coinbaseSigopsExceeded: "safety"
        case .txDataMismatch, .duplicateTx, .witnessCommitmentMismatch, .templateWeightExceeded, .coinbaseValueMismatch: "consensus"
        }
    }
}
