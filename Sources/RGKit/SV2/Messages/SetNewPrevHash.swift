/// SetNewPrevHash (mining, 0x20, S→C, channel message; the Template Distribution one is 0x72).
/// Activates the future job `job_id` on a new tip; every job queued before it is dropped.
/// Wire order: channel_id U32 · job_id U32 · prev_hash U256 · min_ntime U32 · nbits U32.
public struct SetNewPrevHash: SV2MessageBody {
    public static var messageType: SV2MessageType { .setNewPrevHash }

    public var channelID: UInt32
    public var jobID: UInt32
    /// The previous block hash as it goes into the header: internal order, no reversal.
    public var prevHash: Bytes32
    public var minNtime: UInt32
    public var nbits: UInt32

    public init(channelID: UInt32, jobID: UInt32, prevHash: Bytes32, minNtime: UInt32, nbits: UInt32) {
        self.channelID = channelID
        self.jobID = jobID
        self.prevHash = prevHash
        self.minNtime = minNtime
        self.nbits = nbits
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        jobID = try r.readU32()
        prevHash = try r.readU256()
        minNtime = try r.readU32()
        nbits = try r.readU32()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.writeU32(jobID)
        w.writeU256(prevHash)
        w.writeU32(minNtime)
        w.writeU32(nbits)
    }

    public var message: SV2Message { .setNewPrevHash(self) }
}
