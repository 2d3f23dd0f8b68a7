/// Whether a rejected template could still make a valid block.
///
/// Most rejections are the operator's preferences (fees too low, an empty template, a weight
/// ratio over the operator's cap): a block from such a template is valid, only less wanted, so
/// the stale-hold may release it. Others show that the node's chain would refuse every block
/// built from it: a consensus re-derivation failed, or the measured weight or sigop cost is over
/// Bitcoin's own limit. The verifier reports only the first failing rule, so a template over the
/// weight limit may carry the operator's `weight_ratio_exceeded`; the measured figures catch it.
extension VerdictRecord {
    /// True only for a rejected template that no block could be built from.
    public var blocksCannotBeValid: Bool {
        guard !accepted else { return false }
        if let code = reasonCode, let reason = VerdictReason(rawValue: code), reason.group == "consensus" { return true }
        if let weight, weight > ConsensusLimits.maxBlockWeight { return true }
        if let sigops, sigops > ConsensusLimits.maxBlockSigopsCost { return true }
        return false
    }
}
