import Histogram
import Testing
@testable import RGKit

@Suite("Miner: share and swarm records")
struct MinerRecordTests {
    @Test("every SV2 share error maps back to its gateway reason code; an unknown string is kept")
    func reasonCodes() {
        for reason in ShareReason.allCases {
            #expect(ShareRecord.reasonCode(wireCode: reason.wireCode.description) == reason.rawValue)
        }
        #expect(ShareRecord.reasonCode(wireCode: "some-other-pool-code") == "some-other-pool-code")
    }

    @Test("a rejected extended share becomes the gateway's share record shape, read back by its parser")
    func shareRecordRoundTrip() throws {
        let submission = MinerSession.Submission(
            channelID: 9, sequenceNumber: 4, jobID: 2, nonce: 77, ntime: 1_700_000_000, version: 0x2000_2000, extranonce: [1, 2, 3],
            hash: try BlockHash(displayHex: "00000000000000000002c4e40000000000000000000000000000000000000001"),
            target: ShareDifficulty.target(difficulty: UInt64(1))!.littleEndianBytes, isBlock: false, sentNs: 10)
        let result = MinerSession.ShareResult(submission: submission, accepted: false, errorCode: "stale-share", answeredNs: 20)
        let record = ShareRecord(result: result, worker: "w", submittedMs: 5)
        let parsed = try ShareRecord(json: try JSONDocument(bytes: record.encoded()).root)
        #expect(parsed == record)
        #expect(parsed.reasonCode == "share_stale" && parsed.extranonce == "010203" && parsed.difficulty == 1 && !parsed.accepted)
        #expect(parsed.templateID == nil && parsed.hash == "00000000000000000002c4e40000000000000000000000000000000000000001")
    }

    @Test("the swarm record carries percentiles, counts and per-tip fan-out")
    func swarmRecord() throws {
        var rtt = Histogram<UInt64>(highestTrackableValue: 600_000_000)
        for v in 1...100 { _ = rtt.record(UInt64(v) * 10) }
        let report = SwarmReport(connections: 3, channelsOpened: 2, connectFailures: 1, failureSamples: ["refused"], handshakeSeconds: 0.5,
                                 handshake: rtt, submitted: 10, accepted: 8, rejected: 2, rejectedByCode: ["stale-share": 2],
                                 roundTrip: rtt, sharingSeconds: 2, tips: [.init(prevHash: "ab", channels: 2, firstUnixUs: 100, lastUnixUs: 350)],
                                 targetShareRate: 5)
        let root = try JSONDocument(bytes: report.encoded()).root
        #expect(root["type"]?.string == "swarm")
        #expect(root["handshakes_per_s"]?.double == 4)
        #expect(root["accepted_per_s"]?.double == 4)
        #expect(root["rtt_p50_us"]?.int64 == 500)
        #expect(root["rtt_p99_us"]?.int64 == 990)
        #expect(root["rejected_by_code"]?["stale-share"]?.int64 == 2)
        #expect(root["tips"].map { Array($0.elements) }?.first?["spread_us"]?.int64 == 250)
        #expect(report.table.contains("2 of 3 open"))
    }
}
