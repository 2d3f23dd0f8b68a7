import Testing
@testable import RGKit

/// The gateway's records: fixed field order on encoding, and decode(encode(x)) == x.
@Suite struct GatewayRecordTests {
    static func decode<T>(_ bytes: [UInt8], _ make: (JSONValue) throws(JSONError) -> T) throws -> T {
        try make(try JSONDocument(bytes: bytes).root)
    }

    static func keys(_ bytes: [UInt8]) throws -> [String] {
        try JSONDocument(bytes: bytes).root.members.map { $0.0.string }
    }

    @Test func jobRecordRoundTripsInFieldOrder() throws {
        let r = JobRecord(jobID: 7, templateID: "00112233aabbccdd", height: 890_001, prevHash: String(repeating: "ab", count: 32),
                          future: true, channels: 12, mode: "inline", verdict: "rejected", reasonCode: "avg_fee_below_minimum",
                          policyOverride: true, templateReceivedMs: 1_764_072_000_000, issuedMs: 1_764_072_002_000, latencyMs: 2_000)
        let bytes = r.encoded()
        #expect(try Self.decode(bytes, JobRecord.init(json:)) == r)
        #expect(try Self.keys(bytes) == ["type", "job_id", "template_id", "height", "prev_hash", "future", "channels", "mode", "verdict",
                                          "reason_code", "policy_override", "template_received_ms", "issued_ms", "latency_ms"])
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("{\"type\":\"job\",\"job_id\":7,"))
    }

    @Test func shareRecordRoundTripsInFieldOrder() throws {
        let r = ShareRecord(channelID: 3, worker: "alice.rig1", jobID: 9, templateID: "t", sequenceNumber: 44, nonce: 0xdead_beef,
                            ntime: 1_764_072_000, version: 0x2000_2000, extranonce: "00ff", difficulty: 0.001, shareDifficulty: 0.0123,
                            accepted: false, reasonCode: ShareReason.difficultyBelowTarget.rawValue, hash: String(repeating: "0", count: 64),
                            block: false, submittedMs: 1_764_072_000_001)
        let bytes = r.encoded()
        #expect(try Self.decode(bytes, ShareRecord.init(json:)) == r)
        #expect(try Self.keys(bytes) == ["type", "channel_id", "worker", "job_id", "template_id", "sequence_number", "nonce", "ntime",
                                          "version", "extranonce", "difficulty", "share_difficulty", "accepted", "reason_code", "hash",
                                          "block", "submitted_ms"])
        var nulls = r
        nulls.worker = nil; nulls.templateID = nil; nulls.extranonce = nil; nulls.difficulty = nil; nulls.shareDifficulty = nil
        nulls.reasonCode = nil; nulls.hash = nil; nulls.accepted = true
        #expect(try Self.decode(nulls.encoded(), ShareRecord.init(json:)) == nulls)
    }

    @Test func channelRecordRoundTripsInFieldOrder() throws {
        let r = ChannelRecord(event: .snapshot, channelID: 5, connectionID: 77, worker: "w", peer: "10.0.0.2:5555", kind: "extended",
                              extranoncePrefix: "0700000005", extranonceSize: 11, declaredHashrate: 1.1e14, hashrate1m: 9.5e13,
                              hashrate5m: 1.05e14, hashrate1h: 1.2e14, sharesAccepted: 1234, sharesRejected: 5, difficulty: 25_000.5,
                              target: String(repeating: "0", count: 16) + String(repeating: "f", count: 48), openedMs: 1, ms: 2)
        let bytes = r.encoded()
        #expect(try Self.decode(bytes, ChannelRecord.init(json:)) == r)
        #expect(try Self.keys(bytes) == ["type", "event", "channel_id", "connection_id", "worker", "peer", "kind", "extranonce_prefix",
                                          "extranonce_size", "declared_hashrate", "hashrate_1m", "hashrate_5m", "hashrate_1h",
                                          "shares_accepted", "shares_rejected", "difficulty", "target", "opened_ms", "ms", "close_reason"])
    }

    @Test func blockRecordRoundTripsWithTheHexLast() throws {
        // A header (the decoder cross-checks hash and prev_hash against it) and one byte more.
        let header = BlockHeader(version: 0x2000_0000, prevBlockHash: BlockHash(wire: Bytes32(w0: 7, w1: 7, w2: 7, w3: 7)), merkleRoot: MerkleNode(wire: Bytes32(w0: 9, w1: 9, w2: 9, w3: 9)),
                                 time: 1_700_000_000, bits: CompactTarget(rawValue: 0x207f_ffff), nonce: 42)
        var w = ByteWriter(capacity: 81)
        header.encode(into: &w)
        w.writeU8(0)
        let hex = Array(Hex.encode(w.bytes).utf8)
        let r = BlockRecord(height: 500, hash: header.hash.displayHex, prevHash: header.prevBlockHash.displayHex, templateID: "abc",
                            channelID: 2, jobID: 3, worker: nil, foundMs: 9, blockHex: hex)
        let bytes = r.encoded()
        let back = try Self.decode(bytes, BlockRecord.init(json:))
        #expect(back == r && back.metadataMismatches.isEmpty)
        #expect(try Self.keys(bytes).last == "block_hex")
    }

    @Test func policyOverrideRecordRoundTrips() throws {
        let r = PolicyOverrideRecord(templateID: "t", height: 1, prevHash: "p", reasonCode: PolicyOverrideRecord.Reason.releasedRejected.rawValue,
                                     verdictReasonCode: "x", detail: "d \"quoted\"", heldMs: 2_000, ms: 3)
        let bytes = r.encoded()
        #expect(try Self.decode(bytes, PolicyOverrideRecord.init(json:)) == r)
        #expect(try Self.keys(bytes) == ["type", "template_id", "height", "prev_hash", "reason_code", "verdict_reason_code", "detail",
                                          "held_ms", "ms"])
        #expect(GatewayRecord.policyOverride(r).type == "policy_override")
    }

    /// Which rejections leave a block possible (the operator's preferences) and which do not (a
    /// consensus rule, or measured weight or sigop cost over Bitcoin's limit, whatever rule came first).
    @Test func aVerdictSaysWhenNoBlockFromItsTemplateCouldBeValid() {
        func verdict(_ code: String?, accepted: Bool = false, weight: Int64? = 1_122_000, sigops: Int64? = 2_000) -> VerdictRecord {
            var v = VerdictSamples.awkward
            v.accepted = accepted; v.reasonCode = code; v.weight = weight; v.sigops = sigops
            return v
        }
        for code in ["tx_data_mismatch", "duplicate_tx", "witness_commitment_mismatch", "template_weight_exceeded", "coinbase_value_mismatch"] {
            #expect(verdict(code).blocksCannotBeValid, "\(code)")
        }
        for code in ["avg_fee_below_minimum", "empty_template_rejected", "template_too_old", "tip_regressed", "weight_ratio_exceeded",
                     "sigops_budget_exceeded", "some_future_code"] {
            #expect(!verdict(code).blocksCannotBeValid, "\(code)")
        }
        #expect(verdict("weight_ratio_exceeded", weight: 4_111_200).blocksCannotBeValid)
        #expect(!verdict("weight_ratio_exceeded", weight: 4_000_000).blocksCannotBeValid)
        #expect(verdict("sigops_budget_exceeded", sigops: 97_200).blocksCannotBeValid)
        #expect(!verdict("sigops_budget_exceeded", sigops: 80_000).blocksCannotBeValid)
        #expect(!verdict(nil, accepted: true, weight: 4_111_200).blocksCannotBeValid)
        #expect(!verdict("avg_fee_below_minimum", weight: nil, sigops: nil).blocksCannotBeValid)
    }

    @Test func aShareOutcomeBecomesARecordWithItsReason() {
        var o = ShareOutcome(channelID: 1, sequenceNumber: 2, jobID: 3, submittedMs: 4)
        o.reason = .stale
        o.difficulty = 0.5
        let r = o.record(worker: "w", nonce: 5, ntime: 6, version: 7, extranonce: nil)
        #expect(!r.accepted && r.reasonCode == "share_stale" && r.hash == nil && r.shareDifficulty == nil && r.difficulty == 0.5)
        guard case .submitSharesError(let e) = o.response else { Issue.record("not an error"); return }
        #expect(e.errorCode.wire.string == "stale-share" && e.sequenceNumber == 2)
    }
}

@Suite struct DuplicateShareFilterTests {
    static func hash(_ i: UInt64) -> Bytes32 { SHA256Hash.hash256(withUnsafeBytes(of: i) { Array($0) }) }

    @Test func remembersUpToItsCapacityThenForgetsTheOldest() {
        var f = DuplicateShareFilter(capacity: 1000)
        for i in 0..<1000 { do { let got = f.insert(Self.hash(UInt64(i))); #expect(got) } }
        for i in 0..<1000 { do { let got = f.insert(Self.hash(UInt64(i))); #expect(!got) } }
        #expect(f.count == 1000)
        for i in 1000..<1500 { do { let got = f.insert(Self.hash(UInt64(i))); #expect(got) } }
        #expect(f.count == 1000)
        for i in 0..<500 { #expect(!f.contains(Self.hash(UInt64(i)))) }
        for i in 500..<1500 { #expect(f.contains(Self.hash(UInt64(i))), "lost \(i)") }
    }

    @Test func clearingForgetsEverything() {
        var f = DuplicateShareFilter(capacity: 64)
        for i in 0..<10 { _ = f.insert(Self.hash(UInt64(i))) }
        f.removeAll()
        #expect(f.count == 0)
        for i in 0..<10 { do { let got = f.insert(Self.hash(UInt64(i))); #expect(got) } }
        for i in 0..<200 { _ = f.insert(Self.hash(UInt64(i))) }
        f.removeAll()
        for i in 0..<200 { #expect(!f.contains(Self.hash(UInt64(i)))) }
    }

    /// Keys crafted to collide in the table (same home slot) survive deletions of their neighbours.
    @Test func backwardShiftDeletionKeepsProbeChains() {
        var f = DuplicateShareFilter(capacity: 8)                    // 16 slots
        let colliding = (0..<8).map { Bytes32(w0: 3 << 7 | UInt64($0 + 1) << 20, w1: 0, w2: 0, w3: 0) }   // same home slot
        for h in colliding { do { let got = f.insert(h); #expect(got) } }
        for i in 0..<8 {
            do { let got = f.insert(Bytes32(w0: 3 << 7 | UInt64(1000 + i) << 20, w1: 0, w2: 0, w3: 0)); #expect(got) }
            for h in colliding.dropFirst(i + 1) { #expect(f.contains(h)) }
        }
    }
}

@Suite struct ExtranonceAllocatorTests {
    @Test func prefixesLeadWithTheServerIDAndAreUnique() {
        var a = ExtranonceAllocator(serverID: 0xA5, counterBytes: 2, totalSize: 8)
        var seen = Set<[UInt8]>()
        for _ in 0..<1000 {
            let p = a.allocate()!
            #expect(p.count == 3 && p[0] == 0xA5)
            #expect(seen.insert(p).inserted)
        }
        #expect(a.extendedExtranonceSize == 5)
        #expect(a.standardExtranonce(prefix: [0xA5, 0, 1]) == [0xA5, 0, 1, 0, 0, 0, 0, 0])
    }

    @Test func exhaustionIsReportedAndReleasedValuesComeBack() {
        var a = ExtranonceAllocator(serverID: 1, counterBytes: 1, totalSize: 4)
        let all = (0..<256).map { _ in a.allocate()! }
        do { let got = a.allocate(); #expect(got == nil) }
        a.release(all[17])
        do { let got = a.allocate(); #expect(got == all[17]) }
    }

    @Test func aGatewayRefusesAnExtendedChannelAskingForTooMuchExtranonce() {
        var core = GatewayCore(configuration: GatewayFixtures.configuration(), nowMs: 0)
        let a = core.openExtendedChannel(OpenExtendedMiningChannel(requestID: 1, userIdentity: "x", nominalHashRate: 0,
                                                                   maxTarget: GatewayFixtures.easiest, minExtranonceSize: 12),
                                         connection: 1, nowMs: 0)
        guard case .send(_, .openMiningChannelError(let e)) = a.first else { Issue.record("\(a)"); return }
        #expect(e.errorCode == .minExtranonceSizeTooLarge)
    }
}
