import Testing
@testable import RGKit

/// SV2 §3.4 job lifecycle as the gateway drives it, and the inline/observe modes with the
/// stale-hold, all on simulated time.
@Suite struct JobLifecycleTests {
    static let now = GatewayFixtures.now

    /// A fresher template on the same tip: the same template minus its last transaction
    /// (coinbase value and commitment adjusted, a later curtime).
    static func refresh(_ t: BlockTemplate, seconds: Int64 = 30) -> BlockTemplate {
        var r = t
        let dropped = r.transactions.removeLast()
        r.coinbaseValue -= dropped.fee ?? 0
        r.defaultWitnessCommitment = nil                      // recomputed from the wtxids
        r.curTime += seconds
        return r
    }

    struct World {
        var core: GatewayCore
        var feed = GatewayFixtures.Feed(network: .mainnet, txs: 6)
        init(mode: TemplateGate.Mode, staleHoldMs: Int64 = 2_000) {
            var c = GatewayFixtures.configuration(mode: mode)
            c.staleHoldMs = staleHoldMs
            core = GatewayCore(configuration: c, nowMs: JobLifecycleTests.now)
        }
        mutating func template(_ ms: Int64) throws -> JobTemplate {
            let (id, t) = try feed.next(nowMs: ms)
            return try core.prepare(t, templateID: id, receivedMs: ms)
        }
        func prepare(_ t: BlockTemplate, id: String, _ ms: Int64) throws -> JobTemplate {
            try core.prepare(t, templateID: id, receivedMs: ms)
        }
    }

    @Test func aNewTipSendsAFutureJobThenTheSetNewPrevHashNamingIt() throws {
        var w = World(mode: .observe)
        var a = TestMiner(connection: 1), b = TestMiner(connection: 2)
        a.observe(w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now))
        b.observe(w.core.openStandardChannel(GatewayFixtures.openStandard(user: "bob"), connection: 2, nowMs: Self.now))
        let t = try w.template(Self.now)
        let actions = w.core.judgedTemplateArrived(t, accepted: true, reasonCode: nil, nowMs: Self.now + 3)
        for connection: ConnectionID in [1, 2] {
            let sent = actions.sentMessages.filter { $0.0 == connection }.map(\.1)
            #expect(sent.count == 2)
            guard case .newMiningJob(let job) = sent.first, case .setNewPrevHash(let snph) = sent.last else {
                Issue.record("expected NewMiningJob then SetNewPrevHash, got \(sent)"); continue
            }
            #expect(job.isFuture)
            #expect(snph.jobID == job.jobID)
            #expect(snph.prevHash == t.prevHash.wire && snph.nbits == t.bits.rawValue && snph.minNtime == t.minNtime)
        }
        a.observe(actions); b.observe(actions)
        // Each channel's merkle root commits to its own extranonce: different search spaces.
        #expect(a.extranoncePrefix != b.extranoncePrefix)
        #expect(a.extranoncePrefix.first == 7 && b.extranoncePrefix.first == 7)       // server id leads
        #expect(a.merkleRoot(a.activeJobID!) != b.merkleRoot(b.activeJobID!))
        #expect(a.merkleRoot(a.activeJobID!) == t.merkleRoot(extranonce: a.extranoncePrefix).wire)
        let record = try #require(actions.jobRecords.first)
        #expect(record.future && record.channels == 2 && record.templateID == t.templateID && record.latencyMs == 3)
        #expect(record.verdict == "accepted" && record.mode == "observe")
    }

    @Test func aFresherTemplateOnTheSameTipIsAJobWithMinNtimeAndOldJobsStayValid() throws {
        var w = World(mode: .observe)
        var m = TestMiner(connection: 1)
        m.observe(w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now))
        let (id, raw) = try w.feed.next(nowMs: Self.now)
        m.observe(w.core.judgedTemplateArrived(try w.prepare(raw, id: id, Self.now), accepted: true, reasonCode: nil, nowMs: Self.now))
        let first = m.validShare()
        let fresh = try w.prepare(Self.refresh(raw), id: id + "-r", Self.now + 30_000)
        let actions = w.core.judgedTemplateArrived(fresh, accepted: true, reasonCode: nil, nowMs: Self.now + 30_000)
        let sent = actions.sentMessages.map(\.1)
        #expect(sent.count == 1)
        guard case .newMiningJob(let job) = sent.first else { Issue.record("expected one NewMiningJob"); return }
        #expect(job.minNtime == fresh.minNtime && !job.isFuture)
        #expect(actions.jobRecords.first?.future == false)
        m.observe(actions)
        #expect(m.activeJobID == job.jobID && m.setNewPrevHashCount == 1)
        // Shares of both jobs are accepted: same tip.
        do { let got = w.core.submitStandard(first, connection: 1, nowMs: Self.now + 31_000); #expect(got.accepted) }
        do { let got = w.core.submitStandard(m.validShare(sequence: 2), connection: 1, nowMs: Self.now + 31_000); #expect(got.accepted) }
    }

    /// The reference gateway sent a channel opened after an intra-block refresh only a
    /// NewMiningJob, which strict miners cannot start on. Ours sends a future job and its
    /// SetNewPrevHash.
    @Test func aChannelOpenedMidBlockGetsAFutureJobAndItsSetNewPrevHash() throws {
        var w = World(mode: .observe)
        let (id, raw) = try w.feed.next(nowMs: Self.now)
        _ = w.core.judgedTemplateArrived(try w.prepare(raw, id: id, Self.now), accepted: true, reasonCode: nil, nowMs: Self.now)
        let fresh = try w.prepare(Self.refresh(raw), id: id + "-r", Self.now + 30_000)
        _ = w.core.judgedTemplateArrived(fresh, accepted: true, reasonCode: nil, nowMs: Self.now + 30_000)
        let actions = w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 5, nowMs: Self.now + 40_000)
        let sent = actions.sentMessages.map(\.1)
        #expect(sent.count == 3)
        guard case .openStandardMiningChannelSuccess = sent[0], case .newMiningJob(let job) = sent[1],
              case .setNewPrevHash(let p) = sent[2] else { Issue.record("got \(sent)"); return }
        #expect(job.isFuture && p.jobID == job.jobID && p.prevHash == fresh.prevHash.wire)
        var m = TestMiner(connection: 5)
        m.observe(actions)
        // The job is built on the refreshed template.
        #expect(m.merkleRoot(job.jobID) == fresh.merkleRoot(extranonce: m.extranoncePrefix).wire)
        do { let got = w.core.submitStandard(m.validShare(), connection: 5, nowMs: Self.now + 41_000); #expect(got.accepted) }
    }

    @Test func aChannelOpenedBeforeAnyTemplateGetsOnlyItsSuccessThenWorkLater() throws {
        var w = World(mode: .observe)
        let open = w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now)
        #expect(open.sentMessages.count == 1)
        let actions = w.core.judgedTemplateArrived(try w.template(Self.now), accepted: true, reasonCode: nil, nowMs: Self.now)
        #expect(actions.sentMessages.count == 2)
    }

    // MARK: modes

    @Test func observeSendsEveryTemplateAndRecordsTheVerdict() throws {
        var w = World(mode: .observe)
        _ = w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now)
        let rejected = try w.template(Self.now)
        let a1 = w.core.judgedTemplateArrived(rejected, accepted: false, reasonCode: "avg_fee_below_minimum", nowMs: Self.now)
        #expect(a1.sentMessages.count == 2)
        #expect(a1.jobRecords.first?.verdict == "rejected" && a1.jobRecords.first?.reasonCode == "avg_fee_below_minimum")
        // Template first, verdict later: the job goes out at once, the verdict is noted.
        let next = try w.template(Self.now + 1_000)
        let a2 = w.core.templateArrived(next, nowMs: Self.now + 1_000)
        #expect(a2.sentMessages.count == 2 && a2.jobRecords.first?.verdict == "pending")
        let a3 = w.core.verdictArrived(templateID: next.templateID, accepted: true, reasonCode: nil, nowMs: Self.now + 1_050)
        #expect(a3.sentMessages.isEmpty)
        #expect(a3 == [.notice(TemplateNotice(kind: .verdictObserved, templateID: next.templateID, reason: nil, accepted: true))])
    }

    @Test func inlineSendsOnlyAcceptedTemplatesAndKeepsMinersOnTheLastAcceptedJobOfTheTip() throws {
        var w = World(mode: .inline)
        var m = TestMiner(connection: 1)
        m.observe(w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now))
        let (id, raw) = try w.feed.next(nowMs: Self.now)
        m.observe(w.core.judgedTemplateArrived(try w.prepare(raw, id: id, Self.now), accepted: true, reasonCode: nil, nowMs: Self.now))
        let working = try #require(m.activeJobID)
        // A rejected refresh on the same tip: nothing is sent, ever (the old job is on the tip).
        let bad = try w.prepare(Self.refresh(raw), id: id + "-bad", Self.now + 30_000)
        let a = w.core.judgedTemplateArrived(bad, accepted: false, reasonCode: "total_fees_below_minimum", nowMs: Self.now + 30_000)
        #expect(a.sentMessages.isEmpty)
        #expect(a == [.notice(TemplateNotice(kind: .withheld, templateID: bad.templateID, reason: "total_fees_below_minimum", accepted: false))])
        do { let got = w.core.tick(nowMs: Self.now + 60_000); #expect(got.sentMessages.isEmpty) }
        #expect(m.activeJobID == working)
        do { let got = w.core.submitStandard(m.validShare(), connection: 1, nowMs: Self.now + 61_000); #expect(got.accepted) }
    }

    @Test func inlineNewTipWithAnAcceptedTemplateSwitchesAtOnce() throws {
        var w = World(mode: .inline)
        _ = w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now)
        _ = w.core.judgedTemplateArrived(try w.template(Self.now), accepted: true, reasonCode: nil, nowMs: Self.now)
        let next = try w.template(Self.now + 600_000)
        let a = w.core.judgedTemplateArrived(next, accepted: true, reasonCode: nil, nowMs: Self.now + 600_000)
        #expect(a.sentMessages.count == 2 && a.overrides.isEmpty)
        #expect(w.core.activeTip == next.prevHash)
    }

    /// Inline, new tip, its template rejected: the old jobs are stale, so after stale-hold the
    /// rejected template goes out with a policy_override record — and the gateway keeps running.
    @Test func inlineStaleHoldReleasesTheRejectedTemplateAfterTwoSeconds() throws {
        var w = World(mode: .inline)
        var m = TestMiner(connection: 1)
        m.observe(w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now))
        m.observe(w.core.judgedTemplateArrived(try w.template(Self.now), accepted: true, reasonCode: nil, nowMs: Self.now))
        let oldShare = m.validShare()
        let t0 = Self.now + 600_000
        let rejected = try w.template(t0)
        let a0 = w.core.judgedTemplateArrived(rejected, accepted: false, reasonCode: "avg_fee_below_minimum", nowMs: t0)
        #expect(a0.sentMessages.isEmpty)
        do { let got = w.core.tick(nowMs: t0 + 1_000); #expect(got.sentMessages.isEmpty) }
        do { let got = w.core.tick(nowMs: t0 + 1_999); #expect(got.sentMessages.isEmpty) }
        let a1 = w.core.tick(nowMs: t0 + 2_000)
        let override = try #require(a1.overrides.first)
        #expect(override.templateID == rejected.templateID && override.reasonCode == "stale_hold_released_rejected")
        #expect(override.verdictReasonCode == "avg_fee_below_minimum" && override.heldMs == 2_000)
        guard case .record(.policyOverride) = a1.first else { Issue.record("the override record comes first"); return }
        let sent = a1.sentMessages.map(\.1)
        guard sent.count == 2, case .newMiningJob(let j) = sent[0], case .setNewPrevHash(let p) = sent[1] else {
            Issue.record("expected a future job and SetNewPrevHash, got \(sent)"); return
        }
        #expect(j.isFuture && p.prevHash == rejected.prevHash.wire)
        let record = try #require(a1.jobRecords.first)
        #expect(record.policyOverride && record.verdict == "rejected" && record.future)
        m.observe(a1)
        do { let got = w.core.submitStandard(oldShare, connection: 1, nowMs: t0 + 2_100); #expect(got.reason == .stale) }
        do { let got = w.core.submitStandard(m.validShare(sequence: 2), connection: 1, nowMs: t0 + 2_100); #expect(got.accepted) }
        // Later ticks do nothing more; an accepted template for the tip replaces it normally.
        do { let got = w.core.tick(nowMs: t0 + 10_000); #expect(got.isEmpty) }
    }

    /// Inline: a miner working an accepted template's job, and the next tip's template ten
    /// minutes later (not yet given to the gateway).
    static func minerOnAnAcceptedJobThenANewTip() throws -> (World, TestMiner, JobTemplate, Int64) {
        var w = World(mode: .inline)
        var m = TestMiner(connection: 1)
        m.observe(w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now))
        m.observe(w.core.judgedTemplateArrived(try w.template(Self.now), accepted: true, reasonCode: nil, nowMs: Self.now))
        let t0 = Self.now + 600_000
        let rejected = try w.template(t0)
        return (w, m, rejected, t0)
    }

    /// Inline, new tip, its template rejected for a rule whose breach makes every block from it
    /// invalid: releasing it would trade a stale tip for blocks the node refuses, so after
    /// stale-hold the tip goes out as a coinbase-only job, and shares on it are judged on that job.
    @Test func inlineStaleHoldSendsTheTipAsACoinbaseOnlyJobWhenNoBlockFromTheRejectedTemplateCouldBeValid() throws {
        let (world, miner, rejected, t0) = try Self.minerOnAnAcceptedJobThenANewTip()
        var w = world, m = miner
        #expect(rejected.transactionCount > 0)
        let a0 = w.core.judgedTemplateArrived(rejected, accepted: false, reasonCode: "tx_data_mismatch", blocksCannotBeValid: true, nowMs: t0)
        #expect(a0.sentMessages.isEmpty)
        do { let got = w.core.tick(nowMs: t0 + 1_999); #expect(got.sentMessages.isEmpty) }
        let a1 = w.core.tick(nowMs: t0 + 2_000)
        let override = try #require(a1.overrides.first)
        #expect(override.templateID == rejected.templateID && override.reasonCode == "stale_hold_released_coinbase_only")
        #expect(override.verdictReasonCode == "tx_data_mismatch" && override.heldMs == 2_000)
        #expect(override.detail.contains("coinbase-only"))
        let sent = a1.sentMessages.map(\.1)
        guard sent.count == 2, case .newMiningJob(let j) = sent[0], case .setNewPrevHash(let p) = sent[1] else {
            Issue.record("expected a future job and SetNewPrevHash, got \(sent)"); return
        }
        #expect(j.isFuture && p.prevHash == rejected.prevHash.wire)
        let bare = try rejected.coinbaseOnly(subsidySat: Network.mainnet.subsidy(height: Int(rejected.height)))
        #expect(j.merkleRoot == bare.merkleRoot(extranonce: m.extranoncePrefix).wire)
        #expect(j.merkleRoot != rejected.merkleRoot(extranonce: m.extranoncePrefix).wire)
        let record = try #require(a1.jobRecords.first)
        #expect(record.policyOverride && record.verdict == "rejected" && record.templateID == rejected.templateID)
        m.observe(a1)
        do { let got = w.core.submitStandard(m.validShare(sequence: 2), connection: 1, nowMs: t0 + 2_100); #expect(got.accepted) }
    }

    /// The same rejection without that knowledge (an operator's preference): the template itself goes out.
    @Test func inlineStaleHoldReleasesThePreferenceRejectedTemplateWhole() throws {
        let (world, miner, rejected, t0) = try Self.minerOnAnAcceptedJobThenANewTip()
        var w = world
        let m = miner
        _ = w.core.judgedTemplateArrived(rejected, accepted: false, reasonCode: "weight_ratio_exceeded", blocksCannotBeValid: false, nowMs: t0)
        let a1 = w.core.tick(nowMs: t0 + 2_000)
        #expect(a1.overrides.first?.reasonCode == "stale_hold_released_rejected")
        guard case .newMiningJob(let j)? = a1.sentMessages.map(\.1).first else { Issue.record("no job"); return }
        #expect(j.merkleRoot == rejected.merkleRoot(extranonce: m.extranoncePrefix).wire)
    }

    @Test func inlineAnAcceptedTemplateWithinTheHoldWinsAndNoOverrideHappens() throws {
        var w = World(mode: .inline)
        _ = w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now)
        _ = w.core.judgedTemplateArrived(try w.template(Self.now), accepted: true, reasonCode: nil, nowMs: Self.now)
        let t0 = Self.now + 600_000
        let (id, raw) = try w.feed.next(nowMs: t0)
        _ = w.core.judgedTemplateArrived(try w.prepare(raw, id: id, t0), accepted: false, reasonCode: "x", nowMs: t0)
        let good = try w.prepare(Self.refresh(raw, seconds: 1), id: id + "-ok", t0 + 1_500)
        let a = w.core.judgedTemplateArrived(good, accepted: true, reasonCode: nil, nowMs: t0 + 1_500)
        #expect(a.sentMessages.count == 2 && a.overrides.isEmpty)
        do { let got = w.core.tick(nowMs: t0 + 5_000); #expect(got.isEmpty) }
    }

    @Test func inlineATemplateWithoutAVerdictIsHeldThenReleasedUnverified() throws {
        var w = World(mode: .inline, staleHoldMs: 2_000)
        _ = w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now)
        let first = try w.template(Self.now)
        do { let got = w.core.templateArrived(first, nowMs: Self.now); #expect(got.sentMessages.isEmpty) }
        // Its verdict arrives: released.
        do { let got = w.core.verdictArrived(templateID: first.templateID, accepted: true, reasonCode: nil, nowMs: Self.now + 40); #expect(got.sentMessages.count == 2) }
        // Next tip: the verifier says nothing; after stale-hold it goes out unverified.
        let t0 = Self.now + 600_000
        let silent = try w.template(t0)
        do { let got = w.core.templateArrived(silent, nowMs: t0); #expect(got.isEmpty) }
        let a = w.core.tick(nowMs: t0 + 2_000)
        #expect(a.overrides.first?.reasonCode == "stale_hold_released_unverified")
        #expect(a.jobRecords.first?.verdict == "pending")
        #expect(a.sentMessages.count == 2)
        // The late verdict finds nothing to release.
        let late = w.core.verdictArrived(templateID: silent.templateID, accepted: true, reasonCode: nil, nowMs: t0 + 2_500)
        #expect(late.sentMessages.isEmpty)
    }

    @Test func theDualPrevhashBufferHoldsAtMostTwoTemplates() throws {
        var gate = TemplateGate(mode: .inline, staleHoldMs: 2_000)
        var w = World(mode: .inline)
        let (id, raw) = try w.feed.next(nowMs: Self.now)
        let t1 = try w.prepare(raw, id: id + "-1", Self.now)
        let t2 = try w.prepare(Self.refresh(raw, seconds: 1), id: id + "-2", Self.now)
        let t3 = try w.prepare(Self.refresh(Self.refresh(raw, seconds: 2)), id: id + "-3", Self.now)
        do { let got = gate.templateArrived(t1, nowMs: Self.now); #expect(got.isEmpty) }
        do { let got = gate.templateArrived(t2, nowMs: Self.now + 1); #expect(got.isEmpty) }
        let evicted = gate.templateArrived(t3, nowMs: Self.now + 2)
        guard case .dropped(let gone, "evicted")? = evicted.first else { Issue.record("no eviction: \(evicted)"); return }
        #expect(gone == t1.templateID)
        #expect(gate.pending.map(\.templateID) == [t2.templateID, t3.templateID])
        // A verdict for the evicted one finds nothing.
        guard case .dropped(_, "unknown_template")? = gate.verdictArrived(templateID: t1.templateID, accepted: true, reasonCode: nil, nowMs: Self.now + 3).first else {
            Issue.record("expected unknown_template"); return
        }
        // A new tip supersedes both.
        let other = try w.template(Self.now + 10)
        let superseded = gate.templateArrived(other, nowMs: Self.now + 10)
        #expect(superseded.count == 2)
        #expect(gate.pending.map(\.templateID) == [other.templateID])
    }

    @Test func observeModeNeverHoldsAndNeverOverrides() throws {
        var w = World(mode: .observe)
        _ = w.core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: Self.now)
        for i in 0..<3 {
            let t = try w.template(Self.now + Int64(i) * 600_000)
            let a = w.core.judgedTemplateArrived(t, accepted: false, reasonCode: "r", nowMs: Self.now + Int64(i) * 600_000)
            #expect(a.sentMessages.count == 2 && a.overrides.isEmpty)
            do { let got = w.core.tick(nowMs: Self.now + Int64(i) * 600_000 + 5_000); #expect(got.isEmpty) }
        }
    }
}

extension GatewayAction: Equatable {
    public static func == (a: GatewayAction, b: GatewayAction) -> Bool {
        switch (a, b) {
        case (.send(let c1, let m1), .send(let c2, let m2)): c1 == c2 && m1 == m2
        case (.record(let r1), .record(let r2)): r1 == r2
        case (.notice(let n1), .notice(let n2)): n1 == n2
        default: false
        }
    }
}
