/// A `block` record: a solved block, ready for `submitblock`.
///
///     {"type":"block","height":N|null,"hash":"<64 hex>","prev_hash":"<64 hex>"|null,
///      "template_id":"<16 hex>"|null,"channel_id":N|null,"job_id":N|null,"worker":"…"|null,
///      "found_ms":N|null,"block_hex":"…"}
///
/// The gateway writes one when a share meets the network target; `rg-feed rpc` writes one for
/// each block `submitblock` accepted; `rg-fetch submit` reads them. `block_hex` is the whole
/// serialised block (witness included) and is the only required field: everything else is
/// metadata. `hash` and `prev_hash` are always the header's; a record that declared other values
/// still parses (its block may be valid and worth a block reward: the node is the judge) and
/// lists the disagreement in `metadataMismatches` for the reader to report.
public struct BlockRecord: Sendable, Equatable {
    public static let type = "block"

    public var height: Int64?
    /// Block hash in display order.
    public var hash: String
    public var prevHash: String?
    public var templateID: String?
    public var channelID: Int64?
    public var jobID: Int64?
    public var worker: String?
    public var foundMs: Int64?
    /// The block's hex, ASCII, exactly as in the record.
    public var blockHex: [UInt8]
    /// Declared `hash`/`prev_hash` values that disagree with the header (empty normally).
    public var metadataMismatches: [String] = []

    public init(height: Int64?, hash: String, prevHash: String?, templateID: String?, channelID: Int64?, jobID: Int64? = nil, worker: String?, foundMs: Int64?, blockHex: [UInt8]) {
        self.height = height
        self.hash = hash
        self.prevHash = prevHash
        self.templateID = templateID
        self.channelID = channelID
        self.jobID = jobID
        self.worker = worker
        self.foundMs = foundMs
        self.blockHex = blockHex
    }

    /// Reads and checks a record: `block_hex` must be even-length hex of at least a header.
    public init(json root: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(root, path: "")
        let hexValue = try r.requiredValue("block_hex")
        guard let raw = hexValue.unescapedStringBytes else { throw r.wrongType("block_hex", "a hex string", hexValue) }
        guard raw.count >= 2 * BlockHeader.encodedSize else {
            throw JSONError(.outOfRange, "block_hex: \(raw.count) hex digits, shorter than an 80-byte header")
        }
        guard raw.count % 2 == 0, Hex.isHex(raw) else { throw JSONError(.wrongType, "block_hex: not an even-length hex string") }
        let headerBytes: [UInt8] = raw.prefix(2 * BlockHeader.encodedSize).withUnsafeBytes { (try? Hex.decode($0)) ?? [] }
        guard let header = try? BlockHeader(bytes: headerBytes) else { throw JSONError(.wrongType, "block_hex: the header does not decode") }
        let computed = header.hash.displayHex
        var mismatches: [String] = []
        if let declared = try r.optionalString("hash"), declared.lowercased() != computed {
            mismatches.append("hash \(declared) is not the header's hash \(computed)")
        }
        let prev = header.prevBlockHash.displayHex
        if let declared = try r.optionalString("prev_hash"), declared.lowercased() != prev {
            mismatches.append("prev_hash \(declared) is not the header's previous hash \(prev)")
        }
        metadataMismatches = mismatches
        height = try r.optionalInt("height", in: 0...Int64(Int32.max))
        hash = computed
        prevHash = prev
        templateID = try r.optionalString("template_id")
        channelID = try r.optionalInt("channel_id")
        jobID = try r.optionalInt("job_id", in: 0...Int64(UInt32.max))
        worker = try r.optionalString("worker")
        foundMs = try r.optionalInt("found_ms", in: 0...Int64.max)
        blockHex = Array(raw)
    }

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: blockHex.count + 320)
        w.beginObject()
        w.field("type", BlockRecord.type)
        w.field("height", height)
        w.field("hash", hash)
        w.field("prev_hash", prevHash)
        w.field("template_id", templateID)
        w.field("channel_id", channelID)
        w.field("job_id", jobID)
        w.field("worker", worker)
        w.field("found_ms", foundMs)
        w.key("block_hex")
        w.asciiString(blockHex)
        w.endObject()
        return w.bytes
    }
}

/// A `submit` record: what the node said to one `submitblock`.
///
///     {"type":"submit","hash":"…","height":N|null,"template_id":…|null,"channel_id":N|null,
///      "accepted":bool,"result":null|"<reject reason>","error":null|{"code":N|null,"message":"…"},
///      "attempts":N,"submitted_ms":N,"latency_ms":N}
///
/// `accepted` is true only for Core's `null` answer. `result` is a BIP22 reject reason
/// ("duplicate", "high-hash", "bad-txnmrklroot", …) verbatim. `error` is an RPC error
/// (`code` set, e.g. -22 "Block decode failed") or, with `code` null, a block that could not be
/// delivered at all after `attempts` tries — never dropped silently.
public struct SubmitRecord: Sendable, Equatable {
    public static let type = "submit"

    public enum Outcome: Sendable, Equatable {
        case accepted
        case rejected(reason: String)
        case rpcError(code: Int64, message: String)
        case notDelivered(message: String)

        /// BIP22 answers that mean the node has the block and found nothing wrong with it: it
        /// already had it, or it is valid but did not become the tip (a stale or competing block).
        public static let storedReasons: Set<String> = ["duplicate", "inconclusive"]

        /// The node holds the block: accepted, or a reason in `storedReasons`.
        public var nodeHasBlock: Bool {
            switch self {
            case .accepted: true
            case .rejected(let reason): Self.storedReasons.contains(reason)
            case .rpcError, .notDelivered: false
            }
        }
    }

    public var hash: String
    public var height: Int64?
    public var templateID: String?
    public var channelID: Int64?
    public var outcome: Outcome
    public var attempts: Int
    public var submittedMs: Int64
    public var latencyMs: Int64

    public init(block: BlockRecord, outcome: Outcome, attempts: Int, submittedMs: Int64, latencyMs: Int64) {
        hash = block.hash
        height = block.height
        templateID = block.templateID
        channelID = block.channelID
        self.outcome = outcome
        self.attempts = attempts
        self.submittedMs = submittedMs
        self.latencyMs = latencyMs
    }

    public init(json root: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(root, path: "")
        hash = try r.requiredString("hash")
        height = try r.optionalInt("height")
        templateID = try r.optionalString("template_id")
        channelID = try r.optionalInt("channel_id")
        let accepted = try r.optionalBool("accepted") ?? false
        if accepted {
            outcome = .accepted
        } else if let reason = try r.optionalString("result") {
            outcome = .rejected(reason: reason)
        } else if let error = try r.optionalObject("error") {
            let message = try error.optionalString("message") ?? ""
            if let code = try error.optionalInt("code") { outcome = .rpcError(code: code, message: message) } else { outcome = .notDelivered(message: message) }
        } else {
            throw JSONError(.missingField, "a submit record that is not accepted needs \"result\" or \"error\"")
        }
        attempts = Int(try r.optionalInt("attempts", in: 0...Int64(Int32.max)) ?? 0)
        submittedMs = try r.optionalInt("submitted_ms") ?? 0
        latencyMs = try r.optionalInt("latency_ms") ?? 0
    }

    public var accepted: Bool { outcome == .accepted }

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 320)
        w.beginObject()
        w.field("type", SubmitRecord.type)
        w.field("hash", hash)
        w.field("height", height)
        w.field("template_id", templateID)
        w.field("channel_id", channelID)
        w.field("accepted", accepted)
        switch outcome {
        case .rejected(let reason): w.field("result", reason)
        default: w.key("result"); w.null()
        }
        w.key("error")
        switch outcome {
        case .rpcError(let code, let message):
            w.beginObject(); w.field("code", code); w.field("message", message); w.endObject()
        case .notDelivered(let message):
            w.beginObject(); w.key("code"); w.null(); w.field("message", message); w.endObject()
        default:
            w.null()
        }
        w.field("attempts", attempts)
        w.field("submitted_ms", submittedMs)
        w.field("latency_ms", latencyMs)
        w.endObject()
        return w.bytes
    }
}
