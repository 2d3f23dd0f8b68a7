import Testing
@testable import RGKit

@Suite("Miner: the client session state machine")
struct MinerSessionTests {
    static let easy = UInt256(l0: .max, l1: .max, l2: .max, l3: 0x00ff_ffff_ffff_ffff).littleEndianBytes

    func sent(_ events: [MinerSession.Event]) -> [SV2Message] {
        events.compactMap { if case .send(let m) = $0 { m } else { nil } }
    }

    /// A session taken through setup and channel opening.
    func openSession(extended: Bool, prefix: [UInt8] = [0x00, 0x01, 0x02, 0x03], extranonceSize: UInt16 = 8) throws -> MinerSession {
        var session = MinerSession(configuration: .init(extended: extended, worker: "alice.rig1"))
        let setup = sent(session.start())
        guard case .setupConnection(let s) = setup.first else { Issue.record("no setup"); return session }
        #expect(s.miningFlags.contains(.requiresStandardJobs) == !extended)
        let open = sent(session.receive(.setupConnectionSuccess(SetupConnectionSuccess(flags: 0)), nowNs: 0))
        if extended {
            guard case .openExtendedMiningChannel(let o) = open.first else { Issue.record("no open: \(open)"); return session }
            #expect(o.userIdentity.string == "alice.rig1")
            _ = session.receive(.openExtendedMiningChannelSuccess(OpenExtendedMiningChannelSuccess(
                requestID: o.requestID, channelID: 5, target: Self.easy, extranonceSize: extranonceSize,
                extranoncePrefix: try B0_32(prefix), groupChannelID: 0)), nowNs: 0)
        } else {
            guard case .openStandardMiningChannel(let o) = open.first else { Issue.record("no open: \(open)"); return session }
            _ = session.receive(.openStandardMiningChannelSuccess(OpenStandardMiningChannelSuccess(
                requestID: o.requestID, channelID: 5, target: Self.easy, extranoncePrefix: try B0_32(prefix), groupChannelID: 0)), nowNs: 0)
        }
        #expect(session.phase == .mining)
        return session
    }

    @Test("extended channel on block 702,861: future job + SetNewPrevHash give work whose search finds the real block; the submit carries it")
    func extendedEndToEnd() throws {
        let f = try MinerFixtures.block702861()
        var session = try openSession(extended: true, prefix: f.extranoncePrefix, extranonceSize: UInt16(f.extranonce.count))
        let base: UInt32 = 0x2000_0004
        #expect(session.receive(.newExtendedMiningJob(NewExtendedMiningJob(
            channelID: 5, jobID: 11, minNtime: nil, version: base, versionRollingAllowed: true,
            merklePath: try Seq0_255(f.merklePath), coinbaseTxPrefix: try B0_64K(f.prefix),
            coinbaseTxSuffix: try B0_64K(f.suffix))), nowNs: 0) == [])
        #expect(session.work() == nil)                    // a future job waits for its tip
        // A target at the network's: the real block is the first share in the range.
        _ = session.receive(.setTarget(SetTarget(channelID: 5, maximumTarget: f.header.bits.target!)), nowNs: 0)
        #expect(session.receive(.setNewPrevHash(SetNewPrevHash(channelID: 5, jobID: 11, prevHash: f.header.prevBlockHash.wire,
                                                               minNtime: f.header.time, nbits: f.header.bits.rawValue)), nowNs: 0) == [.workChanged])
        var counter: UInt64 = 0
        for (i, b) in f.extranonce.enumerated() { counter |= UInt64(b) << (8 * UInt64(i)) }
        let work = try #require(session.work(extranonceCounter: counter))
        #expect(work.merkleRoot == f.header.merkleRoot.wire)
        #expect(work.extranonce == f.extranonce)
        #expect(work.target == f.header.bits.target!)
        let real = f.header.nonce
        guard case .found(let found, _) = NonceSearch.search(work, version: work.version(index: 0xffff),
                                                              nonces: (real - 100)...(real + 100)) else {
            Issue.record("not found"); return
        }
        let submitted = session.submit(found, work: work, nowNs: 1_000)
        let submit = try #require(submitted)
        guard case .submitSharesExtended(let s) = submit else { Issue.record("not extended: \(submit)"); return }
        #expect(s.channelID == 5 && s.jobID == 11 && s.nonce == real && s.ntime == f.header.time)
        #expect(s.version == UInt32(bitPattern: f.header.version))
        #expect(s.extranonce.bytes == f.extranonce)
        #expect(session.unanswered.first?.isBlock == true)
        let events = session.receive(.submitSharesSuccess(SubmitSharesSuccess(channelID: 5, lastSequenceNumber: s.sequenceNumber,
                                                                                newSubmitsAcceptedCount: 1, newSharesSum: 1)), nowNs: 4_000)
        guard case .results(let results) = events.first else { Issue.record("no result"); return }
        #expect(results.count == 1 && results[0].accepted && results[0].roundTripNs == 3_000)
        #expect(session.pendingCount == 0)
    }

    @Test("standard channel on block 100,000: the job's merkle root goes straight into the header")
    func standardEndToEnd() throws {
        let f = try MinerFixtures.block100000()
        var session = try openSession(extended: false)
        _ = session.receive(.setNewPrevHash(SetNewPrevHash(channelID: 5, jobID: 0, prevHash: f.header.prevBlockHash.wire,
                                                           minNtime: f.header.time - 10, nbits: f.header.bits.rawValue)), nowNs: 0)
        // A job with min_ntime is active at once on the current tip.
        #expect(session.receive(.newMiningJob(NewMiningJob(channelID: 5, jobID: 2, minNtime: f.header.time,
                                                           version: UInt32(bitPattern: f.header.version),
                                                           merkleRoot: f.header.merkleRoot.wire)), nowNs: 0) == [.workChanged])
        let work = try #require(session.work())
        #expect(work.header(version: work.version, nonce: f.header.nonce) == f.header)
        #expect(work.target == Self.easy)
    }

    @Test("a batched Success acknowledges every pending submit up to its sequence number; an Error rejects only its own")
    func batchedResults() throws {
        let f = try MinerFixtures.block100000()
        var session = try openSession(extended: false)
        _ = session.receive(.setNewPrevHash(SetNewPrevHash(channelID: 5, jobID: 0, prevHash: f.header.prevBlockHash.wire,
                                                           minNtime: 1, nbits: f.header.bits.rawValue)), nowNs: 0)
        _ = session.receive(.newMiningJob(NewMiningJob(channelID: 5, jobID: 2, minNtime: 1, version: 1, merkleRoot: .zero)), nowNs: 0)
        let work = try #require(session.work())
        for nonce in UInt32(0)..<4 {
            #expect(session.submit(.init(version: 1, nonce: nonce, hash: .zero), work: work, nowNs: 10) != nil)
        }
        let rejected = session.receive(.submitSharesError(SubmitSharesError(channelID: 5, sequenceNumber: 1, errorCode: .duplicateShare)), nowNs: 20)
        guard case .results(let r1) = rejected.first else { Issue.record("no error result"); return }
        #expect(r1.map(\.accepted) == [false] && r1[0].errorCode == "duplicate-share" && r1[0].submission.nonce == 1)
        let ok = session.receive(.submitSharesSuccess(SubmitSharesSuccess(channelID: 5, lastSequenceNumber: 2,
                                                                            newSubmitsAcceptedCount: 2, newSharesSum: 2)), nowNs: 30)
        guard case .results(let r2) = ok.first else { Issue.record("no success result"); return }
        #expect(r2.map(\.submission.nonce) == [0, 2])
        #expect(session.unanswered.map(\.nonce) == [3])
    }

    @Test("a new tip makes old work stale: its share is not submitted")
    func staleNotSubmitted() throws {
        var session = try openSession(extended: false)
        _ = session.receive(.setNewPrevHash(SetNewPrevHash(channelID: 5, jobID: 0, prevHash: .zero, minNtime: 1, nbits: 0x207fffff)), nowNs: 0)
        _ = session.receive(.newMiningJob(NewMiningJob(channelID: 5, jobID: 2, minNtime: 1, version: 1, merkleRoot: .zero)), nowNs: 0)
        let old = try #require(session.work())
        _ = session.receive(.newMiningJob(NewMiningJob(channelID: 5, jobID: 3, minNtime: nil, version: 1, merkleRoot: .zero)), nowNs: 0)
        _ = session.receive(.setNewPrevHash(SetNewPrevHash(channelID: 5, jobID: 3, prevHash: Bytes32(w0: 1, w1: 0, w2: 0, w3: 0),
                                                           minNtime: 2, nbits: 0x207fffff)), nowNs: 0)
        #expect(session.submit(.init(version: 1, nonce: 0, hash: .zero), work: old, nowNs: 0) == nil)
        #expect(session.work()?.jobID == 3)
        #expect(session.work()?.ntime == 2)
    }

    @Test("SetTarget applies to future jobs; an active job keeps the stricter of its own and the channel's")
    func targets() throws {
        var session = try openSession(extended: false)
        let harder = UInt256(l0: .max, l1: .max, l2: .max, l3: 0x0000_ffff_ffff_ffff).littleEndianBytes
        _ = session.receive(.newMiningJob(NewMiningJob(channelID: 5, jobID: 1, minNtime: nil, version: 1, merkleRoot: .zero)), nowNs: 0)
        _ = session.receive(.setTarget(SetTarget(channelID: 5, maximumTarget: harder)), nowNs: 0)
        _ = session.receive(.setNewPrevHash(SetNewPrevHash(channelID: 5, jobID: 1, prevHash: .zero, minNtime: 1, nbits: 0x207fffff)), nowNs: 0)
        #expect(session.work()?.target == harder)
        _ = session.receive(.setTarget(SetTarget(channelID: 5, maximumTarget: Self.easy)), nowNs: 0)
        #expect(session.work()?.target == harder)            // the active job was issued at the harder target
    }

    @Test("refusals and protocol violations close the session with a reason")
    func refusals() throws {
        var a = MinerSession(configuration: .init())
        _ = a.start()
        let e = a.receive(.setupConnectionError(SetupConnectionError(flags: 0, errorCode: .unsupportedProtocol)), nowNs: 0)
        #expect(e == [.closed("setup refused: unsupported-protocol")] && a.phase == .closed)
        var b = try openSession(extended: false)
        guard case .closed = b.receive(.openStandardMiningChannel(OpenStandardMiningChannel(
            requestID: 1, userIdentity: "", nominalHashRate: 0, maxTarget: .zero)), nowNs: 0).first else {
            Issue.record("a client message from the pool must close"); return
        }
        #expect(MinerSession.sequence(UInt32.max, isAtOrBefore: 2))
        #expect(!MinerSession.sequence(3, isAtOrBefore: 2))
    }
}
