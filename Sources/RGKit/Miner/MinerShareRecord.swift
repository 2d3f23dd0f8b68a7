extension ShareRecord {
    /// The `share` record a miner prints for one answered submit: the same record the gateway
    /// writes, seen from the other end. `reason_code` is the gateway share code the SV2 error
    /// maps back to (every `ShareReason` has its own wire code); an error string no gateway code
    /// maps to (another pool's) is kept as received. `template_id` is unknown to a miner (null).
    public init(result: MinerSession.ShareResult, worker: String?, submittedMs: Int64) {
        let s = result.submission
        self.init(channelID: s.channelID, worker: worker, jobID: s.jobID, templateID: nil, sequenceNumber: s.sequenceNumber,
                  nonce: s.nonce, ntime: s.ntime, version: s.version,
                  extranonce: s.extranonce.isEmpty ? nil : Hex.encode(s.extranonce),
                  difficulty: ShareDifficulty.difficulty(ofTarget: UInt256(littleEndian: s.target)),
                  shareDifficulty: ShareDifficulty.difficulty(ofHash: s.hash),
                  accepted: result.accepted, reasonCode: result.errorCode.map(ShareRecord.reasonCode(wireCode:)),
                  hash: s.hash.displayHex, block: s.isBlock, submittedMs: submittedMs)
    }

    /// `ShareReason` raw value for a SubmitShares.Error code, or the code itself when none maps.
    public static func reasonCode(wireCode: String) -> String {
        ShareReason.allCases.first { $0.wireCode.description == wireCode }?.rawValue ?? wireCode
    }
}
