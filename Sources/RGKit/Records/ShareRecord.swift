/// A `share` record (ARCHITECTURE.md §2): every submitted share, accepted or not.
///
/// `{"type":"share","channel_id","worker","job_id","template_id","sequence_number","nonce",
/// "ntime","version","extranonce","difficulty","share_difficulty","accepted","reason_code",
/// "hash","block","submitted_ms"}`
///
/// `difficulty` is the difficulty the share is credited at: its job's target (null when the
/// share was rejected before its job was known). `share_difficulty` is what the hash achieved
/// (null when it was never computed). `hash` is the header's SHA-256d in display order (null
/// when not computed). `extranonce` is the miner's part on an extended channel (hex), null on
/// a standard one. `reason_code` is a gateway share code (`ShareReason`), null when accepted.
public struct ShareRecord: Sendable, Equatable {
    public static let type = "share"

    public var channelID: UInt32
    public var worker: String?
    public var jobID: UInt32
    public var templateID: String?
    public var sequenceNumber: UInt32
    public var nonce: UInt32
    public var ntime: UInt32
    public var version: UInt32
    public var extranonce: String?
    public var difficulty: Double?
    public var shareDifficulty: Double?
    public var accepted: Bool
    public var reasonCode: String?
    public var hash: String?
    public var block: Bool
    public var submittedMs: Int64

    public init(channelID: UInt32, worker: String?, jobID: UInt32, templateID: String?, sequenceNumber: UInt32, nonce: UInt32,
                ntime: UInt32, version: UInt32, extranonce: String?, difficulty: Double?, shareDifficulty: Double?, accepted: Bool,
                reasonCode: String?, hash: String?, block: Bool, submittedMs: Int64) {
        self.channelID = channelID
        self.worker = worker
        self.jobID = jobID
        self.templateID = templateID
        self.sequenceNumber = sequenceNumber
        self.nonce = nonce
        self.ntime = ntime
        self.version = version
        self.extranonce = extranonce
        self.difficulty = difficulty
        self.shareDifficulty = shareDifficulty
        self.accepted = accepted
        self.reasonCode = reasonCode
        self.hash = hash
        self.block = block
        self.submittedMs = submittedMs
    }

    public init(json root: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(root, path: "")
        let u32 = Int64(0)...Int64(UInt32.max)
        channelID = UInt32(try r.requiredInt("channel_id", in: u32))
        worker = try r.optionalString("worker")
        jobID = UInt32(try r.requiredInt("job_id", in: u32))
        templateID = try r.optionalString("template_id")
        sequenceNumber = UInt32(try r.optionalInt("sequence_number", in: u32) ?? 0)
        nonce = UInt32(try r.requiredInt("nonce", in: u32))
        ntime = UInt32(try r.requiredInt("ntime", in: u32))
        version = UInt32(try r.requiredInt("version", in: u32))
        extranonce = try r.optionalString("extranonce")
        difficulty = try r.optionalDouble("difficulty")
        shareDifficulty = try r.optionalDouble("share_difficulty")
        guard let accepted = try r.optionalBool("accepted") else { throw JSONError(.missingField, "missing \"accepted\"") }
        self.accepted = accepted
        reasonCode = try r.optionalString("reason_code")
        hash = try r.optionalString("hash")
        block = try r.optionalBool("block") ?? false
        submittedMs = try r.requiredInt("submitted_ms")
    }

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 384)
        encode(into: &w)
        return w.bytes
    }

    /// Writes the record into `w` (the gateway's sink writes one per share straight into its
    /// output buffer).
    public func encode(into w: inout JSONWriter) {
        w.beginObject()
        w.field("type", ShareRecord.type)
        w.field("channel_id", channelID)
        w.field("worker", worker)
        w.field("job_id", jobID)
        w.field("template_id", templateID)
        w.field("sequence_number", sequenceNumber)
        w.field("nonce", nonce)
        w.field("ntime", ntime)
        w.field("version", version)
        w.field("extranonce", extranonce)
        w.field("difficulty", difficulty)
        w.field("share_difficulty", shareDifficulty)
        w.field("accepted", accepted)
        w.field("reason_code", reasonCode)
        w.field("hash", hash)
        w.field("block", block)
        w.field("submitted_ms", submittedMs)
        w.endObject()
    }
}
