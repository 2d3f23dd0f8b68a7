/// Bitcoin's block limits (Core's consensus/consensus.h), in one place: the policy engine, the
/// stand-in node and the gateway all compare against them.
public enum ConsensusLimits {
    /// `MAX_BLOCK_WEIGHT`.
    public static let maxBlockWeight: Int64 = 4_000_000
    /// `MAX_BLOCK_SIGOPS_COST`.
    public static let maxBlockSigopsCost: Int64 = 80_000
}
