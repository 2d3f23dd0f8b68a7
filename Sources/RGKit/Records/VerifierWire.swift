/// The reference verifier's TCP wire protocol (protocol version 2): newline-delimited JSON, one
/// reply line per request line, in order. Two dialects, told apart per connection by the first
/// line that parses: bare `TemplatePropose` → bare `TemplateVerdict`, or the envelope
/// `{"msg_type","version","payload"}` (`template_propose` → `template_verdict`, `heartbeat` →
/// `heartbeat_ack`). Pure encoding and classification; the server wires it to sockets.
public enum VerifierWire {
    public static let protocolVersion = 2

    public enum Dialect: String, Sendable {
        case bare, envelope
    }

    /// What a request line asks for.
    public enum Request: Sendable {
        /// A template to judge: a bare propose, an enveloped propose, or a full `template` record.
        case judge(JSONDocument, Dialect)
        case heartbeat
        /// An envelope with a `msg_type` this server does not know.
        case unknownMessage(String)
        /// A record of a type other than `template` (the pipe would forward it; a server cannot).
        case unsupportedRecord(String)
        case malformed(code: String, message: String, id: UInt64?)
    }

    /// Parses and classifies one line (without its newline).
    public static func classify(_ line: [UInt8]) -> Request {
        let document: JSONDocument
        do { document = try JSONDocument(bytes: line) } catch {
            return .malformed(code: error.code.rawValue, message: error.description, id: nil)
        }
        let root = document.root
        guard root.kind == .object else {
            return .malformed(code: "invalid_record", message: "a request must be a JSON object, got \(root.kind.noun)", id: nil)
        }
        if let msgType = root["msg_type"] {
            guard let name = msgType.string else {
                return .malformed(code: "invalid_record", message: "\"msg_type\" must be a string", id: nil)
            }
            switch name {
            case "template_propose":
                guard let payload = root["payload"], payload.kind == .object else {
                    return .malformed(code: "invalid_record", message: "template_propose needs an object \"payload\"", id: nil)
                }
                return .judge(document, .envelope)
            case "heartbeat": return .heartbeat
            default: return .unknownMessage(name)
            }
        }
        if let type = root["type"] {
            guard let name = type.string else { return .malformed(code: "invalid_record", message: "\"type\" must be a string", id: nil) }
            return name == TemplateRecord.type ? .judge(document, .bare) : .unsupportedRecord(name)
        }
        return .judge(document, .bare)
    }

    /// The propose id of a request, when it has one that reads as a u64: error replies quote it
    /// so a client waiting on that id is not left hanging.
    public static func proposeID(_ document: JSONDocument) -> UInt64? {
        let root = document.root
        if let payload = root["payload"], payload.kind == .object { return payload["id"]?.uint64 }
        return root["type"] == nil ? root["id"]?.uint64 : nil
    }

    // MARK: replies

    /// `{"version":2,"id":…,"accepted":…,"reason_code":…,"reason_detail":…,"policy_context":{…}}`
    public static func verdict(_ record: VerdictRecord, id: UInt64, policy: Policy, dialect: Dialect) -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        if dialect == .envelope { beginEnvelope(&w, "template_verdict") }
        TemplateVerdict(record, id: id, policy: policy).write(to: &w)
        if dialect == .envelope { w.endObject() }
        return w.bytes
    }

    public static func heartbeatAck() -> [UInt8] {
        Array(#"{"msg_type":"heartbeat_ack","version":2,"payload":{}}"#.utf8)
    }

    /// An error reply: `{"type":"error","code":…,"detail":…,"id":…}` on a bare connection, the
    /// same object as the payload of `msg_type` `error` on an envelope one. Reference clients
    /// skip a line they cannot read as a verdict, so an error line never breaks them, and a
    /// person or a ReserveGrid client sees why a request got no verdict.
    public static func error(code: String, detail: String, id: UInt64?, dialect: Dialect) -> [UInt8] {
        var w = JSONWriter(capacity: 128 + detail.utf8.count)
        if dialect == .envelope { beginEnvelope(&w, "error") }
        w.beginObject()
        if dialect == .bare { w.field("type", "error") }
        w.field("code", code)
        w.field("detail", detail)
        w.field("id", id)
        w.endObject()
        if dialect == .envelope { w.endObject() }
        return w.bytes
    }

    private static func beginEnvelope(_ w: inout JSONWriter, _ msgType: String) {
        w.beginObject()
        w.field("msg_type", msgType)
        w.field("version", protocolVersion)
        w.key("payload")
    }
}

/// The reference's verdict message. `policy_context` quotes the limits that judged the
/// template, with ReserveGrid's additions (`tier_source`, `policy_hash`, and the `warn_only`
/// warnings, which the reference never put on the wire).
public struct TemplateVerdict: Sendable, Equatable {
    public struct PolicyContext: Sendable, Equatable {
        public var feeTier: String
        public var tierSource: String
        public var minAvgFeeUsed: Int64?
        public var minTotalFeesUsed: Int64
        public var rejectCoinbaseZero: Bool
        public var unknownMempoolAsHigh: Bool
        public var maxWeightRatio: Double
        public var maxTemplateAgeMs: Int64
        public var policyHash: String
        public var warnings: [String]
    }

    public var version: Int64 = Int64(VerifierWire.protocolVersion)
    public var id: UInt64
    public var accepted: Bool
    public var reasonCode: String?
    public var reasonDetail: String?
    public var policyContext: PolicyContext?

    public init(_ record: VerdictRecord, id: UInt64, policy: Policy) {
        self.id = id
        accepted = record.accepted
        reasonCode = record.reasonCode
        reasonDetail = record.reasonDetail
        policyContext = PolicyContext(
            feeTier: record.feeTier, tierSource: record.tierSource, minAvgFeeUsed: record.minAvgFeeUsed,
            minTotalFeesUsed: policy.minTotalFees, rejectCoinbaseZero: policy.rejectCoinbaseZero,
            unknownMempoolAsHigh: policy.unknownMempoolAsHigh, maxWeightRatio: policy.maxWeightRatio,
            maxTemplateAgeMs: policy.maxTemplateAgeSecs * 1000, policyHash: record.policyHash,
            warnings: record.warnings.map(\.code))
    }

    /// Reads a verdict (bare, or the payload of an envelope); the load generator's decoder.
    public init(json: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(json, path: "")
        version = try r.requiredInt("version")
        let idValue = try r.requiredValue("id")
        guard let id = idValue.uint64 else { throw r.wrongType("id", "an unsigned 64-bit integer", idValue) }
        self.id = id
        guard let accepted = try r.optionalBool("accepted") else { throw JSONError(.missingField, "missing \"accepted\"") }
        self.accepted = accepted
        reasonCode = try r.optionalString("reason_code")
        reasonDetail = try r.optionalString("reason_detail")
        if let c = try r.optionalObject("policy_context") {
            var warnings: [String] = []
            if let list = try c.optionalArray("warnings") { warnings = list.elements.compactMap(\.string) }
            policyContext = PolicyContext(
                feeTier: try c.optionalString("fee_tier") ?? "", tierSource: try c.optionalString("tier_source") ?? "",
                minAvgFeeUsed: try c.optionalInt("min_avg_fee_used"), minTotalFeesUsed: try c.optionalInt("min_total_fees_used") ?? 0,
                rejectCoinbaseZero: try c.optionalBool("reject_coinbase_zero") ?? false,
                unknownMempoolAsHigh: try c.optionalBool("unknown_mempool_as_high") ?? false,
                maxWeightRatio: try c.optionalDouble("max_weight_ratio") ?? 0, maxTemplateAgeMs: try c.optionalInt("max_template_age_ms") ?? 0,
                policyHash: try c.optionalString("policy_hash") ?? "", warnings: warnings)
        }
    }

    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("version", version)
        w.field("id", id)
        w.field("accepted", accepted)
        w.field("reason_code", reasonCode)
        w.field("reason_detail", reasonDetail)
        w.key("policy_context")
        if let c = policyContext {
            w.beginObject()
            w.field("fee_tier", c.feeTier)
            w.field("tier_source", c.tierSource)
            w.field("min_avg_fee_used", c.minAvgFeeUsed)
            w.field("min_total_fees_used", c.minTotalFeesUsed)
            w.field("reject_coinbase_zero", c.rejectCoinbaseZero)
            w.field("unknown_mempool_as_high", c.unknownMempoolAsHigh)
            w.field("max_weight_ratio", c.maxWeightRatio)
            w.field("max_template_age_ms", c.maxTemplateAgeMs)
            w.field("policy_hash", c.policyHash)
            w.key("warnings")
            w.beginArray()
            for code in c.warnings { w.string(code) }
            w.endArray()
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
    }
}
