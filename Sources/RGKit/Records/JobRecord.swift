/// A `job` record (ARCHITECTURE.md §2): one template handed to miners.
///
/// `{"type":"job","job_id","template_id","height","prev_hash","future","channels","mode",
/// "verdict","reason_code","policy_override","template_received_ms","issued_ms","latency_ms"}`
///
/// `future` is true when the job went out as a future job followed by SetNewPrevHash (a new
/// tip), false for a refresh on the same tip (sent with `min_ntime`). `verdict` is the policy
/// verdict the gateway knew when it sent the job (`accepted`, `rejected`, or `pending` when it
/// had none: observe mode before the verdict, or a stale-hold release of an unverified
/// template). `latency_ms` is `issued_ms − template_received_ms` (null when the arrival time is
/// unknown); the server may overwrite `issued_ms`/`latency_ms` with the time the last channel
/// was actually written.
public struct JobRecord: Sendable, Equatable {
    public static let type = "job"

    public var jobID: UInt32
    public var templateID: String
    public var height: Int64
    /// Display order, as RPC prints it.
    public var prevHash: String
    public var future: Bool
    public var channels: Int
    public var mode: String
    public var verdict: String
    public var reasonCode: String?
    public var policyOverride: Bool
    public var templateReceivedMs: Int64?
    public var issuedMs: Int64
    public var latencyMs: Int64?

    public init(jobID: UInt32, templateID: String, height: Int64, prevHash: String, future: Bool, channels: Int, mode: String,
                verdict: String, reasonCode: String?, policyOverride: Bool, templateReceivedMs: Int64?, issuedMs: Int64, latencyMs: Int64?) {
        self.jobID = jobID
        self.templateID = templateID
        self.height = height
        self.prevHash = prevHash
        self.future = future
        self.channels = channels
        self.mode = mode
        self.verdict = verdict
        self.reasonCode = reasonCode
        self.policyOverride = policyOverride
        self.templateReceivedMs = templateReceivedMs
        self.issuedMs = issuedMs
        self.latencyMs = latencyMs
    }

    public init(json root: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(root, path: "")
        jobID = UInt32(try r.requiredInt("job_id", in: 0...Int64(UInt32.max)))
        templateID = try r.requiredString("template_id")
        height = try r.requiredInt("height")
        prevHash = try r.requiredString("prev_hash")
        future = try r.optionalBool("future") ?? false
        channels = Int(try r.optionalInt("channels", in: 0...Int64(Int32.max)) ?? 0)
        mode = try r.optionalString("mode") ?? ""
        verdict = try r.optionalString("verdict") ?? "pending"
        reasonCode = try r.optionalString("reason_code")
        policyOverride = try r.optionalBool("policy_override") ?? false
        templateReceivedMs = try r.optionalInt("template_received_ms")
        issuedMs = try r.requiredInt("issued_ms")
        latencyMs = try r.optionalInt("latency_ms")
    }

    /// The record without a trailing newline, fields in the order above.
    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 320)
        w.beginObject()
        w.field("type", JobRecord.type)
        w.field("job_id", jobID)
        w.field("template_id", templateID)
        w.field("height", height)
        w.field("prev_hash", prevHash)
        w.field("future", future)
        w.field("channels", channels)
        w.field("mode", mode)
        w.field("verdict", verdict)
        w.field("reason_code", reasonCode)
        w.field("policy_override", policyOverride)
        w.field("template_received_ms", templateReceivedMs)
        w.field("issued_ms", issuedMs)
        w.field("latency_ms", latencyMs)
        w.endObject()
        return w.bytes
    }
}
