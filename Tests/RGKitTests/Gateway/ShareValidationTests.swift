import Testing
@testable import RGKit

/// Every share reason code, and the order of the checks (the first failing check wins).
@Suite struct ShareValidationTests {
    static let now = GatewayFixtures.now

    /// A mainnet-difficulty template (no share is a block) and one miner at difficulty 1e-9
    /// (about one hash in four meets the target, so grinding is instant).
    struct Setup {
        var core: GatewayCore
        var miner = TestMiner(connection: 1)
        var feed = GatewayFixtures.Feed(network: .mainnet, txs: 6)

        init(rateLimit: Double = 0, counterBytes: Int? = nil) throws {
            var config = GatewayFixtures.configuration(rateLimit: rateLimit)
            if let counterBytes { config.extranonceCounterBytes = counterBytes }
            core = GatewayCore(configuration: config, nowMs: ShareValidationTests.now)
            miner.observe(core.openStandardChannel(GatewayFixtures.openStandard(), connection: 1, nowMs: ShareValidationTests.now))
            try newTip()
        }

        mutating func newTip(at ms: Int64 = ShareValidationTests.now) throws {
            let (id, t) = try feed.next(nowMs: ms)
            let job = try core.prepare(t, templateID: id, receivedMs: ms)
            miner.observe(core.judgedTemplateArrived(job, accepted: true, reasonCode: nil, nowMs: ms))
        }

        mutating func submit(_ s: SubmitSharesStandard, connection: ConnectionID = 1, at ms: Int64 = ShareValidationTests.now + 1_000) -> ShareOutcome {
            core.submitStandard(s, connection: connection, nowMs: ms)
        }
    }

    @Test func aValidShareIsAcceptedAndAnsweredWithSuccess() throws {
        var s = try Setup()
        let share = s.miner.validShare()
        let outcome = s.submit(share)
        #expect(outcome.accepted)
        #expect(outcome.reason == nil)
        #expect(outcome.block == nil)
        #expect(outcome.hash?.wire == s.miner.hash(jobID: share.jobID, nonce: share.nonce, ntime: share.ntime, version: share.version))
        #expect(abs(outcome.difficulty - 1e-9) / 1e-9 < 1e-9)
        guard case .submitSharesSuccess(let ok) = outcome.response else { Issue.record("not a success"); return }
        #expect(ok.lastSequenceNumber == share.sequenceNumber && ok.newSubmitsAcceptedCount == 1)
    }

    @Test func unknownChannelAndAnotherConnectionsChannelAreInvalidChannelID() throws {
        var s = try Setup()
        var share = s.miner.validShare()
        do { let got = s.submit(share, connection: 2); #expect(got.reason == .invalidChannelID) }       // not this connection's channel
        share.channelID = 999
        let outcome = s.submit(share)
        #expect(outcome.reason == .invalidChannelID)
        guard case .submitSharesError(let e) = outcome.response else { Issue.record("no error"); return }
        #expect(e.errorCode == .invalidChannelID)
    }

    @Test func theTokenBucketRefusesAFlood() throws {
        var s = try Setup(rateLimit: 1)               // 1 share/s, burst 5
        var reasons: [ShareReason?] = []
        for i in 0..<7 { reasons.append(s.submit(s.miner.validShare(sequence: UInt32(i), start: UInt32(i) * 1000)).reason) }
        #expect(reasons.prefix(5).allSatisfy { $0 == nil })
        #expect(reasons[5] == .rateLimited && reasons[6] == .rateLimited)
        // Two seconds later two more tokens are there.
        do { let got = s.submit(s.miner.validShare(sequence: 9, start: 50_000), at: Self.now + 3_000); #expect(got.reason == nil) }
    }

    @Test func anUnknownJobIsInvalidJobID() throws {
        var s = try Setup()
        var share = s.miner.validShare()
        share.jobID = 4242
        do { let got = s.submit(share); #expect(got.reason == .invalidJobID) }
        #expect(ShareReason.invalidJobID.wireCode == .invalidJobID)
    }

    @Test func aJobOfThePreviousTipIsStale() throws {
        var s = try Setup()
        let old = s.miner.validShare()
        try s.newTip(at: Self.now + 500)
        do { let got = s.submit(old); #expect(got.reason == .stale) }
        #expect(ShareReason.stale.wireCode == .staleShare)
        // The new tip's job is fine.
        do { let got = s.submit(s.miner.validShare(sequence: 2)); #expect(got.accepted) }
    }

    @Test func versionBitsInsideTheMaskMayRollOthersMayNot() throws {
        var s = try Setup()
        let jobID = try #require(s.miner.activeJobID)
        let base = s.miner.jobs[jobID]!.version
        let ntime = s.miner.minNtime(jobID)
        for rolled in [base ^ 0x0000_2000, base ^ 0x1000_0000, base ^ 0x0000_0020] {       // BIP320 / BIP323 bits
            let n = s.miner.nonce(jobID: jobID, ntime: ntime, version: rolled)
            do { let got = s.submit(SubmitSharesStandard(channelID: s.miner.channelID, sequenceNumber: 1, jobID: jobID, nonce: n, ntime: ntime, version: rolled)); #expect(got.accepted) }
        }
        for bad in [base ^ 0x0000_0001, base ^ 0x2000_0000, base ^ 0x8000_0000] {
            let n = s.miner.nonce(jobID: jobID, ntime: ntime, version: bad)
            do { let got = s.submit(SubmitSharesStandard(channelID: s.miner.channelID, sequenceNumber: 1, jobID: jobID, nonce: n, ntime: ntime, version: bad)); #expect(got.reason
                    == .versionBitsOutsideMask) }
        }
        #expect(ShareReason.versionBitsOutsideMask.wireCode == .invalidNonRollableVersionBit)
    }

    @Test func ntimeBelowMinNtimeOrTooFarAheadIsOutOfRange() throws {
        var s = try Setup()
        let jobID = try #require(s.miner.activeJobID)
        let version = s.miner.jobs[jobID]!.version
        let minNtime = s.miner.minNtime(jobID)
        let at = Self.now + 1_000
        let limit = UInt32(at / 1000 + 7_000)
        for (ntime, ok) in [(minNtime - 1, false), (minNtime, true), (limit, true), (limit + 1, false)] {
            let n = s.miner.nonce(jobID: jobID, ntime: ntime, version: version)
            let r = s.submit(SubmitSharesStandard(channelID: s.miner.channelID, sequenceNumber: 1, jobID: jobID, nonce: n, ntime: ntime, version: version), at: at)
            #expect(ok ? r.accepted : r.reason == .ntimeOutOfRange, "ntime \(ntime)")
        }
    }

    @Test func aHashAboveTheTargetIsDifficultyBelowTarget() throws {
        var s = try Setup()
        let jobID = try #require(s.miner.activeJobID)
        let version = s.miner.jobs[jobID]!.version
        let ntime = s.miner.minNtime(jobID)
        let n = s.miner.nonce(jobID: jobID, ntime: ntime, version: version, failing: true)
        let r = s.submit(SubmitSharesStandard(channelID: s.miner.channelID, sequenceNumber: 1, jobID: jobID, nonce: n, ntime: ntime, version: version))
        #expect(r.reason == .difficultyBelowTarget)
        #expect(r.hash != nil)
        #expect(ShareReason.difficultyBelowTarget.wireCode == .difficultyTooLow)
    }

    @Test func theSameShareTwiceIsADuplicateUntilTheTipChanges() throws {
        var s = try Setup()
        let share = s.miner.validShare()
        do { let got = s.submit(share); #expect(got.accepted) }
        do { let got = s.submit(share); #expect(got.reason == .duplicate) }
        #expect(ShareReason.duplicate.wireCode == .duplicateShare)
    }

    /// The set is global: with a one-byte counter the allocator hands channel A's extranonce
    /// to a later channel B on another connection once A is closed, so B's job has the same
    /// merkle root and A's share, replayed on B, has the same header. It is caught.
    @Test func aShareReplayedOnAnotherConnectionIsADuplicate() throws {
        var s = try Setup(counterBytes: 1)
        let share = s.miner.validShare()
        do { let got = s.submit(share); #expect(got.accepted) }
        _ = s.core.connectionClosed(1, nowMs: Self.now + 2_000)
        var b = TestMiner(connection: 2)
        for i in 0..<256 {   // walk the one-byte counter round until A's prefix comes back
            var m = TestMiner(connection: 2)
            m.observe(s.core.openStandardChannel(GatewayFixtures.openStandard(requestID: UInt32(i)), connection: 2, nowMs: Self.now + 2_000))
            if m.extranoncePrefix == s.miner.extranoncePrefix { b = m; break }
            _ = s.core.closeChannel(CloseChannel(channelID: m.channelID, reasonCode: "bye"), connection: 2, nowMs: Self.now + 2_000)
        }
        let jobID = try #require(b.activeJobID)
        #expect(b.merkleRoot(jobID) == s.miner.merkleRoot(share.jobID))
        let replay = SubmitSharesStandard(channelID: b.channelID, sequenceNumber: 1, jobID: jobID, nonce: share.nonce,
                                          ntime: share.ntime, version: share.version)
        do { let got = s.core.submitStandard(replay, connection: 2, nowMs: Self.now + 3_000); #expect(got.reason == .duplicate) }
    }

    @Test func anExtendedShareNeedsTheChannelsExtranonceSize() throws {
        var s = try Setup()
        var m = TestMiner(connection: 3)
        m.observe(s.core.openExtendedChannel(OpenExtendedMiningChannel(requestID: 5, userIdentity: "bob", nominalHashRate: 0,
                                                                        maxTarget: GatewayFixtures.easiest, minExtranonceSize: 4),
                                             connection: 3, nowMs: Self.now))
        #expect(m.extranonceSize == 11 && m.extranoncePrefix.count == 5)
        let jobID = try #require(m.activeJobID)
        let job = try #require(m.jobs[jobID])
        let ntime = m.minNtime(jobID)
        let mine = [UInt8](repeating: 0x42, count: m.extranonceSize)
        let good = m.nonce(jobID: jobID, ntime: ntime, version: job.version, minerExtranonce: mine)
        func submit(_ extranonce: [UInt8], _ nonce: UInt32, seq: UInt32) -> ShareOutcome {
            s.core.submitExtended(SubmitSharesExtended(channelID: m.channelID, sequenceNumber: seq, jobID: jobID, nonce: nonce,
                                                        ntime: ntime, version: job.version, extranonce: try! B0_32(extranonce)),
                                  connection: 3, nowMs: Self.now + 1_000)
        }
        #expect(submit(Array(mine.dropLast()), good, seq: 1).reason == .badExtranonceSize)
        #expect(submit(mine + [0], good, seq: 2).reason == .badExtranonceSize)
        #expect(submit(mine, good, seq: 3).accepted)
        let bad = m.nonce(jobID: jobID, ntime: ntime, version: job.version, failing: true, minerExtranonce: mine)
        #expect(submit(mine, bad, seq: 4).reason == .difficultyBelowTarget)
        // A standard submit on an extended channel (and the reverse) is refused as invalid channel.
        do { let got = s.core.submitStandard(SubmitSharesStandard(channelID: m.channelID, sequenceNumber: 5, jobID: jobID, nonce: good,
                                                           ntime: ntime, version: job.version), connection: 3, nowMs: Self.now + 1_000); #expect(got.reason
                == .invalidChannelID) }
        #expect(ShareReason.badExtranonceSize.wireCode == .badExtranonceSize)
    }

    /// One share failing several checks at once gets the reason of the first check in order:
    /// channel, rate limit, job, stale, version, ntime, extranonce size, target, duplicate.
    @Test func theFirstFailingCheckWins() throws {
        var s = try Setup(rateLimit: 1)
        let jobID = try #require(s.miner.activeJobID)
        let version = s.miner.jobs[jobID]!.version
        let minNtime = s.miner.minNtime(jobID)
        let lowNonce = s.miner.nonce(jobID: jobID, ntime: minNtime - 1, version: version ^ 1, failing: true)
        func share(channel: UInt32? = nil, job: UInt32 = jobID, nonce: UInt32 = lowNonce, ntime: UInt32 = minNtime - 1,
                   version v: UInt32 = version ^ 1) -> SubmitSharesStandard {
            SubmitSharesStandard(channelID: channel ?? s.miner.channelID, sequenceNumber: 1, jobID: job, nonce: nonce, ntime: ntime, version: v)
        }
        // Everything wrong: unknown channel first.
        do { let got = s.submit(share(channel: 77, job: 4242)); #expect(got.reason == .invalidChannelID) }
        // Known channel, unknown job, bad version, bad ntime, low difficulty: job.
        do { let got = s.submit(share(job: 4242)); #expect(got.reason == .invalidJobID) }
        // Known job: version beats ntime and target.
        do { let got = s.submit(share()); #expect(got.reason == .versionBitsOutsideMask) }
        // Version fixed: ntime beats target.
        do { let got = s.submit(share(version: version)); #expect(got.reason == .ntimeOutOfRange) }
        // ntime fixed: target.
        let n = s.miner.nonce(jobID: jobID, ntime: minNtime, version: version, failing: true)
        do { let got = s.submit(share(nonce: n, ntime: minNtime, version: version)); #expect(got.reason == .difficultyBelowTarget) }
        do { let got = s.submit(share(job: 4242)); #expect(got.reason == .invalidJobID) }      // the fifth token
        // The bucket (burst 5) is empty now: rate limit beats job, version, ntime and target.
        do { let got = s.submit(share(job: 4242)); #expect(got.reason == .rateLimited) }
        do { let got = s.submit(share()); #expect(got.reason == .rateLimited) }
        // After a new tip (and time for tokens), the old job's share is stale before version/ntime/target.
        try s.newTip(at: Self.now + 10_000)
        do { let got = s.submit(share(), at: Self.now + 10_000); #expect(got.reason == .stale) }
        // A duplicate is only detected for a share that passed everything else.
        let good = s.miner.validShare()
        do { let got = s.submit(good, at: Self.now + 10_000); #expect(got.accepted) }
        do { let got = s.submit(good, at: Self.now + 10_000); #expect(got.reason == .duplicate) }
        var lowDup = good
        lowDup.nonce = s.miner.nonce(jobID: good.jobID, ntime: good.ntime, version: good.version, failing: true)
        do { let got = s.submit(lowDup, at: Self.now + 10_000); #expect(got.reason == .difficultyBelowTarget) }
    }

    @Test func everyReasonHasAWireCodeAndTheRawValuesAreTheContract() {
        #expect(ShareReason.allCases.map(\.rawValue) == [
            "share_invalid_channel_id", "share_rate_limited", "share_invalid_job_id", "share_stale",
            "share_version_bits_outside_mask", "share_ntime_out_of_range", "share_bad_extranonce_size",
            "share_difficulty_below_target", "share_duplicate",
        ])
        #expect(Set(ShareReason.allCases.map(\.wireCode.wire.string)).count == ShareReason.allCases.count)
    }

    @Test func aShareMeetingTheNetworkTargetBecomesAValidBlock() throws {
        var config = GatewayFixtures.configuration(network: .regtest, minimumDifficulty: 1e-9)
        config.coinbaseLayout = .standard(tag: "/rg/", extranonceSize: 16)
        var core = GatewayCore(configuration: config, nowMs: Self.now)
        var miner = TestMiner(connection: 9)
        miner.observe(core.openStandardChannel(GatewayFixtures.openStandard(), connection: 9, nowMs: Self.now))
        var feed = GatewayFixtures.Feed(network: .regtest, txs: 8, startHeight: 500)
        let (id, t) = try feed.next(nowMs: Self.now)
        miner.observe(core.judgedTemplateArrived(try core.prepare(t, templateID: id, receivedMs: Self.now), accepted: true, reasonCode: nil, nowMs: Self.now))
        let jobID = try #require(miner.activeJobID)
        let version = miner.jobs[jobID]!.version
        let ntime = miner.minNtime(jobID)
        let networkTarget = try #require(CompactTarget(rawValue: miner.nbits).target)
        let nonce = miner.nonce(jobID: jobID, ntime: ntime, version: version, target: networkTarget)
        let actions = core.handle(.submitSharesStandard(SubmitSharesStandard(channelID: miner.channelID, sequenceNumber: 3, jobID: jobID,
                                                                             nonce: nonce, ntime: ntime, version: version)),
                                  connection: 9, nowMs: Self.now + 1_000)
        let found = try #require(actions.blocks.first)
        guard case .record(.block) = actions.first else { Issue.record("the block record must come first"); return }
        #expect(found.height == 500 && found.templateID == id && found.channelID == Int64(miner.channelID) && found.worker == "alice.rig1")
        let block = try Block(hex: String(decoding: found.blockHex, as: UTF8.self))
        #expect(block.hash.displayHex == found.hash)
        #expect(block.header.hasValidProofOfWork(powLimit: Network.regtest.powLimit))
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(block.bip34Height == 500)
        #expect(WitnessCommitment(coinbase: block.coinbase!) == WitnessCommitment(witnessRoot: block.computedWitnessRoot!))
        #expect(block.header.merkleRoot.wire == miner.merkleRoot(jobID))
        let shareRecord = try #require(actions.records.compactMap { if case .share(let r) = $0 { return r }; return nil }.first)
        #expect(shareRecord.block && shareRecord.accepted && shareRecord.hash == found.hash)
    }
}
