/// The miner's side of one SV2 mining connection after the Noise handshake, as a pure state
/// machine: messages in, events out (messages to send, work changes, share results). No socket,
/// clock or thread: the caller passes times in nanoseconds from any monotonic clock.
///
/// Flow: `start()` sends SetupConnection; its Success opens one standard (or extended) channel;
/// from then on jobs, SetNewPrevHash and SetTarget keep `work(extranonceCounter:)` current, and
/// `submit(_:work:nowNs:)` turns a found header into SubmitShares with the next sequence number.
/// SubmitShares.Success acknowledges every pending submit up to its `last_sequence_number`
/// (the pool may batch), SubmitShares.Error rejects the one it names.
public struct MinerSession: Sendable {
    public struct Configuration: Sendable {
        public var extended: Bool
        public var worker: String
        /// Declared hashrate (H/s) for OpenMiningChannel.
        public var nominalHashRate: Float
        /// The easiest target this miner accepts (little-endian); all ones: anything.
        public var maxTarget: Bytes32
        public var minExtranonceSize: UInt16
        public var endpointHost: String
        public var endpointPort: UInt16
        public var vendor: String
        public var deviceID: String

        public init(extended: Bool = false, worker: String = "rg-miner", nominalHashRate: Float = 0,
                    maxTarget: Bytes32 = Bytes32(w0: .max, w1: .max, w2: .max, w3: .max), minExtranonceSize: UInt16 = 4,
                    endpointHost: String = "127.0.0.1", endpointPort: UInt16 = 0, vendor: String = "ReserveGrid rg-miner",
                    deviceID: String = "") {
            self.extended = extended
            self.worker = worker
            self.nominalHashRate = nominalHashRate
            self.maxTarget = maxTarget
            self.minExtranonceSize = minExtranonceSize
            self.endpointHost = endpointHost
            self.endpointPort = endpointPort
            self.vendor = vendor
            self.deviceID = deviceID
        }
    }

    public enum Phase: Sendable, Equatable { case idle, settingUp, openingChannel, mining, closed }

    /// What the channel looks like once open.
    public struct OpenChannel: Sendable, Equatable {
        public var channelID: UInt32
        public var extended: Bool
        public var extranoncePrefix: [UInt8]
        /// Extended: bytes the miner supplies in each submit; 0 on a standard channel.
        public var extranonceSize: Int
        public var groupChannelID: UInt32
    }

    /// A share sent and not yet answered.
    public struct Submission: Sendable, Equatable {
        public var channelID: UInt32
        public var sequenceNumber: UInt32
        public var jobID: UInt32
        public var nonce: UInt32
        public var ntime: UInt32
        public var version: UInt32
        public var extranonce: [UInt8]
        /// The header hash the miner computed (display order when printed).
        public var hash: BlockHash
        /// The job's target the share was found against.
        public var target: Bytes32
        /// The header also meets the network target.
        public var isBlock: Bool
        public var sentNs: UInt64
    }

    public struct ShareResult: Sendable, Equatable {
        public var submission: Submission
        public var accepted: Bool
        /// The SubmitShares.Error code when rejected.
        public var errorCode: String?
        public var answeredNs: UInt64
        public var roundTripNs: UInt64 { answeredNs &- submission.sentNs }
    }

    public enum Event: Sendable, Equatable {
        case send(SV2Message)
        case channelOpened(OpenChannel, target: Bytes32)
        /// The active job, the tip or the target changed: searchers must take fresh work.
        case workChanged
        case results([ShareResult])
        /// The pool closed the channel or refused setup; the connection should be closed.
        case closed(String)
    }

    public let configuration: Configuration
    public private(set) var phase: Phase = .idle
    public private(set) var channel: OpenChannel?
    /// The channel's current target (SetTarget), applied to jobs received from now on.
    public private(set) var target: Bytes32 = .zero
    private var fixedVersion = false
    private var futureJobs: [UInt32: MinerJob] = [:]
    /// Jobs valid on the current tip, and the one to mine (the latest).
    private var jobs: [UInt32: MinerJob] = [:]
    public private(set) var activeJob: MinerJob?
    public private(set) var tip: SetNewPrevHash?
    private var nextSequence: UInt32 = 0
    private var pending: [Submission] = []
    /// How many submits are waiting for an answer.
    public var pendingCount: Int { pending.count }

    public init(configuration: Configuration) { self.configuration = configuration }

    private static let requestID: UInt32 = 1

    /// SetupConnection for the mining protocol.
    public mutating func start() -> [Event] {
        guard phase == .idle else { return [] }
        phase = .settingUp
        var flags: SetupConnection.MiningFlags = []
        if !configuration.extended { flags.insert(.requiresStandardJobs) }
        let setup = SetupConnection(flags: flags.rawValue, endpointHost: Self.str(configuration.endpointHost),
                                    endpointPort: configuration.endpointPort, vendor: Self.str(configuration.vendor),
                                    hardwareVersion: "cpu", firmware: "rg-miner", deviceID: Self.str(configuration.deviceID))
        return [.send(.setupConnection(setup))]
    }

    public mutating func receive(_ message: SV2Message, nowNs: UInt64) -> [Event] {
        switch (phase, message) {
        case (.settingUp, .setupConnectionSuccess(let success)):
            fixedVersion = success.miningFlags.contains(.requiresFixedVersion)
            phase = .openingChannel
            let user = Self.str(configuration.worker)
            if configuration.extended {
                return [.send(.openExtendedMiningChannel(OpenExtendedMiningChannel(
                    requestID: Self.requestID, userIdentity: user, nominalHashRate: configuration.nominalHashRate,
                    maxTarget: configuration.maxTarget, minExtranonceSize: configuration.minExtranonceSize)))]
            }
            return [.send(.openStandardMiningChannel(OpenStandardMiningChannel(
                requestID: Self.requestID, userIdentity: user, nominalHashRate: configuration.nominalHashRate,
                maxTarget: configuration.maxTarget)))]
        case (.settingUp, .setupConnectionError(let error)):
            phase = .closed
            return [.closed("setup refused: \(error.errorCode)")]
        case (.openingChannel, .openStandardMiningChannelSuccess(let m)) where m.requestID == Self.requestID:
            return opened(OpenChannel(channelID: m.channelID, extended: false, extranoncePrefix: m.extranoncePrefix.bytes,
                                      extranonceSize: 0, groupChannelID: m.groupChannelID), target: m.target)
        case (.openingChannel, .openExtendedMiningChannelSuccess(let m)) where m.requestID == Self.requestID:
            return opened(OpenChannel(channelID: m.channelID, extended: true, extranoncePrefix: m.extranoncePrefix.bytes,
                                      extranonceSize: Int(m.extranonceSize), groupChannelID: m.groupChannelID), target: m.target)
        case (.openingChannel, .openMiningChannelError(let error)):
            phase = .closed
            return [.closed("channel refused: \(error.errorCode)")]
        case (.mining, _):
            return mining(message, nowNs: nowNs)
        default:
            // Jobs may arrive between the channel's Success and our processing of it, but
            // never before it; anything else out of order is the pool's protocol error.
            phase = .closed
            return [.closed("unexpected \(message.messageType.name) while \(phase)")]
        }
    }

    private mutating func opened(_ open: OpenChannel, target: Bytes32) -> [Event] {
        channel = open
        self.target = target
        phase = .mining
        return [.channelOpened(open, target: target)]
    }

    private func isOurs(_ channelID: UInt32) -> Bool {
        guard let channel else { return false }
        return channelID == channel.channelID || channelID == channel.groupChannelID && channel.groupChannelID != 0
    }

    private mutating func mining(_ message: SV2Message, nowNs: UInt64) -> [Event] {
        switch message {
        case .newMiningJob(let m) where isOurs(m.channelID):
            return accept(MinerJob(m, target: target))
        case .newExtendedMiningJob(let m) where isOurs(m.channelID):
            return accept(MinerJob(m, target: target))
        case .setNewPrevHash(let m) where isOurs(m.channelID):
            tip = m
            jobs = [:]
            activeJob = nil
            if var job = futureJobs[m.jobID] {
                job.minNtime = m.minNtime
                jobs[job.jobID] = job
                activeJob = job
            }
            futureJobs = [:]
            return [.workChanged]
        case .setTarget(let m) where isOurs(m.channelID):
            target = m.maximumTarget
            // Applies to future jobs already received and to jobs received from now on.
            for id in futureJobs.keys { futureJobs[id]?.target = m.maximumTarget }
            return []
        case .submitSharesSuccess(let m) where isOurs(m.channelID):
            var done: [ShareResult] = []
            while let first = pending.first, Self.sequence(first.sequenceNumber, isAtOrBefore: m.lastSequenceNumber) {
                done.append(ShareResult(submission: first, accepted: true, errorCode: nil, answeredNs: nowNs))
                pending.removeFirst()
            }
            return done.isEmpty ? [] : [.results(done)]
        case .submitSharesError(let m) where isOurs(m.channelID):
            guard let index = pending.firstIndex(where: { $0.sequenceNumber == m.sequenceNumber }) else { return [] }
            let submission = pending.remove(at: index)
            return [.results([ShareResult(submission: submission, accepted: false, errorCode: m.errorCode.description, answeredNs: nowNs)])]
        case .closeChannel(let m) where isOurs(m.channelID):
            phase = .closed
            return [.closed("pool closed the channel: \(m.reasonCode)")]
        case .setExtranoncePrefix(let m) where isOurs(m.channelID):
            channel?.extranoncePrefix = m.extranoncePrefix.bytes
            return [.workChanged]
        case .reconnect, .setGroupChannel, .channelEndpointChanged, .updateChannelError:
            return []
        default:
            phase = .closed
            return [.closed("unexpected \(message.messageType.name) on an open channel")]
        }
    }

    private mutating func accept(_ job: MinerJob) -> [Event] {
        if job.minNtime == nil {
            futureJobs[job.jobID] = job
            return []
        }
        guard tip != nil else { return [] }            // an active job needs a tip; the pool sends one first
        jobs[job.jobID] = job
        activeJob = job
        return [.workChanged]
    }

    /// Serial-number comparison, so a sequence that wraps past 2^32 still orders correctly.
    static func sequence(_ a: UInt32, isAtOrBefore b: UInt32) -> Bool { Int32(bitPattern: b &- a) >= 0 }

    /// Work from the active job; for an extended channel `extranonceCounter` picks the miner's
    /// extranonce (each search thread or round uses its own, so their headers never overlap).
    public func work(extranonceCounter: UInt64 = 0) -> MinerWork? {
        guard let channel, let job = activeJob, let tip else { return nil }
        let merkleRoot: Bytes32
        var extranonce: [UInt8] = []
        switch job.root {
        case .merkleRoot(let root):
            merkleRoot = root
        case .coinbase(let prefix, let suffix, let path):
            extranonce = ExtendedJobCoinbase.extranonce(counter: extranonceCounter, size: channel.extranonceSize)
            merkleRoot = ExtendedJobCoinbase.merkleRoot(prefix: prefix, extranoncePrefix: channel.extranoncePrefix,
                                                        extranonce: extranonce, suffix: suffix, merklePath: path).wire
        }
        // The stricter of the job's target and the channel's: a share meeting both is accepted
        // whichever the pool credits it against.
        let shareTarget = min(job.target, target)
        return MinerWork(channelID: channel.channelID, jobID: job.jobID, version: job.version,
                         rollingMask: job.versionRollingAllowed && !fixedVersion ? VersionRolling.bip320Mask : 0,
                         prevHash: tip.prevHash, merkleRoot: merkleRoot, ntime: max(job.minNtime ?? tip.minNtime, tip.minNtime),
                         nbits: tip.nbits, target: shareTarget, extranonce: extranonce)
    }

    /// The SubmitShares message for a header found on `work`, or nil when that job is no longer
    /// valid (a new tip arrived while the search ran: the share would only be stale).
    public mutating func submit(_ found: NonceSearch.Found, work: MinerWork, nowNs: UInt64) -> SV2Message? {
        guard phase == .mining, let channel, work.channelID == channel.channelID, jobs[work.jobID] != nil,
              tip?.prevHash == work.prevHash else { return nil }
        let sequence = nextSequence
        nextSequence &+= 1
        pending.append(Submission(channelID: channel.channelID, sequenceNumber: sequence, jobID: work.jobID, nonce: found.nonce,
                                  ntime: work.ntime, version: found.version, extranonce: work.extranonce, hash: found.hash,
                                  target: work.target, isBlock: work.isBlock(hash: found.hash), sentNs: nowNs))
        if channel.extended {
            // extranonce ≤ 32 bytes: the channel's size comes from a B0_32-bounded exchange.
            let extranonce = (try? B0_32(work.extranonce)) ?? .empty
            return .submitSharesExtended(SubmitSharesExtended(channelID: channel.channelID, sequenceNumber: sequence, jobID: work.jobID,
                                                              nonce: found.nonce, ntime: work.ntime, version: found.version,
                                                              extranonce: extranonce))
        }
        return .submitSharesStandard(SubmitSharesStandard(channelID: channel.channelID, sequenceNumber: sequence, jobID: work.jobID,
                                                          nonce: found.nonce, ntime: work.ntime, version: found.version))
    }

    /// Submits still unanswered, oldest first (what the pool owes an answer for).
    public var unanswered: [Submission] { pending }

    private static func str(_ text: String) -> Str0_255 {
        (try? Str0_255(String(decoding: Array(text.utf8.prefix(255)), as: UTF8.self))) ?? ""
    }
}
