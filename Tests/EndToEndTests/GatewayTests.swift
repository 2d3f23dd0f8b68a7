import Foundation
import Testing
@testable import RGKit

/// `rg-gate` end to end: the real binary on 127.0.0.1, real verdict records from `rg-feed demo |
/// rg-verify`, and a miner speaking real SV2 over Noise.
@Suite(.serialized) struct GatewayTests {
    static let easiest = Bytes32(w0: .max, w1: .max, w2: .max, w3: .max)

    @Test func aStandardChannelGetsWorkAndAnAcceptedShareIsInTheStoreBeforeItsSuccess() throws {
        let scratch = try ScratchDirectory()
        let db = scratch.path("rg.sqlite")
        let gate = try GateProcess(["--db", db, "--mode", "observe"], scratch: scratch)
        gate.send(lines: try GateVerdicts.make())
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        guard case .openStandardMiningChannelSuccess(let ok)? = try miner.openStandard() else { Issue.record("no channel"); return }
        #expect(ok.groupChannelID == 0 && ok.extranoncePrefix.bytes.first == 0)       // server id 0 leads
        for _ in 0..<5 {
            let answer = try #require(try miner.submit())
            #expect(answer.isShareSuccess, "\(answer)")
            // Acknowledged means committed: the row is there as soon as the Success is.
            let stored = try GatewayStore(RGDatabase(path: db, mode: .existing)).acceptedShareCount()
            #expect(stored >= 1)
        }
        try gate.waitFor("five share records") { $0.filter { $0["type"]?.string == "share" && $0["accepted"]?.bool == true }.count == 5 }
        #expect(try GatewayStore(RGDatabase(path: db, mode: .existing)).acceptedShareCount() == 5)
        let opened = gate.records(ofType: "channel").first
        #expect(opened?["event"]?.string == "open" && opened?["worker"]?.string == "alice.rig1")
        #expect(gate.stop() == 0)
    }

    @Test func kill9LosesNoAcknowledgedShare() throws {
        let scratch = try ScratchDirectory()
        let db = scratch.path("rg.sqlite")
        let gate = try GateProcess(["--db", db, "--mode", "observe"], scratch: scratch)
        gate.send(lines: try GateVerdicts.make())
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        var acknowledged = 0
        for _ in 0..<200 { if try miner.submit()?.isShareSuccess == true { acknowledged += 1 } }
        gate.signal(SIGKILL)
        gate.process.waitUntilExit()
        #expect(acknowledged == 200)
        #expect(try GatewayStore(RGDatabase(path: db, mode: .existing)).acceptedShareCount() >= Int64(acknowledged))
    }

    @Test func everyShareReasonCodeComesBackOverSV2() throws {
        let gate = try GateProcess(["--mode", "observe"])
        var verdicts = try GateVerdicts.make(count: 2)
        gate.send(verdicts.removeFirst())
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        let job = try #require(miner.activeJobID)

        #expect(try miner.submit(channelID: miner.channelID + 100)?.shareErrorCode == "invalid-channel-id")
        #expect(try miner.submit(jobID: job + 1000, nonce: 0, ntime: miner.prevMinNtime, version: miner.jobs[job]!.version)?.shareErrorCode == "invalid-job-id")
        #expect(try miner.submit(version: miner.jobs[job]!.version ^ 0x8000_0000)?.shareErrorCode == "invalid-non-rollable-version-bit")
        #expect(try miner.submit(ntime: miner.ntime(job) - 1)?.shareErrorCode == "invalid-share")
        #expect(try miner.submit(ntime: UInt32(time(nil)) + 100_000)?.shareErrorCode == "invalid-share")
        let n = miner.nonce(jobID: job, target: miner.target)
        #expect(try miner.submit(nonce: n)?.isShareSuccess == true)
        #expect(try miner.submit(nonce: n)?.shareErrorCode == "duplicate-share")
        // A new tip: the old job is stale.
        gate.send(verdicts.removeFirst())
        _ = try miner.next(until: { if case .setNewPrevHash = $0 { return true }; return false })
        let version = miner.jobs[job]!.version
        #expect(try miner.submit(jobID: job, nonce: n + 1, ntime: miner.prevMinNtime, version: version)?.shareErrorCode == "stale-share")
        let records = try gate.waitFor("seven share records") { $0.filter { $0["type"]?.string == "share" }.count >= 8 }
        let reasons = Set(records.filter { $0["type"]?.string == "share" }.compactMap { $0["reason_code"]?.string })
        #expect(reasons == ["share_invalid_channel_id", "share_invalid_job_id", "share_version_bits_outside_mask", "share_ntime_out_of_range",
                            "share_duplicate", "share_stale"])
        gate.stop()
    }

    @Test func difficultyBelowTargetRateLimitAndExtranonceSizeOverSV2() throws {
        // Difficulty 1 on mainnet-difficulty templates: a random header misses the target.
        let gate = try GateProcess(["--mode", "observe", "--min-difficulty", "1", "--default-difficulty", "1", "--share-rate-limit", "2"])
        gate.send(lines: try GateVerdicts.make())
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        let job = try #require(miner.activeJobID)
        let bad = miner.badNonce(jobID: job, target: miner.target)
        #expect(try miner.submit(nonce: bad)?.shareErrorCode == "difficulty-too-low")
        // Bucket of 2 × 2 = 4 shares; the first one above is spent, so three more pass the limit.
        var codes: [String?] = []
        for i in 0..<4 { codes.append(try miner.submit(nonce: bad &+ UInt32(i) &+ 1)?.shareErrorCode) }
        #expect(codes.last == "rate-limited", "\(codes)")

        // Extended channel: the miner must roll exactly extranonce_size bytes.
        let ext = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try ext.setup()
        try ext.send(.openExtendedMiningChannel(OpenExtendedMiningChannel(requestID: 2, userIdentity: try Str0_255("bob"), nominalHashRate: 0,
                                                                            maxTarget: Self.easiest, minExtranonceSize: 4)))
        guard case .openExtendedMiningChannelSuccess(let ok)? = try ext.next() else { Issue.record("no extended channel"); return }
        #expect(ok.extranonceSize == 11 && ok.extranoncePrefix.bytes.count == 5)      // 16 − (1 server id + 4 counter)
        _ = try ext.next(until: { if case .setNewPrevHash = $0 { return true }; return false })
        let ejob = try #require(ext.activeJobID)
        try ext.send(.submitSharesExtended(SubmitSharesExtended(channelID: ok.channelID, sequenceNumber: 1, jobID: ejob, nonce: 1,
                                                                ntime: ext.ntime(ejob), version: ext.jobs[ejob]!.version,
                                                                extranonce: try B0_32([1, 2, 3]))))
        let answer = try ext.next(until: { $0.shareErrorCode != nil || $0.isShareSuccess })
        #expect(answer?.shareErrorCode == "bad-extranonce-size")
        // Without --db a share is answered before its record is written: wait for the record.
        let expected: Set<String> = ["share_difficulty_below_target", "share_rate_limited", "share_bad_extranonce_size"]
        _ = try gate.waitFor("the three rejection records") { records in
            Set(records.filter { $0["type"]?.string == "share" }.compactMap { $0["reason_code"]?.string }).isSuperset(of: expected)
        }
        gate.stop()
    }

    @Test func aMalformedShareFrameClosesOnlyThatConnection() throws {
        let gate = try GateProcess(["--mode", "observe"])
        gate.send(lines: try GateVerdicts.make())
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        let good = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try good.setup()
        try good.openStandard()
        let bad = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try bad.setup()
        try bad.openStandard(user: "mallory")
        // SubmitSharesStandard (0x1a, channel bit set) with a 3-byte payload: undecodable.
        try bad.sendFrame(SV2Frame(msgType: SV2MessageType.submitSharesStandard.rawValue, isChannelMessage: true, payload: [1, 2, 3]))
        #expect(bad.closedByPeer())
        try gate.waitFor("mallory's channel close record") {
            $0.contains { $0["type"]?.string == "channel" && $0["event"]?.string == "close" && $0["worker"]?.string == "mallory"
                          && $0["close_reason"]?.string == "bad_input" }
        }
        for _ in 0..<3 { #expect(try good.submit()?.isShareSuccess == true) }
        // A share frame with trailing bytes names its channel: SubmitShares.Error, then the close.
        let trailing = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try trailing.setup()
        try trailing.openStandard(user: "trailing")
        var frame = SV2Message.submitSharesStandard(SubmitSharesStandard(channelID: trailing.channelID, sequenceNumber: 77, jobID: 1, nonce: 0,
                                                                         ntime: 0, version: 0)).frame
        frame.payload += [0xFF]
        try trailing.sendFrame(frame)
        let answer = try trailing.next(until: { $0.shareErrorCode != nil })
        #expect(answer?.shareErrorCode == "invalid-share")
        #expect(trailing.closedByPeer())
        // An oversized frame (larger than any message a miner may send) is refused from its header.
        let oversized = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try oversized.setup()
        try oversized.sendFrame(SV2Frame(msgType: SV2MessageType.submitSharesStandard.rawValue, isChannelMessage: true,
                                         payload: [UInt8](repeating: 1, count: 5_000)))
        #expect(oversized.closedByPeer())
        #expect(try good.submit()?.isShareSuccess == true)
        // Garbage that is not even a Noise frame: also only that connection.
        let garbage = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try garbage.sendRaw([UInt8](repeating: 0xAB, count: 100))
        #expect(garbage.closedByPeer())
        #expect(try good.submit()?.isShareSuccess == true)
        // A message only a server sends, and a channel open before SetupConnection.
        let confused = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try confused.send(.openStandardMiningChannel(OpenStandardMiningChannel(requestID: 1, userIdentity: try Str0_255("x"), nominalHashRate: 0,
                                                                                maxTarget: Self.easiest)))
        #expect(confused.closedByPeer())
        #expect(try good.submit()?.isShareSuccess == true)
        gate.stop()
    }

    @Test func aBlockFoundAtRegtestDifficultyIsAValidBlock() throws {
        let gate = try GateProcess(["--mode", "inline", "--coinbase-tag", "/e2e-tag/", "--server-id", "9"], network: "regtest")
        gate.send(lines: try GateVerdicts.make(network: "regtest", height: 500))
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        guard case .openStandardMiningChannelSuccess(let ok)? = try miner.openStandard() else { Issue.record("no channel"); return }
        #expect(ok.extranoncePrefix.bytes.first == 9)
        let job = try #require(miner.activeJobID)
        let networkTarget = try #require(CompactTarget(rawValue: miner.nbits).target)
        #expect(try miner.submit(nonce: miner.nonce(jobID: job, target: networkTarget))?.isShareSuccess == true)
        let records = try gate.waitFor("a block record") { !$0.filter { $0["type"]?.string == "block" }.isEmpty }
        let record = try BlockRecord(json: try #require(records.first { $0["type"]?.string == "block" }))
        let block = try Block(hex: String(decoding: record.blockHex, as: UTF8.self))
        #expect(block.hash.displayHex == record.hash && record.metadataMismatches.isEmpty)
        #expect(block.header.hasValidProofOfWork(powLimit: Network.regtest.powLimit))
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(block.bip34Height == 500 && record.height == 500)
        #expect(WitnessCommitment(coinbase: block.coinbase!) == WitnessCommitment(witnessRoot: block.computedWitnessRoot!))
        #expect(Hex.encode(block.coinbase!.inputs[0].scriptSig.bytes).contains(Hex.encode(Array("/e2e-tag/".utf8))))
        gate.stop()
    }
}
