/// A `policy_override` record: in inline mode the gateway released a template the policy did
/// not accept (or had not judged yet), because the tip changed and no accepted template for the
/// new tip arrived within `stale-hold`. Hashing on a stale tip earns nothing, so after the
/// hold the gateway prefers the unapproved template to idle miners — and says so here. It
/// never shuts down for this (the reference gateway did).
///
/// `{"type":"policy_override","template_id","height","prev_hash","reason_code",
/// "verdict_reason_code","detail","held_ms","ms"}`
///
/// `reason_code`: `stale_hold_released_rejected` (the template was rejected),
/// `stale_hold_released_coinbase_only` (it was rejected for something that makes any block built
/// from it invalid, so only its tip went out, as a coinbase-only job) or
/// `stale_hold_released_unverified` (no verdict arrived in time). `verdict_reason_code` is the
/// policy's reason for the rejection, when there was one.
public struct PolicyOverrideRecord: Sendable, Equatable {
    public static let type = "policy_override"

    public enum Reason: String, Sendable, CaseIterable {
        case releasedRejected = "stale_hold_released_rejected"
        case releasedCoinbaseOnly = "stale_hold_released_coinbase_only"
        case releasedUnverified = "stale_hold_released_unverified"
    }

    public var templateID: String
    public var height: Int64
    public var prevHash: String
    public var reasonCode: String
    public var verdictReasonCode: String?
    public var detail: String
    public var heldMs: Int64
    public var ms: Int64

    public init(templateID: String, height: Int64, prevHash: String, reasonCode: String, verdictReasonCode: String?,
                detail: String, heldMs: Int64, ms: Int64) {
        self.templateID = templateID
        self.height = height
        self.prevHash = prevHash
        self.reasonCode = reasonCode
        self.verdictReasonCode = verdictReasonCode
        self.detail = detail
        self.heldMs = heldMs
        self.ms = ms
    }

    public init(json root: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(root, path: "")
        templateID = try r.requiredString("template_id")
        height = try r.requiredInt("height")
        prevHash = try r.requiredString("prev_hash")
        reasonCode = try r.requiredString("reason_code")
        verdictReasonCode = try r.optionalString("verdict_reason_code")
        detail = try r.optionalString("detail") ?? ""
        heldMs = try r.requiredInt("held_ms")
        ms = try r.requiredInt("ms")
    }

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 320)
        w.beginObject()
        w.field("type", PolicyOverrideRecord.type)
        w.field("template_id", templateID)
        w.field("height", height)
        w.field("prev_hash", prevHash)
        w.field("reason_code", reasonCode)
        w.field("verdict_reason_code", verdictReasonCode)
        w.field("detail", detail)
        w.field("held_ms", heldMs)
        w.field("ms", ms)
        w.endObject()
        return w.bytes
    }
}
