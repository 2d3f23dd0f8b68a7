import Testing
@testable import RGKit

@Suite struct VerdictSummaryTests {
    static let base = VerdictSamples.baseMs

    static func make(accepted: Bool, reason: String? = nil, tier: String = "high", source: String = "measured",
                     warnings: [String] = [], verified: Int64, eval: Int64) -> VerdictRecord {
        VerdictRecord(templateID: "00112233aabbccdd", source: "rpc", height: 890_000, prevHash: String(repeating: "ab", count: 32),
                      accepted: accepted, reasonCode: reason, reasonDetail: reason.map { "\($0) detail" },
                      warnings: warnings.map { .init(code: $0, detail: "w") }, feeTier: tier, tierSource: source,
                      minAvgFeeUsed: 5_000, policyHash: VerdictSamples.policyHash, txCount: 10, totalFees: 50_000, avgFee: 5_000,
                      weight: 3_900_000, weightRatio: 0.975, sigops: 8_000, coinbaseValue: 312_550_000, ageMs: 800,
                      verifiedMs: verified, evalUs: eval)
    }

    /// A template record big enough to stand for a mainnet one (~3 MB of JSON).
    static let bigTemplate: [UInt8] = {
        var text = #"{"type":"template","id":"00112233aabbccdd","source":"rpc","received_ms":1764000000000,"mempool":null,"gbt":{"transactions":["#
        let tx = #"{"data":""# + String(repeating: "0200000001", count: 70) + #"","txid":""# + String(repeating: "cd", count: 32) + #"","fee":1234,"weight":2800}"#
        text += Array(repeating: tx, count: 4_000).joined(separator: ",")
        text += "]}}"
        return Array(text.utf8)
    }()

    @Test func countsReasonsTiersWarningsAndOtherRecords() throws {
        var s = VerdictSummary()
        s.add(Self.make(accepted: true, verified: Self.base + 2_000, eval: 300))
        s.add(Self.make(accepted: false, reason: "avg_fee_below_minimum", source: "fallback", warnings: ["template_too_old"],
                        verified: Self.base + 1_000, eval: 100))
        try s.add(line: Self.make(accepted: false, reason: "template_too_old", tier: "mid", verified: Self.base + 3_000, eval: 200)
            .encoded(template: Self.bigTemplate[...]))
        try s.add(line: Self.make(accepted: false, reason: "made_up_code", tier: "low", warnings: ["template_too_old", "template_too_old"],
                                  verified: Self.base, eval: 50).encoded())
        try s.add(line: Array(#"{"type":"share","channel_id":1,"accepted":true}"#.utf8))
        try s.add(line: Self.bigTemplate)
        try s.add(line: Array("  \r".utf8))                    // blank: ignored, not bad

        #expect(s.total == 4 && s.accepted == 1 && s.rejected == 3)
        #expect(s.byReason == ["avg_fee_below_minimum": 1, "template_too_old": 1, "made_up_code": 1])
        #expect(s.byTier == ["high": 2, "mid": 1, "low": 1])
        #expect(s.byTierSource == ["measured": 3, "fallback": 1])
        #expect(s.byWarning == ["template_too_old": 2])                   // once per verdict
        #expect(s.firstVerifiedMs == Self.base && s.lastVerifiedMs == Self.base + 3_000)
        #expect(s.recordsByType == ["verdict": 4, "share": 1, "template": 1])
        #expect(s.badLines == 0)
        #expect(s.latency == .init(p50: 100, p99: 300, max: 300))

        let expected = """
            {"type":"summary","total":4,"accepted":1,"rejected":3,\
            "by_reason":{"avg_fee_below_minimum":1,"template_too_old":1,"made_up_code":1},\
            "by_tier":{"low":1,"mid":1,"high":2},"by_tier_source":{"measured":3,"fallback":1},\
            "by_warning":{"template_too_old":2},"eval_us":{"p50":100,"p99":300,"max":300},\
            "first_verified_ms":1764000000000,"last_verified_ms":1764000003000,"since_ms":null,"until_ms":null,\
            "records_by_type":{"share":1,"template":1,"verdict":4},"bad_lines":0}
            """
        #expect(String(decoding: s.encoded(), as: UTF8.self) == expected)
    }

    @Test func anEmptySummaryHasNullLatencyAndTimes() {
        #expect(String(decoding: VerdictSummary().encoded(), as: UTF8.self) == """
            {"type":"summary","total":0,"accepted":0,"rejected":0,"by_reason":{},"by_tier":{},"by_tier_source":{},\
            "by_warning":{},"eval_us":null,"first_verified_ms":null,"last_verified_ms":null,"since_ms":null,\
            "until_ms":null,"records_by_type":{},"bad_lines":0}
            """)
    }

    @Test func percentilesAreNearestRankOverEveryValue() {
        let hundred = (1...100).map(Int64.init)
        #expect(VerdictSummary.percentile(hundred, 50) == 50)
        #expect(VerdictSummary.percentile(hundred, 99) == 99)
        #expect(VerdictSummary.percentile([7], 50) == 7 && VerdictSummary.percentile([7], 99) == 7)
        #expect(VerdictSummary.percentile([10, 20], 50) == 10)
        #expect(VerdictSummary.percentile([10, 20], 99) == 20)
        // 1,000 values: p99 is the 990th smallest, so ten slow outliers above it do not hide it.
        var s = VerdictSummary()
        for i in 0..<1_000 { s.add(Self.make(accepted: true, verified: Self.base, eval: i < 990 ? Int64(i % 100) : 50_000 + Int64(i))) }
        #expect(s.latency == .init(p50: 49, p99: 99, max: 50_999))
    }

    @Test func badLinesAreCountedWithAReasonCode() {
        var s = VerdictSummary()
        func bad(_ line: String) -> VerdictSummary.BadLine? {
            do { try s.add(line: Array(line.utf8)); return nil } catch { return error }
        }
        #expect(bad("not json")?.code == "invalid_json")
        #expect(bad(#"{"type":"verdict""#)?.code == "truncated_json")
        #expect(bad("[1,2]")?.code == "invalid_record")
        #expect(bad(#"{"id":1}"#)?.detail == #"missing "type""#)
        #expect(bad(#"{"type":7}"#)?.code == "invalid_record")
        let missing = bad(#"{"type":"verdict","template_id":"ab","accepted":true,"stats":{}}"#)
        #expect(missing?.code == "invalid_record")
        #expect(missing?.detail == #"missing "verified_ms""#)
        #expect(bad(#"{"type":"verdict","template_id":"ab","accepted":"yes","stats":{},"verified_ms":1}"#)?.detail.contains("accepted") == true)
        #expect(s.badLines == 7)
        #expect(s.total == 0 && s.recordsByType.isEmpty)
        s.addBadLine()
        #expect(s.badLines == 8)
    }

    @Test func aLineFromVerdictRecordEncodedCountsLikeTheRecord() throws {
        let samples = (0..<24).map { VerdictSamples.verdict($0, explain: $0 % 3 == 0) }
        var fromRecords = VerdictSummary()
        var fromLines = VerdictSummary()
        for (record, checks) in samples {
            fromRecords.add(record)
            try fromLines.add(line: record.encoded(checks: checks, template: Self.bigTemplate[...]))
        }
        #expect(fromLines == fromRecords)
        #expect(fromRecords.byReason["avg_fee_below_minimum"] == 4)
        #expect(fromRecords.byReason["empty_template_rejected"] == 4)
        #expect(fromRecords.byReason["template_too_old"] == 4)
        #expect(fromRecords.byWarning["template_too_old"] == 4)
        #expect(fromRecords.byTierSource["fallback"] == 4)
    }

    @Test func unknownKeysAreCappedSoMemoryIsBounded() throws {
        var s = VerdictSummary()
        for i in 0..<(VerdictSummary.maxKeysPerMap + 50) {
            try s.add(line: Array(#"{"type":"junk\#(i)"}"#.utf8))
        }
        #expect(s.recordsByType.count == VerdictSummary.maxKeysPerMap + 1)
        #expect(s.recordsByType[VerdictSummary.overflowKey] == 50)
    }

    @Test func theTableNamesEverySection() {
        var s = VerdictSummary()
        s.add(Self.make(accepted: true, verified: Self.base, eval: 120))
        s.add(Self.make(accepted: false, reason: "template_too_old", warnings: ["sigops_budget_exceeded"], verified: Self.base + 60_000, eval: 900))
        s.addBadLine()
        let table = s.table()
        #expect(table.hasPrefix("verdicts"))
        #expect(table.contains("  accepted") && table.contains("50.0%"))
        #expect(table.contains("  template_too_old"))
        #expect(table.contains("eval latency (µs)") && table.contains("p50 120  p99 900  max 900"))
        #expect(table.contains("2025-11-24T16:00:00.000Z … 2025-11-24T16:01:00.000Z"))
        #expect(table.contains("bad lines") && table.hasSuffix("1\n"))
    }
}
