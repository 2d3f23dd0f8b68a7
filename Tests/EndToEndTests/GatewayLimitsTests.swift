import Foundation
import Testing
@testable import RGKit

/// Every limit and setting `rg-gate` has is enforced: one test each, through the real binary.
@Suite(.serialized) struct GatewayLimitsTests {
    static let easiest = Bytes32(w0: .max, w1: .max, w2: .max, w3: .max)

    /// A gate with work (one accepted mainnet template) and the given flags.
    static func gateWithWork(_ flags: [String], network: String = "mainnet") throws -> GateProcess {
        let gate = try GateProcess(flags, network: network)
        gate.send(lines: try GateVerdicts.make(network: network))
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        return gate
    }

    @Test func theConnectionCapRefusesTheNextMiner() throws {
        let gate = try Self.gateWithWork(["--max-connections", "1"])
        let first = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try first.setup()
        #expect(throws: (any Error).self) { _ = try SV2TestMiner(port: gate.port, authority: gate.authorityKey) }
        try first.openStandard()
        #expect(try first.submit()?.isShareSuccess == true)
        gate.stop()
    }

    @Test func thePerAddressCapRefusesTheNextMinerFromTheSameAddress() throws {
        let gate = try Self.gateWithWork(["--max-connections-per-ip", "2"])
        let a = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        let b = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        #expect(throws: (any Error).self) { _ = try SV2TestMiner(port: gate.port, authority: gate.authorityKey) }
        try a.setup(); try b.setup()
        gate.stop()
    }

    @Test func aSilentPeerIsClosedAtTheHandshakeTimeout() throws {
        let gate = try Self.gateWithWork(["--handshake-timeout", "300ms"])
        let fd = try SV2TestMiner.connect(port: gate.port)
        defer { close(fd) }
        let started = Date()
        #expect(try SV2TestMiner.readSome(fd, seconds: 10) == [])          // EOF, not a timeout here
        #expect(Date().timeIntervalSince(started) < 9)
        gate.stop()
    }

    @Test func aConnectionWithoutAChannelIsClosedAtTheChannelOpenTimeout() throws {
        let gate = try Self.gateWithWork(["--channel-open-timeout", "300ms"])
        let idle = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try idle.setup()
        let busy = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try busy.setup()
        try busy.openStandard()
        #expect(idle.closedByPeer(seconds: 10))
        #expect(try busy.submit()?.isShareSuccess == true)                 // a channel opened in time stays
        gate.stop()
    }

    @Test func theChannelsPerConnectionLimitRefusesTheNextChannel() throws {
        let gate = try Self.gateWithWork(["--max-channels-per-connection", "1"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        guard case .openMiningChannelError(let e)? = try miner.openStandard(user: "second", waitForJob: false) else {
            Issue.record("a second channel was opened"); return
        }
        #expect(e.errorCode.wire.string == "too-many-channels")
        gate.stop()
    }

    @Test func certificatesAreValidForTheConfiguredTime() throws {
        let gate = try Self.gateWithWork(["--certificate-validity", "2h"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        #expect(miner.certificate.notValidAfterSeconds - miner.certificate.validFromSeconds == 7_200)
        gate.stop()
    }

    @Test func extranonceSizesAndTheServerIDShapeEveryPrefix() throws {
        let gate = try Self.gateWithWork(["--extranonce-size", "12", "--extranonce-prefix-size", "3", "--server-id", "200"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.send(.openExtendedMiningChannel(OpenExtendedMiningChannel(requestID: 1, userIdentity: try Str0_255("ext"), nominalHashRate: 0,
                                                                              maxTarget: Self.easiest, minExtranonceSize: 9)))
        guard case .openExtendedMiningChannelSuccess(let ok)? = try miner.next() else { Issue.record("no channel"); return }
        #expect(ok.extranonceSize == 9 && ok.extranoncePrefix.bytes.count == 3 && ok.extranoncePrefix.bytes[0] == 200)
        try miner.send(.openExtendedMiningChannel(OpenExtendedMiningChannel(requestID: 2, userIdentity: try Str0_255("ext"), nominalHashRate: 0,
                                                                              maxTarget: Self.easiest, minExtranonceSize: 10)))
        let refused = try miner.next(until: { if case .openMiningChannelError = $0 { return true }; return false })
        guard case .openMiningChannelError(let e)? = refused else { Issue.record("no refusal"); return }
        #expect(e.errorCode.wire.string == "min-extranonce-size-too-large")
        gate.stop()
    }

    @Test func theDefaultDifficultyIsTheOpeningTargetAndTheMinimumBoundsIt() throws {
        let gate = try Self.gateWithWork(["--default-difficulty", "0.5", "--min-difficulty", "0.25"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        #expect(miner.target == ShareDifficulty.target(difficulty: 0.5)!.littleEndianBytes)
        // A declared hashrate that would ask for less than the minimum gets the minimum.
        let small = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try small.setup()
        try small.openStandard(hashrate: 1)
        #expect(small.target == ShareDifficulty.target(difficulty: 0.25)!.littleEndianBytes)
        gate.stop()
    }

    @Test func vardiffRaisesTheDifficultyOfAMinerFarAboveTheTargetRate() throws {
        let gate = try Self.gateWithWork(["--vardiff-rate", "18"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        let before = miner.target
        // Forty shares in about two seconds is ~1,200/min against a target of 18.
        for _ in 0..<40 {
            _ = try miner.submit()
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(miner.received.contains { if case .setTarget = $0 { return true }; return false })
        #expect(miner.target < before)
        gate.stop()
    }

    @Test func vardiffNeverGoesAboveTheMaximumDifficulty() throws {
        let gate = try Self.gateWithWork(["--vardiff-rate", "18", "--max-difficulty", "2e-9"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        for _ in 0..<40 {
            _ = try miner.submit()
            Thread.sleep(forTimeInterval: 0.05)
        }
        let ceiling = ShareDifficulty.target(difficulty: 2e-9)!.littleEndianBytes
        #expect(miner.received.contains { if case .setTarget = $0 { return true }; return false })
        #expect(!(miner.target < ceiling), "the target went harder than --max-difficulty")
        gate.stop()
    }

    @Test func channelSnapshotsAreWrittenAtTheSnapshotInterval() throws {
        let gate = try Self.gateWithWork(["--snapshot-interval", "200ms"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        #expect(try miner.submit()?.isShareSuccess == true)
        try gate.waitFor("two snapshots") {
            $0.filter { $0["type"]?.string == "channel" && $0["event"]?.string == "snapshot" && $0["shares_accepted"]?.int64 == 1 }.count >= 2
        }
        gate.stop()
    }

    @Test func anOversizedInputLineIsSkippedAndTheNextOneServed() throws {
        let gate = try GateProcess(["--max-line-bytes", "1000", "--mode", "observe"])
        let verdicts = try GateVerdicts.make()
        #expect(verdicts[0].count > 1000)
        gate.send([UInt8](repeating: 0x20, count: 5_000))              // too long, skipped
        gate.send(Array(#"{"type":"note","text":"passes through"}"#.utf8))
        try gate.waitFor("the pass-through record") { $0.contains { $0["type"]?.string == "note" } }
        #expect(Eventually.holds { gate.stderr.contains("line_too_long") })
        gate.stop()
    }

    @Test func badSettingsAreUsageErrorsNamingTheFlag() throws {
        let scratch = try ScratchDirectory()
        let key = scratch.path("k")
        #expect(try Tool.run("rg-gate", ["keygen", "--output", key]).status == 0)
        let base = ["--authority-key", key, "--listen", "127.0.0.1:0", "--http-listen", "off"]
        let cases: [([String], String)] = [
            (["--network", "regtest", "--payout", "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv"], "--payout"),
            (["--payout", "raw:zz"], "--payout"),
            (["--payout", "raw:51", "--extranonce-size", "40"], "--extranonce-size"),
            (["--payout", "raw:51", "--server-id", "256"], "--server-id"),
            (["--payout", "raw:51", "--mode", "sometimes"], "--mode"),
            (["--payout", "raw:51", "--min-difficulty", "0"], "--min-difficulty"),
            (["--payout", "raw:51", "--coinbase-tag", String(repeating: "x", count: 65)], "--coinbase-tag"),
            (["--payout", "raw:51", "--listen", "0.0.0.0:0"], "--listen"),
            (["--payout", "raw:51", "--stale-hold", "soon"], "--stale-hold"),
            (["--payout", "raw:51", "--authority-key", scratch.path("missing")], "--authority-key"),
        ]
        for (flags, named) in cases {
            let r = try Tool.run("rg-gate", base + flags)
            #expect(r.status == 2, "\(flags): \(r.err)")
            #expect(r.err.contains(named), "\(flags): \(r.err)")
        }
    }

    @Test func httpHealthReadinessChannelsAndMetrics() throws {
        let gate = try GateProcess(["--mode", "observe"])
        let http = CookieSession(base: "http://127.0.0.1:\(gate.httpPort)")
        #expect(try http.get("/healthz").status == 200)
        #expect(try http.get("/readyz").status == 503)                     // no job yet
        gate.send(lines: try GateVerdicts.make())
        try gate.waitFor("a job") { !$0.filter { $0["type"]?.string == "job" }.isEmpty }
        #expect(try http.get("/readyz").status == 200)
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard(hashrate: 1e6)
        #expect(try miner.submit()?.isShareSuccess == true)
        _ = try miner.submit(channelID: 999)
        let channels = try http.get("/channels").body
        #expect(channels.contains("\"worker\":\"alice.rig1\"") && channels.contains("\"shares_accepted\":1"))
        #expect(channels.contains("share_invalid_channel_id") == false)     // that share had no channel of its own
        #expect(channels.contains("\"declared_hashrate\":1000000"))
        let metrics = try http.get("/metrics").body
        #expect(metrics.contains("rg_gate_shares_total{result=\"accepted\",reason_code=\"ok\"} 1"))
        #expect(metrics.contains("rg_gate_shares_total{result=\"rejected\",reason_code=\"share_invalid_channel_id\"} 1"))
        #expect(metrics.contains("rg_gate_channels 1"))
        gate.stop()
    }

    @Test func sigtermClosesEveryChannelCleanlyAndExitsZero() throws {
        let gate = try Self.gateWithWork([])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard()
        gate.signal(SIGTERM)
        let closing = try miner.next(until: { if case .closeChannel = $0 { return true }; return false })
        guard case .closeChannel(let c)? = closing else { Issue.record("no CloseChannel"); return }
        #expect(c.channelID == miner.channelID)
        #expect(miner.closedByPeer())
        gate.process.waitUntilExit()
        #expect(gate.process.terminationStatus == 0)
        #expect(gate.records(ofType: "channel").contains { $0["event"]?.string == "close" && $0["close_reason"]?.string == "gateway_shutdown" })
    }

    @Test func sighupReloadsTheAuthorityKeyForNewHandshakes() throws {
        let gate = try Self.gateWithWork([])
        let oldKey = gate.authorityKey
        let staying = try SV2TestMiner(port: gate.port, authority: oldKey)
        try staying.setup()
        try staying.openStandard()
        // Replace the key file and reload.
        let next = gate.scratch.path("next.key")
        #expect(try Tool.run("rg-gate", ["keygen", "--output", next]).status == 0)
        try FileManager.default.removeItem(atPath: gate.keyPath)
        try FileManager.default.moveItem(atPath: next, toPath: gate.keyPath)
        let newKey = gate.authorityKey
        gate.signal(SIGHUP)
        try gate.waitFor("the reload") { _ in gate.stderr.contains("authority key reloaded") }
        #expect(throws: (any Error).self) { _ = try SV2TestMiner(port: gate.port, authority: oldKey) }
        let fresh = try SV2TestMiner(port: gate.port, authority: newKey)
        try fresh.setup()
        #expect(try staying.submit()?.isShareSuccess == true)                // existing sessions continue
        gate.stop()
    }

    @Test func inlineReleasesARejectedTipAfterTheStaleHoldWithAPolicyOverride() throws {
        let gate = try GateProcess(["--mode", "inline", "--stale-hold", "300ms"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard(waitForJob: false)
        let rejected = try GateVerdicts.make(scenario: "low_fees")
        #expect(rejected.allSatisfy { !GateVerdicts.accepted($0) })
        gate.send(lines: rejected)
        // Nothing goes out at once; after the hold the rejected template is released, flagged.
        let records = try gate.waitFor("a policy_override") { !$0.filter { $0["type"]?.string == "policy_override" }.isEmpty }
        let override = try #require(records.first { $0["type"]?.string == "policy_override" })
        #expect(override["reason_code"]?.string == "stale_hold_released_rejected")
        #expect((override["held_ms"]?.int64 ?? 0) >= 300)
        let job = try #require(records.first { $0["type"]?.string == "job" })
        #expect(job["policy_override"]?.bool == true && job["verdict"]?.string == "rejected")
        _ = try miner.next(until: { if case .setNewPrevHash = $0 { return true }; return false })
        #expect(try miner.submit()?.isShareSuccess == true)
        gate.stop()
    }

    /// A tampered template (a transaction's data does not hash to its txid) cannot make a valid
    /// block: after the hold only its tip goes out, as a coinbase-only job, and shares on it count.
    @Test func inlineSendsATipWhoseTemplateCannotMakeAValidBlockAsACoinbaseOnlyJob() throws {
        let gate = try GateProcess(["--mode", "inline", "--stale-hold", "300ms"])
        let miner = try SV2TestMiner(port: gate.port, authority: gate.authorityKey)
        try miner.setup()
        try miner.openStandard(waitForJob: false)
        let rejected = try GateVerdicts.make(scenario: "tampered")
        #expect(rejected.allSatisfy { !GateVerdicts.accepted($0) })
        #expect(rejected.allSatisfy { GateVerdicts.reasonCode($0) == "tx_data_mismatch" })
        gate.send(lines: rejected)
        let records = try gate.waitFor("a policy_override") { !$0.filter { $0["type"]?.string == "policy_override" }.isEmpty }
        let override = try #require(records.first { $0["type"]?.string == "policy_override" })
        #expect(override["reason_code"]?.string == "stale_hold_released_coinbase_only")
        #expect(override["verdict_reason_code"]?.string == "tx_data_mismatch")
        let job = try #require(records.first { $0["type"]?.string == "job" })
        #expect(job["policy_override"]?.bool == true && job["verdict"]?.string == "rejected")
        _ = try miner.next(until: { if case .setNewPrevHash = $0 { return true }; return false })
        #expect(try miner.submit()?.isShareSuccess == true)
        gate.stop()
    }
}
