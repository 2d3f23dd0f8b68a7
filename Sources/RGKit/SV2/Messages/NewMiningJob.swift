/// NewMiningJob (0x15, S→C, channel message): a job for a standard channel.
/// Wire order: channel_id U32 · job_id U32 · min_ntime OPTION[U32] · version U32 · merkle_root U256.
///
/// `minNtime == nil` is a **future** job (45-byte payload): it becomes active only when a
/// SetNewPrevHash names its `job_id`. The first job after OpenStandardMiningChannel.Success must be
/// a future one. With `minNtime` set (49 bytes) the job is active at once on the current prev_hash.
public struct NewMiningJob: SV2MessageBody {
    public static var messageType: SV2MessageType { .newMiningJob }

    public var channelID: UInt32
    public var jobID: UInt32
    public var minNtime: UInt32?
    public var version: UInt32
    /// The header's merkle root, 32 bytes in internal order (no reversal).
    public var merkleRoot: Bytes32

    public init(channelID: UInt32, jobID: UInt32, minNtime: UInt32?, version: UInt32, merkleRoot: Bytes32) {
        self.channelID = channelID
        self.jobID = jobID
        self.minNtime = minNtime
        self.version = version
        self.merkleRoot = merkleRoot
    }

    /// True for a job that waits for SetNewPrevHash (min_ntime absent).
    public var isFuture: Bool { minNtime == nil }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        jobID = try r.readU32()
        minNtime = try r.read()
        version = try r.readU32()
        merkleRoot = try r.readU256()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.writeU32(jobID)
        w.write(minNtime)
        w.writeU32(version)
        w.writeU256(merkleRoot)
    }

    public var message: SV2Message { .newMiningJob(self) }
}

/// NewExtendedMiningJob (0x1f, S→C, channel message): a job for an extended or group channel.
/// Wire order: channel_id U32 · job_id U32 · min_ntime OPTION[U32] · version U32 ·
/// version_rolling_allowed BOOL · merkle_path SEQ0_255[U256] · coinbase_tx_prefix B0_64K ·
/// coinbase_tx_suffix B0_64K.
public struct NewExtendedMiningJob: SV2MessageBody {
    public static var messageType: SV2MessageType { .newExtendedMiningJob }

    public var channelID: UInt32
    public var jobID: UInt32
    public var minNtime: UInt32?
    public var version: UInt32
    public var versionRollingAllowed: Bool
    /// Internal-order hashes, deepest first: `root = SHA256d(root || path[i])`.
    public var merklePath: Seq0_255<Bytes32>
    public var coinbaseTxPrefix: B0_64K
    public var coinbaseTxSuffix: B0_64K

    public init(channelID: UInt32, jobID: UInt32, minNtime: UInt32?, version: UInt32, versionRollingAllowed: Bool,
                merklePath: Seq0_255<Bytes32>, coinbaseTxPrefix: B0_64K, coinbaseTxSuffix: B0_64K) {
        self.channelID = channelID
        self.jobID = jobID
        self.minNtime = minNtime
        self.version = version
        self.versionRollingAllowed = versionRollingAllowed
        self.merklePath = merklePath
        self.coinbaseTxPrefix = coinbaseTxPrefix
        self.coinbaseTxSuffix = coinbaseTxSuffix
    }

    public var isFuture: Bool { minNtime == nil }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        jobID = try r.readU32()
        minNtime = try r.read()
        version = try r.readU32()
        versionRollingAllowed = try r.read()
        merklePath = try r.read()
        coinbaseTxPrefix = try r.read()
        coinbaseTxSuffix = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.writeU32(jobID)
        w.write(minNtime)
        w.writeU32(version)
        w.write(versionRollingAllowed)
        w.write(merklePath)
        w.write(coinbaseTxPrefix)
        w.write(coinbaseTxSuffix)
    }

    public var message: SV2Message { .newExtendedMiningJob(self) }
}
