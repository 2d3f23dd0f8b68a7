/// One unit of work for the search threads: every header field but the nonce (and, with
/// rolling, the version bits), the target a share must meet, and what a submit must carry.
///
/// Built from an active job by `MinerChannel.work(extranonceCounter:)`; the search never looks
/// at SV2 messages.
public struct MinerWork: Sendable, Equatable {
    public var channelID: UInt32
    public var jobID: UInt32
    /// The job's nVersion; rolled versions differ from it only inside `rollingMask`.
    public var version: UInt32
    /// 0 when the job forbids version rolling.
    public var rollingMask: UInt32
    /// Wire order, as in the header.
    public var prevHash: Bytes32
    /// Wire order, as in the header.
    public var merkleRoot: Bytes32
    public var ntime: UInt32
    public var nbits: UInt32
    /// The largest header hash (little-endian integer) the pool accepts as a share for this job.
    public var target: Bytes32
    /// Extended channel: the miner's extranonce part the submit carries; empty on a standard one.
    public var extranonce: [UInt8]

    public init(channelID: UInt32, jobID: UInt32, version: UInt32, rollingMask: UInt32, prevHash: Bytes32,
                merkleRoot: Bytes32, ntime: UInt32, nbits: UInt32, target: Bytes32, extranonce: [UInt8] = []) {
        self.channelID = channelID
        self.jobID = jobID
        self.version = version
        self.rollingMask = rollingMask
        self.prevHash = prevHash
        self.merkleRoot = merkleRoot
        self.ntime = ntime
        self.nbits = nbits
        self.target = target
        self.extranonce = extranonce
    }

    /// How many versions the search may try (1 without rolling).
    public var versionCount: UInt64 { rollingMask == 0 ? 1 : VersionRolling.versionCount(mask: rollingMask) }

    /// The `index`-th version the search tries (the job's version for index 0 when it has no
    /// rolled bits set).
    public func version(index: UInt64) -> UInt32 {
        rollingMask == 0 ? version : VersionRolling.version(base: version, index: index, mask: rollingMask)
    }

    public func header(version: UInt32, nonce: UInt32) -> BlockHeader {
        BlockHeader(version: Int32(bitPattern: version), prevBlockHash: BlockHash(wire: prevHash),
                    merkleRoot: MerkleNode(wire: merkleRoot), time: ntime, bits: CompactTarget(rawValue: nbits), nonce: nonce)
    }

    /// Whether the header with this version and nonce also meets the network target (a block).
    public func isBlock(hash: BlockHash) -> Bool {
        guard let network = CompactTarget(rawValue: nbits).target else { return false }
        return hash.meets(target: network)
    }
}
