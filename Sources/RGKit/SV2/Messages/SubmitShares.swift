/// SubmitSharesStandard (0x1a, C→S, channel message): the hot path, fixed 24 bytes.
/// Wire order: channel_id U32 · sequence_number U32 · job_id U32 · nonce U32 · ntime U32 ·
/// version U32 (the full nVersion).
public struct SubmitSharesStandard: SV2MessageBody {
    public static var messageType: SV2MessageType { .submitSharesStandard }

    public var channelID: UInt32
    public var sequenceNumber: UInt32
    public var jobID: UInt32
    public var nonce: UInt32
    public var ntime: UInt32
    public var version: UInt32

    public init(channelID: UInt32, sequenceNumber: UInt32, jobID: UInt32, nonce: UInt32, ntime: UInt32, version: UInt32) {
        self.channelID = channelID
        self.sequenceNumber = sequenceNumber
        self.jobID = jobID
        self.nonce = nonce
        self.ntime = ntime
        self.version = version
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        sequenceNumber = try r.readU32()
        jobID = try r.readU32()
        nonce = try r.readU32()
        ntime = try r.readU32()
        version = try r.readU32()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.writeU32(sequenceNumber)
        w.writeU32(jobID)
        w.writeU32(nonce)
        w.writeU32(ntime)
        w.writeU32(version)
    }

    public var message: SV2Message { .submitSharesStandard(self) }
}

/// SubmitSharesExtended (0x1b, C→S, channel message): the standard fields plus extranonce B0_32
/// (its length must equal the channel's extranonce_size: a channel-logic check, not the codec's).
public struct SubmitSharesExtended: SV2MessageBody {
    public static var messageType: SV2MessageType { .submitSharesExtended }

    public var channelID: UInt32
    public var sequenceNumber: UInt32
    public var jobID: UInt32
    public var nonce: UInt32
    public var ntime: UInt32
    public var version: UInt32
    public var extranonce: B0_32

    public init(channelID: UInt32, sequenceNumber: UInt32, jobID: UInt32, nonce: UInt32, ntime: UInt32,
                version: UInt32, extranonce: B0_32) {
        self.channelID = channelID
        self.sequenceNumber = sequenceNumber
        self.jobID = jobID
        self.nonce = nonce
        self.ntime = ntime
        self.version = version
        self.extranonce = extranonce
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        sequenceNumber = try r.readU32()
        jobID = try r.readU32()
        nonce = try r.readU32()
        ntime = try r.readU32()
        version = try r.readU32()
        extranonce = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.writeU32(sequenceNumber)
        w.writeU32(jobID)
        w.writeU32(nonce)
        w.writeU32(ntime)
        w.writeU32(version)
        w.write(extranonce)
    }

    public var message: SV2Message { .submitSharesExtended(self) }
}

/// SubmitShares.Success (0x1c, S→C, channel message): acknowledges a batch of submits.
/// Wire order: channel_id U32 · last_sequence_number U32 · new_submits_accepted_count U32 ·
/// new_shares_sum U64 (sum of the batch's share difficulties; counters reset per batch).
public struct SubmitSharesSuccess: SV2MessageBody {
    public static var messageType: SV2MessageType { .submitSharesSuccess }

    public var channelID: UInt32
    public var lastSequenceNumber: UInt32
    public var newSubmitsAcceptedCount: UInt32
    public var newSharesSum: UInt64

    public init(channelID: UInt32, lastSequenceNumber: UInt32, newSubmitsAcceptedCount: UInt32, newSharesSum: UInt64) {
        self.channelID = channelID
        self.lastSequenceNumber = lastSequenceNumber
        self.newSubmitsAcceptedCount = newSubmitsAcceptedCount
        self.newSharesSum = newSharesSum
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        lastSequenceNumber = try r.readU32()
        newSubmitsAcceptedCount = try r.readU32()
        newSharesSum = try r.readU64()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.writeU32(lastSequenceNumber)
        w.writeU32(newSubmitsAcceptedCount)
        w.writeU64(newSharesSum)
    }

    public var message: SV2Message { .submitSharesSuccess(self) }
}

/// SubmitShares.Error (0x1d, S→C, channel message): one per rejected submit.
/// Wire order: channel_id U32 · sequence_number U32 · error_code STR0_255.
public struct SubmitSharesError: SV2MessageBody {
    public static var messageType: SV2MessageType { .submitSharesError }

    public var channelID: UInt32
    public var sequenceNumber: UInt32
    public var errorCode: SV2ErrorCode

    public init(channelID: UInt32, sequenceNumber: UInt32, errorCode: SV2ErrorCode) {
        self.channelID = channelID
        self.sequenceNumber = sequenceNumber
        self.errorCode = errorCode
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        sequenceNumber = try r.readU32()
        errorCode = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.writeU32(sequenceNumber)
        w.write(errorCode)
    }

    public var message: SV2Message { .submitSharesError(self) }
}
