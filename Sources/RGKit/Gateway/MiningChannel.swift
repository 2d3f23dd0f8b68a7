/// A job as one channel received it: everything a share on it is judged against, copied in
/// (plain values, no references), so validating a share touches no other structure.
struct ChannelJob: Sendable {
    var jobID: UInt32
    /// Which tip it was issued on; a share for an older tip is stale.
    var tipSerial: UInt64
    var templateSerial: UInt64
    /// Standard channel: the header's merkle root (coinbase with this channel's extranonce).
    /// Extended channel: unused (the miner's extranonce decides it).
    var merkleRoot: Bytes32
    /// The share target the job was issued with (little-endian) and its difficulty.
    var target: Bytes32
    var difficulty: Double
    /// Which retarget of the channel the target belongs to (vardiff counts only current shares).
    var targetEpoch: UInt32
    var version: UInt32
    var minNtime: UInt32
    var prevHash: Bytes32
    var bits: UInt32
    var networkTarget: Bytes32
}

/// One open mining channel (standard or extended) and its running state.
struct MiningChannel: Sendable {
    enum Kind: Sendable, Equatable {
        case standard
        /// The miner rolls `extranonceSize` bytes after the prefix.
        case extended(extranonceSize: Int)

        var name: String { self == .standard ? "standard" : "extended" }
    }

    let id: UInt32
    let connection: ConnectionID
    let kind: Kind
    let worker: String
    let peer: String?
    let openedMs: Int64
    /// The allocator's prefix (server id ‖ counter).
    let extranoncePrefix: [UInt8]
    /// Standard: the whole coinbase extranonce (prefix padded with zeros). Extended: the prefix.
    let extranonce: [UInt8]

    var declaredHashrate: Double
    /// The miner's `max_target`: the easiest target it accepts (little-endian).
    var maxTarget: Bytes32
    /// Target and difficulty for the next jobs.
    var target: Bytes32
    var targetDifficulty: Double
    var targetEpoch: UInt32 = 0
    var vardiff: Vardiff
    var bucket: TokenBucket
    var meter: HashrateMeter
    var accepted: UInt64 = 0
    var rejected: UInt64 = 0
    /// Rejections by `ShareReason` (in `ShareReason.allCases` order).
    var rejectedByReason = [UInt32](repeating: 0, count: ShareReason.allCases.count)
    var acceptedDifficulty: Double = 0
    var lastShareMs: Int64?

    /// The last `capacity` jobs sent, a ring (newest at `head − 1`).
    private(set) var jobs: [ChannelJob] = []
    private var head = 0
    let jobCapacity: Int

    init(id: UInt32, connection: ConnectionID, kind: Kind, worker: String, peer: String?, openedMs: Int64,
         extranoncePrefix: [UInt8], extranonce: [UInt8], declaredHashrate: Double, maxTarget: Bytes32,
         vardiff: Vardiff, bucket: TokenBucket, jobCapacity: Int) {
        self.id = id
        self.connection = connection
        self.kind = kind
        self.worker = worker
        self.peer = peer
        self.openedMs = openedMs
        self.extranoncePrefix = extranoncePrefix
        self.extranonce = extranonce
        self.declaredHashrate = declaredHashrate
        self.maxTarget = maxTarget
        self.vardiff = vardiff
        self.bucket = bucket
        self.meter = HashrateMeter(nowMs: openedMs)
        self.jobCapacity = max(1, jobCapacity)
        target = maxTarget
        targetDifficulty = 0
        jobs.reserveCapacity(self.jobCapacity)
        setDifficulty(vardiff.difficulty)
    }

    /// Sets the target for the next jobs from a difficulty, never easier than `max_target`.
    mutating func setDifficulty(_ difficulty: Double) {
        var t = ShareDifficulty.target(difficulty: difficulty)?.littleEndianBytes ?? maxTarget
        if maxTarget < t { t = maxTarget }
        target = t
        targetDifficulty = ShareDifficulty.difficulty(ofTarget: UInt256(littleEndian: t))
        targetEpoch &+= 1
    }

    mutating func remember(_ job: ChannelJob) {
        if jobs.count < jobCapacity {
            jobs.append(job)
            head = jobs.count % jobCapacity
        } else {
            jobs[head] = job
            head = (head + 1) % jobCapacity
        }
    }

    /// The job with `jobID`, newest first.
    @inline(__always)
    func job(_ jobID: UInt32) -> ChannelJob? {
        let n = jobs.count
        var i = 0
        while i < n {
            let index = (head - 1 - i + 2 * n) % n
            if jobs[index].jobID == jobID { return jobs[index] }
            i += 1
        }
        return nil
    }

    /// The extranonce bytes the miner rolls itself (0 on a standard channel).
    var extranonceSizeForMiner: Int {
        if case .extended(let size) = kind { return size }
        return 0
    }
}
