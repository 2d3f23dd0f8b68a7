/// Why the gateway rejected a share. The checks run in the order of the cases below and the
/// first failure wins, so every rejected share has exactly one reason.
///
/// Raw values are the contract (`share` records, CSV exports, the `reason_code` metric label):
/// never renamed, never reused. `wireCode` is the SubmitShares.Error `error_code` the miner gets;
/// the spec no longer lists codes (sv2-spec 9fead06), so these are SRI's strings where SRI has
/// one, which is what deployed miners and proxies recognise.
public enum ShareReason: String, CaseIterable, Codable, Sendable {
    /// No open channel with that id on this connection (a channel of another connection counts
    /// as unknown: one miner cannot submit on another's channel), or a standard submit on an
    /// extended channel and vice versa.
    case invalidChannelID = "share_invalid_channel_id"
    /// The channel's token bucket is empty (flooding, or a difficulty far too low).
    case rateLimited = "share_rate_limited"
    /// The job id was never sent on this channel, or is too old to be remembered.
    case invalidJobID = "share_invalid_job_id"
    /// The job belongs to a previous tip: SetNewPrevHash has moved the channel on.
    case stale = "share_stale"
    /// Version bits outside the rolling mask (BIP320 0x1fffe000 / BIP323 0x1fffffe0) differ
    /// from the job's version.
    case versionBitsOutsideMask = "share_version_bits_outside_mask"
    /// ntime below the job's min_ntime (also mintime: the block would be invalid) or further
    /// ahead of the gateway's clock than allowed.
    case ntimeOutOfRange = "share_ntime_out_of_range"
    /// Extended channel: the extranonce is not exactly the channel's `extranonce_size`.
    case badExtranonceSize = "share_bad_extranonce_size"
    /// SHA-256d of the header, as a little-endian integer, is above the job's target.
    case difficultyBelowTarget = "share_difficulty_below_target"
    /// The same header was already accepted (from any connection) since the tip changed.
    case duplicate = "share_duplicate"

    /// Position in `allCases` (a dense index for per-reason counters).
    public var index: Int {
        switch self {
        case .invalidChannelID: 0
        case .rateLimited: 1
        case .invalidJobID: 2
        case .stale: 3
        case .versionBitsOutsideMask: 4
        case .ntimeOutOfRange: 5
        case .badExtranonceSize: 6
        case .difficultyBelowTarget: 7
        case .duplicate: 8
        }
    }

    /// The SubmitShares.Error code. Exhaustive: a new case does not compile until it is mapped.
    public var wireCode: SV2ErrorCode {
        switch self {
        case .invalidChannelID: .invalidChannelID
        case .rateLimited: .other("rate-limited")
        case .invalidJobID: .invalidJobID
        case .stale: .staleShare
        case .versionBitsOutsideMask: .invalidNonRollableVersionBit
        case .ntimeOutOfRange: .invalidShare
        case .badExtranonceSize: .badExtranonceSize
        case .difficultyBelowTarget: .difficultyTooLow
        case .duplicate: .duplicateShare
        }
    }
}
