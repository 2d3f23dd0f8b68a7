import Testing
@testable import RGKit

@Suite struct TemplateVerifierTests {
    let verifier = TemplateVerifier(policy: .defaults, options: .init(network: .mainnet, strip: false))
    let now: Int64 = 1_764_072_000_000

    func line(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func otherRecordTypesPassThrough() {
        guard case .passThrough = verifier.judge(line: line(#"{"type":"share","x":1}"#), nowMs: now) else {
            Issue.record("share record was not passed through"); return
        }
    }

    @Test(arguments: [
        (#"{"type":"template","gbt":{"#, "truncated_json"),
        ("not json", "invalid_json"),
        ("[1,2]", "invalid_record"),
        (#"{"hello":1}"#, "invalid_record"),
        (#"{"type":7}"#, "invalid_record"),
        (#"{"type":"template","id":"x","gbt":{"version":"two"}}"#, "invalid_record"),
    ])
    func badLinesAreInvalidWithAReasonCode(_ text: String, _ code: String) {
        guard case .invalid(let got, let message) = verifier.judge(line: line(text), nowMs: now) else {
            Issue.record("accepted \(text)"); return
        }
        #expect(got == code)
        #expect(!message.isEmpty)
    }

    @Test func compactProposeIsJudgedAndEchoesItsID() throws {
        let propose = #"{"version":2,"id":18446744073709551615,"block_height":900000,"prev_hash":"\#(String(repeating: "0a", count: 32))","coinbase_value":313000000,"tx_count":3000,"total_fees":30000000,"observed_weight":null,"created_at_unix_ms":\#(now - 1000),"total_sigops":5000,"coinbase_sigops":100,"template_weight":3900000,"gateway_instance_id":null,"raw_block_hex":null}"#
        guard case .judged(let j) = verifier.judge(line: line(propose), nowMs: now) else { Issue.record("no verdict"); return }
        #expect(j.evaluation.accepted)
        #expect(j.proposeID == UInt64.max)
        #expect(j.summary.templateID == "ffffffffffffffff")
        #expect(j.summary.weight == 3_900_000)
        let envelope = #"{"msg_type":"template_propose","version":2,"payload":\#(propose)}"#
        guard case .judged(let e) = verifier.judge(line: line(envelope), nowMs: now) else { Issue.record("no verdict"); return }
        #expect(e.proposeID == UInt64.max)
        #expect(e.templateBytes.map { Array($0) } == Array(propose.utf8))
    }

    @Test func verdictRecordRoundTripsAndEmbedsTheTemplateBytes() throws {
        var feed = DemoFeed(options: .init(seed: 3, txs: 10, scenario: .normal))
        let out = feed.next(nowMs: now)
        guard case .judged(let j) = verifier.judge(line: out.record, nowMs: now + 20) else { Issue.record("no verdict"); return }
        let record = j.record(policyHash: j.policyHash, verifiedMs: now + 21, evalUs: 1234)
        let bytes = record.encoded(checks: nil, template: j.templateBytes)
        let doc = try JSONDocument(bytes: bytes)
        #expect(try VerdictRecord(json: doc.root) == record)
        #expect(doc.root["template"].map { Array($0.rawBytes) } == out.record)
        #expect(record.policyHash == Policy.defaults.hash)
        #expect(record.templateID == out.templateID)
        #expect(record.ageMs == 20)
    }

    @Test func replacingThePolicyChangesTheNextVerdict() {
        var feed = DemoFeed(options: .init(seed: 5, txs: 20, scenario: .normal))
        let first = feed.next(nowMs: now)
        guard case .judged(let a) = verifier.judge(line: first.record, nowMs: now) else { return }
        #expect(a.evaluation.accepted)
        var strict = Policy.defaults
        strict.minAvgFeeHigh = 1_000_000
        verifier.replacePolicy(strict)
        let second = feed.next(nowMs: now)
        guard case .judged(let b) = verifier.judge(line: second.record, nowMs: now) else { return }
        #expect(b.evaluation.reason == .avgFeeBelowMinimum)
        #expect(b.policyHash == strict.hash && b.policyHash != a.policyHash)
    }
}
