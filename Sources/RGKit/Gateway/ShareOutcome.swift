/// The verdict on one submitted share, returned by `GatewayCore.submitStandard/submitExtended`.
///
/// A plain value (no allocation for an ordinary share): the shell answers the miner with
/// `response` (or batches successes into one SubmitShares.Success), writes `record(…)` when it
/// keeps share records, submits `block` at once when there is one, and performs `actions`
/// (a vardiff retarget: SetTarget and a fresh job for that channel).
public struct ShareOutcome: Sendable {
    public var channelID: UInt32
    public var sequenceNumber: UInt32
    public var jobID: UInt32
    public var submittedMs: Int64
    /// nil when accepted.
    public var reason: ShareReason?
    /// The difficulty the share is credited at (its job's target); 0 if the job was unknown.
    public var difficulty: Double = 0
    /// SHA-256d of the header, wire order; nil when the share failed before it was hashed.
    public var hash: BlockHash?
    /// Set when the share met the network target: the block, ready for submitblock.
    public var block: BlockRecord?
    /// Follow-up work (a retarget for this channel).
    public var actions: [GatewayAction] = []
    /// The job's template id, when the job was known.
    public var templateID: String?

    public init(channelID: UInt32, sequenceNumber: UInt32, jobID: UInt32, submittedMs: Int64) {
        self.channelID = channelID
        self.sequenceNumber = sequenceNumber
        self.jobID = jobID
        self.submittedMs = submittedMs
    }

    public var accepted: Bool { reason == nil }

    /// SubmitShares.Success for this one share, or SubmitShares.Error with the reason's code.
    /// `new_shares_sum` is the credited difficulty rounded down (the field is an integer; a
    /// share below difficulty 1 adds 0).
    public var response: SV2Message {
        if let reason {
            return .submitSharesError(SubmitSharesError(channelID: channelID, sequenceNumber: sequenceNumber, errorCode: reason.wireCode))
        }
        let sum = difficulty >= 1 && difficulty < 1.8e19 ? UInt64(difficulty) : 0
        return .submitSharesSuccess(SubmitSharesSuccess(channelID: channelID, lastSequenceNumber: sequenceNumber,
                                                        newSubmitsAcceptedCount: 1, newSharesSum: sum))
    }

    /// The `share` record for this outcome.
    public func record(worker: String?, nonce: UInt32, ntime: UInt32, version: UInt32, extranonce: [UInt8]?) -> ShareRecord {
        ShareRecord(channelID: channelID, worker: worker, jobID: jobID, templateID: templateID, sequenceNumber: sequenceNumber,
                    nonce: nonce, ntime: ntime, version: version, extranonce: extranonce.map { Hex.encode($0) },
                    difficulty: difficulty > 0 ? difficulty : nil,
                    shareDifficulty: hash.map { ShareDifficulty.approximateDifficulty(ofHash: $0) },
                    accepted: accepted, reasonCode: reason?.rawValue, hash: hash?.displayHex, block: block != nil,
                    submittedMs: submittedMs)
    }
}
