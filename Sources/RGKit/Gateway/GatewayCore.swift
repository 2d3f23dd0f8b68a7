/// The gateway's pure logic: templates in, jobs out; channels opened and closed; shares judged;
/// vardiff; hashrate; blocks. Fed events (with the time, `nowMs`), it returns `GatewayAction`s
/// for the shell (`rg-gate`'s server) to perform. No socket, clock, file or randomness inside,
/// so every behaviour is testable with simulated time.
///
/// Events:
/// - templates: `judgedTemplateArrived` (a verdict record with its template, the usual input),
///   `templateArrived` + `verdictArrived` (template first, verdict later), `tick` (time passes:
///   stale-hold expiry, vardiff for silent miners);
/// - miners: `openStandardChannel`, `openExtendedChannel`, `updateChannel`, `closeChannel`,
///   `connectionClosed`, and the hot path `submitStandard` / `submitExtended` (which return a
///   `ShareOutcome` value instead of an action list, so an ordinary share allocates nothing);
///   `handle(_:connection:nowMs:)` dispatches any decoded miner message.
///
/// Job lifecycle (SV2 §3.4): on a new tip every channel gets a future job and then the
/// SetNewPrevHash naming it; a fresher template for the same tip goes out as a job with
/// `min_ntime` (active at once); a channel opened mid-block gets a future job *and* its
/// SetNewPrevHash (the reference gateway forgot the latter, so strict miners never started).
/// Jobs of an older tip are stale. Vardiff changes take effect with a fresh job for that
/// channel right after its SetTarget; shares of older jobs are credited at their own target.
///
/// Concurrency: a value type with one owner. The share path is meant to run on one thread
/// (≥ 1 M validations/s on one core, see BENCHMARKS.md); the server either confines the core
/// to one event loop or guards it with a lock.
public struct GatewayCore: Sendable {
    public let configuration: GatewayConfiguration
    public private(set) var gate: TemplateGate
    private var allocator: ExtranonceAllocator

    /// A released template and what every job made from it shares.
    struct StoredTemplate: Sendable {
        let serial: UInt64
        let tipSerial: UInt64
        let template: JobTemplate
        let merklePath: Seq0_255<Bytes32>
        let coinbasePrefix: B0_64K
        let coinbaseSuffix: B0_64K
    }

    private var templates: [StoredTemplate?]
    private var templateSerial: UInt64 = 0
    private var currentSerial: UInt64?
    /// Increases with every new tip; a job of an older tip is stale.
    public private(set) var tipSerial: UInt64 = 0
    public private(set) var activeTip: BlockHash?
    private var nextJobID: UInt32 = 1
    private var nextChannelID: UInt32 = 1

    private var channels: [MiningChannel?] = []
    private var freeSlots: [Int] = []
    private var slots: [UInt32: Int] = [:]
    private var connections: [ConnectionID: [UInt32]] = [:]
    private var duplicates: DuplicateShareFilter
    /// All accepted shares of all channels.
    public private(set) var totalMeter: HashrateMeter

    public init(configuration: GatewayConfiguration, nowMs: Int64) {
        self.configuration = configuration
        gate = TemplateGate(mode: configuration.mode, staleHoldMs: configuration.staleHoldMs,
                            maxPending: configuration.maxPendingTemplates)
        allocator = ExtranonceAllocator(serverID: configuration.serverID, counterBytes: configuration.extranonceCounterBytes,
                                        totalSize: configuration.coinbaseLayout.extranonceSize)
        templates = Array(repeating: nil, count: 2 * max(1, configuration.jobsPerChannel) + 2)
        duplicates = DuplicateShareFilter(capacity: configuration.duplicateWindow)
        totalMeter = HashrateMeter(nowMs: nowMs)
    }

    // MARK: templates

    /// Turns a template into work with this gateway's payout and coinbase layout.
    public func prepare(_ template: BlockTemplate, templateID: String, receivedMs: Int64?) throws(Coinbase.Error) -> JobTemplate {
        try JobTemplate(template: template, templateID: templateID, payout: configuration.payout,
                        layout: configuration.coinbaseLayout, receivedMs: receivedMs)
    }

    /// The usual input: a template together with its verdict.
    ///
    /// `handoff`, on these four template entry points: receives a released template's jobs in
    /// runs of `fanoutRunChannels` channels while the rest are made; the return value is what
    /// follows the last run. Without it everything is returned at once.
    /// `blocksCannotBeValid`: the verdict shows any block from `t` would be invalid
    /// (`VerdictRecord.blocksCannotBeValid`); a stale-hold release then sends `t`'s tip with a
    /// coinbase-only job instead of `t`.
    public mutating func judgedTemplateArrived(_ t: JobTemplate, accepted: Bool, reasonCode: String?, blocksCannotBeValid: Bool = false,
                                               nowMs: Int64, handoff: GatewayActionHandoff? = nil) -> [GatewayAction] {
        apply(gate.judgedTemplateArrived(t, accepted: accepted, reasonCode: reasonCode, blocksCannotBeValid: blocksCannotBeValid,
                                         nowMs: nowMs), nowMs: nowMs, handoff: handoff)
    }

    /// A template whose verdict comes later (inline holds it; observe sends it at once).
    public mutating func templateArrived(_ t: JobTemplate, nowMs: Int64, handoff: GatewayActionHandoff? = nil) -> [GatewayAction] {
        apply(gate.templateArrived(t, nowMs: nowMs), nowMs: nowMs, handoff: handoff)
    }

    public mutating func verdictArrived(templateID: String, accepted: Bool, reasonCode: String?, blocksCannotBeValid: Bool = false,
                                        nowMs: Int64, handoff: GatewayActionHandoff? = nil) -> [GatewayAction] {
        apply(gate.verdictArrived(templateID: templateID, accepted: accepted, reasonCode: reasonCode,
                                  blocksCannotBeValid: blocksCannotBeValid, nowMs: nowMs),
              nowMs: nowMs, handoff: handoff)
    }

    /// Time passes: stale-hold expiry, and vardiff for channels that have gone quiet.
    /// Call it about once a second.
    public mutating func tick(nowMs: Int64, handoff: GatewayActionHandoff? = nil) -> [GatewayAction] {
        var actions = apply(gate.tick(nowMs: nowMs), nowMs: nowMs, handoff: handoff)
        guard configuration.vardiffEnabled else { return actions }
        for slot in channels.indices where channels[slot] != nil {
            if let d = channels[slot]!.vardiff.tick(nowMs: nowMs) {
                retarget(slot: slot, difficulty: d, into: &actions)
            }
        }
        return actions
    }

    private mutating func apply(_ decisions: [TemplateGate.Decision], nowMs: Int64, handoff: GatewayActionHandoff?) -> [GatewayAction] {
        var actions: [GatewayAction] = []
        for decision in decisions {
            switch decision {
            case .release(let t, let verdict, let override):
                release(t, verdict: verdict, override: override, nowMs: nowMs, handoff: handoff, into: &actions)
            case .withheld(let id, let reason):
                actions.append(.notice(TemplateNotice(kind: .withheld, templateID: id, reason: reason, accepted: false)))
            case .verdictObserved(let id, let accepted, let reason):
                actions.append(.notice(TemplateNotice(kind: .verdictObserved, templateID: id, reason: reason, accepted: accepted)))
            case .dropped(let id, let reason):
                actions.append(.notice(TemplateNotice(kind: .dropped, templateID: id, reason: reason, accepted: nil)))
            }
        }
        return actions
    }

    private mutating func release(_ released: JobTemplate, verdict: TemplateGate.Verdict, override: TemplateGate.Override?,
                                  nowMs: Int64, handoff: GatewayActionHandoff?, into actions: inout [GatewayAction]) {
        var t = released
        if override?.reason == .releasedCoinbaseOnly {
            // Cannot fail where the full template's coinbase did not: same height, aux and layout.
            if let bare = try? released.coinbaseOnly(subsidySat: configuration.network.subsidy(height: Int(released.height))) { t = bare }
        }
        let newTip = t.prevHash != activeTip
        if newTip {
            tipSerial += 1
            activeTip = t.prevHash
            duplicates.removeAll()       // every share of the old tip is stale from now on
        }
        templateSerial += 1
        // Cannot fail: the coinbase halves are far below 64 KiB and a branch has < 32 levels.
        let stored = StoredTemplate(serial: templateSerial, tipSerial: tipSerial, template: t,
                                    merklePath: (try? Seq0_255(t.merkleBranch.map(\.wire))) ?? [],
                                    coinbasePrefix: (try? B0_64K(t.coinbase.prefix)) ?? .empty,
                                    coinbaseSuffix: (try? B0_64K(t.coinbase.suffix)) ?? .empty)
        templates[Int(templateSerial % UInt64(templates.count))] = stored
        currentSerial = templateSerial
        if let override {
            actions.append(.record(.policyOverride(PolicyOverrideRecord(
                templateID: t.templateID, height: t.height, prevHash: t.prevHash.displayHex, reasonCode: override.reason.rawValue,
                verdictReasonCode: verdict.reasonCode,
                detail: overrideDetail(override.reason),
                heldMs: override.heldMs, ms: nowMs))))
        }
        let jobID = allocateJobID()
        // Run by run: each run's roots (on every core), its jobs, then the handoff, so the
        // shell writes one run while the core makes the next.
        let runLength = handoff == nil ? max(1, channels.count) : max(1, configuration.fanoutRunChannels)
        var count = 0
        var runStart = 0
        while runStart < channels.count {
            let run = runStart..<min(channels.count, runStart + runLength)
            // Read through a pointer: `channels[slot]?.kind` on the array copied each whole
            // channel (a retain and a release per field), three times per channel of a new tip.
            var openSlots: [Int] = []
            var standardSlots: [Int] = []
            var extranonces: [[UInt8]] = []
            openSlots.reserveCapacity(run.count)
            channels.withUnsafeBufferPointer { open in
                for slot in run {
                    guard let kind = open[slot]?.kind else { continue }
                    openSlots.append(slot)
                    if kind == .standard {
                        standardSlots.append(slot)
                        extranonces.append(open[slot]!.extranonce)
                    }
                }
            }
            let roots = StandardJobRoots.compute(t, extranonces: extranonces, workers: configuration.jobRootWorkers)
            var nextRoot = 0
            for slot in openSlots {
                var root: Bytes32?
                if nextRoot < standardSlots.count, standardSlots[nextRoot] == slot {
                    root = roots[nextRoot]
                    nextRoot += 1
                }
                issueJob(slot: slot, stored: stored, jobID: jobID, future: newTip, root: root, into: &actions)
                count += 1
            }
            runStart = run.upperBound
            if let handoff, runStart < channels.count, !actions.isEmpty {
                handoff(actions)
                actions.removeAll(keepingCapacity: true)
            }
        }
        actions.append(.record(.job(JobRecord(
            jobID: jobID, templateID: t.templateID, height: t.height, prevHash: t.prevHash.displayHex, future: newTip,
            channels: count, mode: configuration.mode.rawValue, verdict: verdict.name, reasonCode: verdict.reasonCode,
            policyOverride: override != nil, templateReceivedMs: t.receivedMs, issuedMs: nowMs,
            latencyMs: t.receivedMs.map { nowMs - $0 }))))
    }

    private func overrideDetail(_ reason: PolicyOverrideRecord.Reason) -> String {
        let hold = configuration.staleHoldMs
        switch reason {
        case .releasedRejected:
            return "no accepted template for the new tip within \(hold) ms; released the rejected one"
        case .releasedCoinbaseOnly:
            return "no accepted template for the new tip within \(hold) ms; the rejected one's transactions make any block invalid, so released its tip with a coinbase-only job"
        case .releasedUnverified:
            return "no verdict for the new tip's template within \(hold) ms; released it unverified"
        }
    }

    private mutating func allocateJobID() -> UInt32 {
        let id = nextJobID
        nextJobID = nextJobID == .max ? 1 : nextJobID + 1
        return id
    }

    private func stored(_ serial: UInt64) -> StoredTemplate? {
        guard let s = templates[Int(serial % UInt64(templates.count))], s.serial == serial else { return nil }
        return s
    }

    /// The template miners currently work on.
    public var currentTemplate: JobTemplate? { currentSerial.flatMap { stored($0)?.template } }

    /// Sends one job (and SetNewPrevHash when `future`) to a channel and remembers it there.
    /// `root`: the standard channel's merkle root when the caller already computed it.
    private mutating func issueJob(slot: Int, stored: StoredTemplate, jobID: UInt32, future: Bool, root precomputed: Bytes32? = nil,
                                   into actions: inout [GatewayAction]) {
        guard channels[slot] != nil else { return }
        // In place: copying a channel out (its worker, extranonce, job ring, meter) and back cost
        // a retain and a release per field for every channel of a new tip.
        Self.issueJob(to: &channels[slot]!, stored: stored, jobID: jobID, future: future, root: precomputed,
                      versionRolling: configuration.versionRollingMask != 0, into: &actions)
    }

    private static func issueJob(to channel: inout MiningChannel, stored: StoredTemplate, jobID: UInt32, future: Bool,
                                 root precomputed: Bytes32?, versionRolling: Bool, into actions: inout [GatewayAction]) {
        let t = stored.template
        let minNtime: UInt32? = future ? nil : t.minNtime
        var root = Bytes32.zero
        switch channel.kind {
        case .standard:
            root = precomputed ?? t.merkleRoot(extranonce: channel.extranonce).wire
            actions.append(.send(channel.connection, .newMiningJob(NewMiningJob(
                channelID: channel.id, jobID: jobID, minNtime: minNtime, version: t.version, merkleRoot: root))))
        case .extended:
            actions.append(.send(channel.connection, .newExtendedMiningJob(NewExtendedMiningJob(
                channelID: channel.id, jobID: jobID, minNtime: minNtime, version: t.version,
                versionRollingAllowed: versionRolling, merklePath: stored.merklePath,
                coinbaseTxPrefix: stored.coinbasePrefix, coinbaseTxSuffix: stored.coinbaseSuffix))))
        }
        if future {
            actions.append(.send(channel.connection, .setNewPrevHash(SetNewPrevHash(
                channelID: channel.id, jobID: jobID, prevHash: t.prevHash.wire, minNtime: t.minNtime, nbits: t.bits.rawValue))))
        }
        channel.remember(ChannelJob(
            jobID: jobID, tipSerial: stored.tipSerial, templateSerial: stored.serial, merkleRoot: root,
            target: channel.target, difficulty: channel.targetDifficulty, targetEpoch: channel.targetEpoch,
            version: t.version, minNtime: t.minNtime, prevHash: t.prevHash.wire, bits: t.bits.rawValue,
            networkTarget: t.networkTarget))
    }

    /// New difficulty for a channel: SetTarget, then a fresh job on the current template so it
    /// applies at once (SetTarget only affects jobs sent after it).
    private mutating func retarget(slot: Int, difficulty: Double, into actions: inout [GatewayAction]) {
        guard channels[slot] != nil else { return }
        channels[slot]!.setDifficulty(difficulty)
        let channel = channels[slot]!
        actions.append(.send(channel.connection, .setTarget(SetTarget(channelID: channel.id, maximumTarget: channel.target))))
        if let serial = currentSerial, let s = stored(serial), s.tipSerial == tipSerial {
            issueJob(slot: slot, stored: s, jobID: allocateJobID(), future: false, into: &actions)
        }
    }

    // MARK: channels

    /// OpenStandardMiningChannel: Success with the channel's target and extranonce prefix,
    /// then (when there is work) a future job and its SetNewPrevHash.
    public mutating func openStandardChannel(_ m: OpenStandardMiningChannel, connection: ConnectionID, peer: String? = nil,
                                             nowMs: Int64) -> [GatewayAction] {
        open(requestID: m.requestID, user: m.userIdentity, hashrate: m.nominalHashRate, maxTarget: m.maxTarget,
             minExtranonceSize: nil, connection: connection, peer: peer, nowMs: nowMs)
    }

    /// OpenExtendedMiningChannel: like a standard channel, but the miner rolls
    /// `totalSize − prefixSize` extranonce bytes itself (refused when it asks for more).
    public mutating func openExtendedChannel(_ m: OpenExtendedMiningChannel, connection: ConnectionID, peer: String? = nil,
                                             nowMs: Int64) -> [GatewayAction] {
        open(requestID: m.requestID, user: m.userIdentity, hashrate: m.nominalHashRate, maxTarget: m.maxTarget,
             minExtranonceSize: Int(m.minExtranonceSize), connection: connection, peer: peer, nowMs: nowMs)
    }

    private mutating func open(requestID: UInt32, user: Str0_255, hashrate: Float, maxTarget: Bytes32, minExtranonceSize: Int?,
                               connection: ConnectionID, peer: String?, nowMs: Int64) -> [GatewayAction] {
        func refuse(_ code: SV2ErrorCode) -> [GatewayAction] {
            [.send(connection, .openMiningChannelError(OpenMiningChannelError(requestID: requestID, errorCode: code)))]
        }
        guard connections[connection, default: []].count < configuration.maxChannelsPerConnection else {
            return refuse(.other("too-many-channels"))
        }
        guard hashrate.isFinite, hashrate >= 0 else { return refuse(.invalidNominalHashrate) }
        // The miner's max_target is the easiest target it takes; we may only go harder. That is
        // impossible when it is zero, or harder than the operator's maximum difficulty allows.
        guard maxTarget != .zero else { return refuse(.maxTargetOutOfRange) }
        if let ceiling = configuration.vardiff.maximumDifficulty,
           let hardest = ShareDifficulty.target(difficulty: ceiling)?.littleEndianBytes, maxTarget < hardest {
            return refuse(.maxTargetOutOfRange)
        }
        let kind: MiningChannel.Kind
        if let wanted = minExtranonceSize {
            guard wanted <= allocator.extendedExtranonceSize else { return refuse(.minExtranonceSizeTooLarge) }
            kind = .extended(extranonceSize: allocator.extendedExtranonceSize)
        } else {
            kind = .standard
        }
        guard let prefix = allocator.allocate() else { return refuse(.other("extranonce-space-exhausted")) }
        var id = nextChannelID
        while slots[id] != nil || id == 0 { id &+= 1 }
        nextChannelID = id &+ 1

        let floor = ShareDifficulty.difficulty(ofTarget: UInt256(littleEndian: maxTarget))
        let vardiff = Vardiff(configuration: configuration.vardiff, declaredHashrate: Double(hashrate),
                              floorDifficulty: floor, nowMs: nowMs)
        let extranonce = kind == .standard ? allocator.standardExtranonce(prefix: prefix) : prefix
        let channel = MiningChannel(
            id: id, connection: connection, kind: kind, worker: user.string, peer: peer, openedMs: nowMs,
            extranoncePrefix: prefix, extranonce: extranonce, declaredHashrate: Double(hashrate), maxTarget: maxTarget,
            vardiff: vardiff,
            bucket: TokenBucket(ratePerSecond: configuration.shareRateLimitPerSecond, burst: configuration.shareRateBurst, nowMs: nowMs),
            jobCapacity: configuration.jobsPerChannel)
        let slot: Int
        if let free = freeSlots.popLast() { slot = free; channels[slot] = channel } else { slot = channels.count; channels.append(channel) }
        slots[id] = slot
        connections[connection, default: []].append(id)

        var actions: [GatewayAction] = []
        // Cannot fail: the prefix is at most 32 bytes.
        let prefixField = (try? B0_32(extranonce)) ?? .empty
        switch kind {
        case .standard:
            actions.append(.send(connection, .openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess(
                requestID: requestID, channelID: id, target: channel.target, extranoncePrefix: prefixField, groupChannelID: 0))))
        case .extended(let size):
            actions.append(.send(connection, .openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess(
                requestID: requestID, channelID: id, target: channel.target, extranonceSize: UInt16(size),
                extranoncePrefix: prefixField, groupChannelID: 0))))
        }
        actions.append(.record(.channel(channelRecord(channel, event: .open, nowMs: nowMs))))
        if let serial = currentSerial, let s = stored(serial), s.tipSerial == tipSerial {
            // Mid-block: a future job and the SetNewPrevHash that activates it.
            issueJob(slot: slot, stored: s, jobID: allocateJobID(), future: true, into: &actions)
        }
        return actions
    }

    /// UpdateChannel: a new declared hashrate and/or maximum target. No reply when accepted;
    /// SetTarget (and a fresh job) when the current target is now easier than allowed.
    public mutating func updateChannel(_ m: UpdateChannel, connection: ConnectionID, nowMs: Int64) -> [GatewayAction] {
        guard let slot = slot(of: m.channelID, connection: connection) else {
            return [.send(connection, .updateChannelError(UpdateChannelError(channelID: m.channelID, errorCode: .invalidChannelID)))]
        }
        guard m.nominalHashRate.isFinite, m.nominalHashRate >= 0 else {
            return [.send(connection, .updateChannelError(UpdateChannelError(channelID: m.channelID, errorCode: .invalidNominalHashrate)))]
        }
        guard m.maximumTarget != .zero else {
            return [.send(connection, .updateChannelError(UpdateChannelError(channelID: m.channelID, errorCode: .maxTargetOutOfRange)))]
        }
        channels[slot]!.declaredHashrate = Double(m.nominalHashRate)
        channels[slot]!.maxTarget = m.maximumTarget
        let floor = ShareDifficulty.difficulty(ofTarget: UInt256(littleEndian: m.maximumTarget))
        var actions: [GatewayAction] = []
        let changed = channels[slot]!.vardiff.setFloor(difficulty: floor, nowMs: nowMs)
        if let d = changed ?? (m.maximumTarget < channels[slot]!.target ? channels[slot]!.vardiff.difficulty : nil) {
            retarget(slot: slot, difficulty: d, into: &actions)
        }
        return actions
    }

    /// CloseChannel from the miner.
    public mutating func closeChannel(_ m: CloseChannel, connection: ConnectionID, nowMs: Int64) -> [GatewayAction] {
        guard let slot = slot(of: m.channelID, connection: connection) else { return [] }
        return [remove(slot: slot, nowMs: nowMs, reason: "miner_closed")]
    }

    /// The connection is gone: close all its channels. `reason` goes into their close records.
    public mutating func connectionClosed(_ connection: ConnectionID, nowMs: Int64, reason: String = "disconnected") -> [GatewayAction] {
        let ids = connections.removeValue(forKey: connection) ?? []
        return ids.compactMap { id in slots[id].map { remove(slot: $0, nowMs: nowMs, reason: reason) } }
    }

    private mutating func remove(slot: Int, nowMs: Int64, reason: String) -> GatewayAction {
        let channel = channels[slot]!
        var record = channelRecord(channel, event: .close, nowMs: nowMs)
        record.closeReason = reason
        allocator.release(channel.extranoncePrefix)
        slots[channel.id] = nil
        connections[channel.connection]?.removeAll { $0 == channel.id }
        if connections[channel.connection]?.isEmpty == true { connections[channel.connection] = nil }
        channels[slot] = nil
        freeSlots.append(slot)
        return .record(.channel(record))
    }

    @inline(__always)
    private func slot(of channelID: UInt32, connection: ConnectionID) -> Int? {
        guard let slot = slots[channelID], let channel = channels[slot], channel.connection == connection else { return nil }
        return slot
    }

    /// Open channels.
    public var channelCount: Int { slots.count }

    /// The channels a connection has open.
    public func channelIDs(connection: ConnectionID) -> [UInt32] { connections[connection] ?? [] }

    /// What the status API shows per channel (`/channels`).
    public func status(nowMs: Int64) -> [GatewayChannelStatus] {
        channels.compactMap { c in
            c.map { c in
                let m = c.meter.hashrates(nowMs: nowMs)
                var byReason: [String: UInt64] = [:]
                for reason in ShareReason.allCases where c.rejectedByReason[reason.index] > 0 {
                    byReason[reason.rawValue] = UInt64(c.rejectedByReason[reason.index])
                }
                return GatewayChannelStatus(channelID: c.id, connectionID: c.connection, worker: c.worker, peer: c.peer,
                                            kind: c.kind.name, declaredHashrate: c.declaredHashrate, hashrate1m: m.oneMinute,
                                            hashrate5m: m.fiveMinutes, hashrate1h: m.oneHour, sharesAccepted: c.accepted,
                                            sharesRejected: c.rejected, rejectedByReason: byReason, difficulty: c.targetDifficulty,
                                            lastShareMs: c.lastShareMs, openedMs: c.openedMs)
            }
        }
    }

    /// A `channel` snapshot record for every open channel.
    public func snapshot(nowMs: Int64) -> [ChannelRecord] {
        channels.compactMap { $0.map { channelRecord($0, event: .snapshot, nowMs: nowMs) } }
    }

    /// Declared and measured hashrate of one channel (H/s), if it is open.
    public func hashrate(channelID: UInt32, nowMs: Int64) -> (declared: Double, oneMinute: Double, fiveMinutes: Double, oneHour: Double)? {
        guard let slot = slots[channelID], let c = channels[slot] else { return nil }
        let m = c.meter.hashrates(nowMs: nowMs)
        return (c.declaredHashrate, m.oneMinute, m.fiveMinutes, m.oneHour)
    }

    /// Declared (sum over open channels) and measured (all accepted shares) hashrate of the gateway.
    public func totalHashrate(nowMs: Int64) -> (declared: Double, oneMinute: Double, fiveMinutes: Double, oneHour: Double) {
        let declared = channels.reduce(0.0) { $0 + ($1?.declaredHashrate ?? 0) }
        let m = totalMeter.hashrates(nowMs: nowMs)
        return (declared, m.oneMinute, m.fiveMinutes, m.oneHour)
    }

    /// The current difficulty of a channel's next jobs.
    public func difficulty(channelID: UInt32) -> Double? {
        slots[channelID].flatMap { channels[$0]?.targetDifficulty }
    }

    /// The current share target of a channel (little-endian), for tests and the status API.
    public func target(channelID: UInt32) -> Bytes32? {
        slots[channelID].flatMap { channels[$0]?.target }
    }

    /// The worker name of a channel.
    public func worker(channelID: UInt32) -> String? {
        slots[channelID].flatMap { channels[$0]?.worker }
    }

    private func channelRecord(_ c: MiningChannel, event: ChannelRecord.Event, nowMs: Int64) -> ChannelRecord {
        let m = c.meter.hashrates(nowMs: nowMs)
        return ChannelRecord(event: event, channelID: c.id, connectionID: c.connection, worker: c.worker, peer: c.peer,
                             kind: c.kind.name, extranoncePrefix: Hex.encode(c.extranonce), extranonceSize: c.extranonceSizeForMiner,
                             declaredHashrate: c.declaredHashrate, hashrate1m: m.oneMinute, hashrate5m: m.fiveMinutes,
                             hashrate1h: m.oneHour, sharesAccepted: c.accepted, sharesRejected: c.rejected,
                             difficulty: c.targetDifficulty, target: UInt256(littleEndian: c.target).bigEndianHex,
                             openedMs: c.openedMs, ms: nowMs)
    }

    // MARK: shares

    /// SubmitSharesStandard. Checks, in order (the first failure is the reason): channel,
    /// rate limit, job, stale, version bits, ntime, target, duplicate.
    public mutating func submitStandard(_ s: SubmitSharesStandard, connection: ConnectionID, nowMs: Int64) -> ShareOutcome {
        var outcome = ShareOutcome(channelID: s.channelID, sequenceNumber: s.sequenceNumber, jobID: s.jobID, submittedMs: nowMs)
        guard let slot = slot(of: s.channelID, connection: connection), channels[slot]!.kind == .standard else {
            outcome.reason = .invalidChannelID
            return outcome
        }
        judge(slot: slot, jobID: s.jobID, nonce: s.nonce, ntime: s.ntime, version: s.version, minerExtranonce: nil,
              nowMs: nowMs, outcome: &outcome)
        return outcome
    }

    /// SubmitSharesExtended: as standard, plus the extranonce size check before the target
    /// (the merkle root is rebuilt from the coinbase with prefix ‖ the miner's extranonce).
    public mutating func submitExtended(_ s: SubmitSharesExtended, connection: ConnectionID, nowMs: Int64) -> ShareOutcome {
        var outcome = ShareOutcome(channelID: s.channelID, sequenceNumber: s.sequenceNumber, jobID: s.jobID, submittedMs: nowMs)
        guard let slot = slot(of: s.channelID, connection: connection), channels[slot]!.kind != .standard else {
            outcome.reason = .invalidChannelID
            return outcome
        }
        judge(slot: slot, jobID: s.jobID, nonce: s.nonce, ntime: s.ntime, version: s.version, minerExtranonce: s.extranonce.bytes,
              nowMs: nowMs, outcome: &outcome)
        return outcome
    }

    @inline(__always)
    private mutating func judge(slot: Int, jobID: UInt32, nonce: UInt32, ntime: UInt32, version: UInt32, minerExtranonce: [UInt8]?,
                                nowMs: Int64, outcome: inout ShareOutcome) {
        guard channels[slot]!.bucket.take(nowMs: nowMs) else { return reject(slot, .rateLimited, &outcome) }
        guard let job = channels[slot]!.job(jobID) else { return reject(slot, .invalidJobID, &outcome) }
        outcome.difficulty = job.difficulty
        guard job.tipSerial == tipSerial else { return reject(slot, .stale, &outcome) }
        guard (version ^ job.version) & ~configuration.versionRollingMask == 0 else {
            return reject(slot, .versionBitsOutsideMask, &outcome)
        }
        guard ntime >= job.minNtime, Int64(ntime) <= nowMs / 1000 + configuration.maxNtimeAheadSeconds else {
            return reject(slot, .ntimeOutOfRange, &outcome)
        }
        var merkleRoot = job.merkleRoot
        if let miner = minerExtranonce {
            guard miner.count == channels[slot]!.extranonceSizeForMiner else { return reject(slot, .badExtranonceSize, &outcome) }
            // The job is on the current tip, so its template is still stored.
            guard let s = stored(job.templateSerial) else { return reject(slot, .invalidJobID, &outcome) }
            merkleRoot = GatewayCore.extendedRoot(s.template, prefix: channels[slot]!.extranonce, miner: miner)
        }
        let hash = ShareHasher.hash(version: version, prevHash: job.prevHash, merkleRoot: merkleRoot, ntime: ntime,
                                    bits: job.bits, nonce: nonce)
        outcome.hash = BlockHash(wire: hash)
        let isBlock = !(job.networkTarget < hash)
        // A hash that meets the network target is always worth keeping, even against a share
        // target harder than it (possible only when the miner's max_target is below the network's).
        guard isBlock || !(job.target < hash) else { return reject(slot, .difficultyBelowTarget, &outcome) }
        guard duplicates.insert(hash) else { return reject(slot, .duplicate, &outcome) }

        if isBlock, let s = stored(job.templateSerial) {
            let extranonce = minerExtranonce.map { channels[slot]!.extranonce + $0 } ?? channels[slot]!.extranonce
            let block = s.template.block(extranonce: extranonce, version: version, ntime: ntime, nonce: nonce)
            outcome.block = BlockRecord(height: s.template.height, hash: block.hash.displayHex, prevHash: s.template.prevHash.displayHex,
                                        templateID: s.template.templateID, channelID: Int64(outcome.channelID),
                                        jobID: Int64(jobID), worker: channels[slot]!.worker, foundMs: nowMs, blockHex: block.hex)
        }
        outcome.templateID = stored(job.templateSerial)?.template.templateID
        channels[slot]!.accepted &+= 1
        channels[slot]!.lastShareMs = nowMs
        channels[slot]!.acceptedDifficulty += job.difficulty
        channels[slot]!.meter.add(difficulty: job.difficulty, nowMs: nowMs)
        totalMeter.add(difficulty: job.difficulty, nowMs: nowMs)
        if configuration.vardiffEnabled,
           let d = channels[slot]!.vardiff.shareAccepted(difficulty: job.difficulty,
                                                         atCurrent: job.targetEpoch == channels[slot]!.targetEpoch, nowMs: nowMs) {
            retarget(slot: slot, difficulty: d, into: &outcome.actions)
        }
    }

    @inline(__always)
    private mutating func reject(_ slot: Int, _ reason: ShareReason, _ outcome: inout ShareOutcome) {
        channels[slot]!.rejected &+= 1
        channels[slot]!.rejectedByReason[reason.index] &+= 1
        channels[slot]!.lastShareMs = outcome.submittedMs
        outcome.reason = reason
    }

    private static func extendedRoot(_ t: JobTemplate, prefix: [UInt8], miner: [UInt8]) -> Bytes32 {
        withUnsafeTemporaryAllocation(byteCount: prefix.count + miner.count, alignment: 1) { buffer in
            prefix.withUnsafeBytes { buffer.copyMemory(from: $0) }
            miner.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[prefix.count...]).copyMemory(from: $0) }
            return t.merkleRoot(extranonce: UnsafeRawBufferPointer(buffer)).wire
        }
    }

    // MARK: dispatch

    /// Any decoded message from a miner, as actions: replies, records, blocks. Shares become a
    /// SubmitShares response, a `share` record and, when one was found, a `block` record
    /// (first). Messages a miner should not send are ignored.
    public mutating func handle(_ message: SV2Message, connection: ConnectionID, peer: String? = nil, nowMs: Int64) -> [GatewayAction] {
        switch message {
        case .openStandardMiningChannel(let m): return openStandardChannel(m, connection: connection, peer: peer, nowMs: nowMs)
        case .openExtendedMiningChannel(let m): return openExtendedChannel(m, connection: connection, peer: peer, nowMs: nowMs)
        case .updateChannel(let m): return updateChannel(m, connection: connection, nowMs: nowMs)
        case .closeChannel(let m): return closeChannel(m, connection: connection, nowMs: nowMs)
        case .submitSharesStandard(let s):
            let worker = worker(channelID: s.channelID)
            let outcome = submitStandard(s, connection: connection, nowMs: nowMs)
            return shareActions(outcome, connection: connection,
                                record: outcome.record(worker: worker, nonce: s.nonce, ntime: s.ntime, version: s.version, extranonce: nil))
        case .submitSharesExtended(let s):
            let worker = worker(channelID: s.channelID)
            let outcome = submitExtended(s, connection: connection, nowMs: nowMs)
            return shareActions(outcome, connection: connection,
                                record: outcome.record(worker: worker, nonce: s.nonce, ntime: s.ntime, version: s.version,
                                                       extranonce: s.extranonce.bytes))
        default:
            return []
        }
    }

    private func shareActions(_ outcome: ShareOutcome, connection: ConnectionID, record: ShareRecord) -> [GatewayAction] {
        var actions: [GatewayAction] = []
        if let block = outcome.block { actions.append(.record(.block(block))) }
        actions.append(.send(connection, outcome.response))
        actions.append(.record(.share(record)))
        actions += outcome.actions
        return actions
    }
}
