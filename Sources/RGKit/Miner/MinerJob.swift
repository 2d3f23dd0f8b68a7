/// A job as the miner keeps it: the header fields it fixes and, for an extended channel, what
/// the merkle root is built from. `target` is the share target it was issued with (a later
/// SetTarget changes future jobs, not active ones: the pool credits in-flight shares at their
/// job's target).
public struct MinerJob: Sendable, Equatable {
    public enum Root: Sendable, Equatable {
        /// Standard channel: the pool computed the root (its extranonce prefix is in the coinbase).
        case merkleRoot(Bytes32)
        /// Extended channel: the coinbase halves and the path; the miner inserts the extranonce.
        case coinbase(prefix: [UInt8], suffix: [UInt8], merklePath: [Bytes32])
    }

    public var jobID: UInt32
    /// nil for a future job (active only after the SetNewPrevHash naming it).
    public var minNtime: UInt32?
    public var version: UInt32
    public var versionRollingAllowed: Bool
    public var root: Root
    public var target: Bytes32

    public init(jobID: UInt32, minNtime: UInt32?, version: UInt32, versionRollingAllowed: Bool, root: Root, target: Bytes32) {
        self.jobID = jobID
        self.minNtime = minNtime
        self.version = version
        self.versionRollingAllowed = versionRollingAllowed
        self.root = root
        self.target = target
    }

    public init(_ message: NewMiningJob, target: Bytes32) {
        // A standard job's version may still be rolled: SV2 standard jobs carry no flag, and
        // `SetupConnection.Success` without requires-fixed-version allows it.
        self.init(jobID: message.jobID, minNtime: message.minNtime, version: message.version, versionRollingAllowed: true,
                  root: .merkleRoot(message.merkleRoot), target: target)
    }

    public init(_ message: NewExtendedMiningJob, target: Bytes32) {
        self.init(jobID: message.jobID, minNtime: message.minNtime, version: message.version,
                  versionRollingAllowed: message.versionRollingAllowed,
                  root: .coinbase(prefix: message.coinbaseTxPrefix.bytes, suffix: message.coinbaseTxSuffix.bytes,
                                  merklePath: message.merklePath.elements),
                  target: target)
    }
}
