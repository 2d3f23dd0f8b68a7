/// A `verdict` record (ARCHITECTURE.md §2). Encoding writes fields in one fixed order and embeds
/// the judged template as its original bytes; decoding reads everything but the template.
public struct VerdictRecord: Sendable, Equatable {
    public static let type = "verdict"

    public struct Warning: Sendable, Equatable {
        public var code: String
        public var detail: String
    }

    public var templateID: String
    public var source: String?
    public var height: Int64?
    public var prevHash: String
    public var accepted: Bool
    public var reasonCode: String?
    public var reasonDetail: String?
    public var warnings: [Warning]
    public var feeTier: String
    public var tierSource: String
    public var minAvgFeeUsed: Int64?
    public var policyHash: String
    public var txCount: Int64
    public var totalFees: Int64
    public var avgFee: Int64
    public var weight: Int64?
    public var weightRatio: Double?
    public var sigops: Int64?
    public var coinbaseValue: Int64
    public var ageMs: Int64?
    public var verifiedMs: Int64
    public var evalUs: Int64

    public init(evaluation e: Evaluation, summary t: TemplateSummary, source: String?, policyHash: String, verifiedMs: Int64, evalUs: Int64) {
        templateID = t.templateID
        self.source = source
        height = t.height
        prevHash = t.prevHash
        accepted = e.accepted
        reasonCode = e.reason?.rawValue
        reasonDetail = e.detail
        warnings = e.warnings.map { Warning(code: $0.code.rawValue, detail: $0.detail) }
        feeTier = e.feeTier.rawValue
        tierSource = e.tierSource.rawValue
        minAvgFeeUsed = e.minAvgFeeUsed
        self.policyHash = policyHash
        txCount = e.stats.txCount
        totalFees = e.stats.totalFees
        avgFee = e.stats.avgFee
        weight = e.stats.weight
        weightRatio = e.stats.weightRatio
        sigops = e.stats.sigops
        coinbaseValue = e.stats.coinbaseValue
        ageMs = e.stats.ageMs
        self.verifiedMs = verifiedMs
        self.evalUs = evalUs
    }

    public init(json root: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(root, path: "")
        templateID = try r.requiredString("template_id")
        source = try r.optionalString("source")
        height = try r.optionalInt("height")
        prevHash = try r.optionalString("prev_hash") ?? ""
        guard let accepted = try r.optionalBool("accepted") else { throw JSONError(.missingField, "missing \"accepted\"") }
        self.accepted = accepted
        reasonCode = try r.optionalString("reason_code")
        reasonDetail = try r.optionalString("reason_detail")
        warnings = []
        if let list = try r.optionalArray("warnings") {
            for element in list.elements {
                let wr = try JSONObjectReader(element, path: "warnings[]")
                warnings.append(Warning(code: try wr.requiredString("code"), detail: try wr.optionalString("detail") ?? ""))
            }
        }
        feeTier = try r.optionalString("fee_tier") ?? ""
        tierSource = try r.optionalString("tier_source") ?? ""
        minAvgFeeUsed = try r.optionalInt("min_avg_fee_used")
        policyHash = try r.optionalString("policy_hash") ?? ""
        guard let stats = try r.optionalObject("stats") else { throw JSONError(.missingField, "missing \"stats\"") }
        txCount = try stats.optionalInt("tx_count") ?? 0
        totalFees = try stats.optionalInt("total_fees") ?? 0
        avgFee = try stats.optionalInt("avg_fee") ?? 0
        weight = try stats.optionalInt("weight")
        weightRatio = try stats.optionalDouble("weight_ratio")
        sigops = try stats.optionalInt("sigops")
        coinbaseValue = try stats.optionalInt("coinbase_value") ?? 0
        ageMs = try stats.optionalInt("age_ms")
        verifiedMs = try r.requiredInt("verified_ms")
        evalUs = try r.optionalInt("eval_us") ?? 0
    }

    /// The record without a trailing newline. `template` is the judged record's bytes (nil with
    /// `--strip`); `checks` is the `--explain` list.
    public func encoded(checks: [Evaluation.Check]? = nil, template: ArraySlice<UInt8>? = nil) -> [UInt8] {
        var w = JSONWriter(capacity: 640 + (template?.count ?? 0))
        w.beginObject()
        w.field("type", VerdictRecord.type)
        w.field("template_id", templateID)
        w.field("source", source)
        w.field("height", height)
        w.field("prev_hash", prevHash)
        w.field("accepted", accepted)
        w.field("reason_code", reasonCode)
        w.field("reason_detail", reasonDetail)
        w.key("warnings")
        w.beginArray()
        for warning in warnings {
            w.beginObject()
            w.field("code", warning.code)
            w.field("detail", warning.detail)
            w.endObject()
        }
        w.endArray()
        w.field("fee_tier", feeTier)
        w.field("tier_source", tierSource)
        w.field("min_avg_fee_used", minAvgFeeUsed)
        w.field("policy_hash", policyHash)
        w.key("stats")
        w.beginObject()
        w.field("tx_count", txCount)
        w.field("total_fees", totalFees)
        w.field("avg_fee", avgFee)
        w.field("weight", weight)
        w.field("weight_ratio", weightRatio)
        w.field("sigops", sigops)
        w.field("coinbase_value", coinbaseValue)
        w.field("age_ms", ageMs)
        w.endObject()
        w.field("verified_ms", verifiedMs)
        w.field("eval_us", evalUs)
        if let checks {
            w.key("checks")
            w.beginArray()
            for check in checks {
                w.beginObject()
                w.field("code", check.code.rawValue)
                w.field("outcome", check.outcome.rawValue)
                w.field("value", check.value)
                w.field("limit", check.limit)
                w.endObject()
            }
            w.endArray()
        }
        if let template {
            w.key("template")
            w.raw(template)
        }
        w.endObject()
        return w.bytes
    }
}
