import Testing
@testable import RGKit

@Suite struct VerifierWireTests {
    static let propose = #"{"version":2,"id":77,"block_height":900000,"prev_hash":"\#(String(repeating: "0f", count: 32))","coinbase_value":1,"tx_count":1,"total_fees":9000}"#

    @Test func classifiesBothDialectsTypedRecordsAndJunk() {
        if case .judge(_, .bare) = VerifierWire.classify(Array(Self.propose.utf8)) {} else { Issue.record("bare propose") }
        if case .judge(_, .envelope) = VerifierWire.classify(Array(#"{"msg_type":"template_propose","version":2,"payload":\#(Self.propose)}"#.utf8)) {} else {
            Issue.record("enveloped propose")
        }
        if case .heartbeat = VerifierWire.classify(Array(#"{"msg_type":"heartbeat","version":2,"payload":{}}"#.utf8)) {} else { Issue.record("heartbeat") }
        if case .unknownMessage("ping") = VerifierWire.classify(Array(#"{"msg_type":"ping","version":2,"payload":{}}"#.utf8)) {} else { Issue.record("unknown") }
        if case .unsupportedRecord("share") = VerifierWire.classify(Array(#"{"type":"share"}"#.utf8)) {} else { Issue.record("share") }
        if case .judge(_, .bare) = VerifierWire.classify(Array(#"{"type":"template","id":"x"}"#.utf8)) {} else { Issue.record("template record") }
        if case .malformed("invalid_json", _, nil) = VerifierWire.classify(Array("nope".utf8)) {} else { Issue.record("junk") }
        if case .malformed("invalid_utf8", _, nil) = VerifierWire.classify([0x22, 0xFF, 0x22]) {} else { Issue.record("utf8") }
        if case .malformed("invalid_record", _, nil) = VerifierWire.classify(Array("[]".utf8)) {} else { Issue.record("array") }
        if case .malformed("invalid_record", _, nil) = VerifierWire.classify(Array(#"{"msg_type":"template_propose","payload":3}"#.utf8)) {} else {
            Issue.record("payload")
        }
    }

    @Test func theVerdictHasTheReferenceFieldsInOrderAndTheEnvelopeWrapsIt() throws {
        var policy = Policy()
        policy.warnOnly = [.templateTooOld]
        let summary = try TemplatePropose(json: JSONDocument(Self.propose).root).summary(network: .mainnet, receivedMs: nil)
        let evaluation = Evaluator(policy: policy).evaluate(summary, nowMs: 0)
        let record = VerdictRecord(evaluation: evaluation, summary: summary, source: "propose", policyHash: policy.hash, verifiedMs: 1, evalUs: 2)
        let bare = try JSONDocument(bytes: VerifierWire.verdict(record, id: 77, policy: policy, dialect: .bare)).root
        #expect(bare.members.map { $0.0.string } == ["version", "id", "accepted", "reason_code", "reason_detail", "policy_context"])
        #expect(bare["policy_context"]?.members.map { $0.0.string } == [
            "fee_tier", "tier_source", "min_avg_fee_used", "min_total_fees_used", "reject_coinbase_zero", "unknown_mempool_as_high",
            "max_weight_ratio", "max_template_age_ms", "policy_hash", "warnings",
        ])
        let decoded = try TemplateVerdict(json: bare)
        #expect(decoded == TemplateVerdict(record, id: 77, policy: policy))
        #expect(decoded.accepted && decoded.reasonCode == nil)
        let wrapped = try JSONDocument(bytes: VerifierWire.verdict(record, id: 77, policy: policy, dialect: .envelope)).root
        #expect(wrapped["msg_type"]?.string == "template_verdict")
        #expect(wrapped["version"]?.int64 == 2)
        #expect(try TemplateVerdict(json: #require(wrapped["payload"])) == decoded)
    }

    @Test func errorRepliesNameTheCodeAndQuoteTheID() throws {
        let bare = try JSONDocument(bytes: VerifierWire.error(code: "invalid_record", detail: "\"tx_count\" must be an integer", id: 5, dialect: .bare)).root
        #expect(bare["type"]?.string == "error" && bare["code"]?.string == "invalid_record" && bare["id"]?.uint64 == 5)
        let wrapped = try JSONDocument(bytes: VerifierWire.error(code: "line_too_long", detail: "x", id: nil, dialect: .envelope)).root
        #expect(wrapped["msg_type"]?.string == "error" && wrapped["payload"]?["code"]?.string == "line_too_long")
        #expect(wrapped["payload"]?["id"]?.isNull == true)
        #expect(VerifierWire.proposeID(try JSONDocument(#"{"msg_type":"template_propose","payload":{"id":9}}"#)) == 9)
        #expect(VerifierWire.proposeID(try JSONDocument(#"{"type":"template","id":9}"#)) == nil)
    }
}
