/// The reference system's compact template message (its verifier wire protocol, version 2):
/// a summary without transactions, so only the declared figures can be judged — unless
/// `raw_block_hex` carries a whole candidate block to re-derive them from.
public struct TemplatePropose: Sendable, Equatable {
    public var version: Int64
    public var id: UInt64
    public var blockHeight: Int64
    public var prevHash: String
    public var coinbaseValue: Int64
    public var txCount: Int64
    public var totalFees: Int64
    /// Legacy alias of `template_weight`.
    public var observedWeight: Int64?
    public var createdAtUnixMs: Int64?
    public var totalSigops: Int64?
    public var coinbaseSigops: Int64?
    /// Σ non-coinbase transaction weight.
    public var templateWeight: Int64?
    public var gatewayInstanceID: String?
    public var rawBlockHex: String?

    public init(version: Int64 = 2, id: UInt64, blockHeight: Int64, prevHash: String, coinbaseValue: Int64, txCount: Int64, totalFees: Int64) {
        self.version = version
        self.id = id
        self.blockHeight = blockHeight
        self.prevHash = prevHash
        self.coinbaseValue = coinbaseValue
        self.txCount = txCount
        self.totalFees = totalFees
    }

    /// True when an object looks like a TemplatePropose rather than a typed record.
    public static func matches(_ json: JSONValue) -> Bool {
        json["prev_hash"] != nil && json["block_height"] != nil && json["type"] == nil
    }

    public init(json: JSONValue, path: String = "") throws(JSONError) {
        let r = try JSONObjectReader(json, path: path)
        version = try r.requiredInt("version", in: 0...Int64(UInt16.max))
        let idValue = try r.requiredValue("id")
        guard let id = idValue.uint64 else { throw r.wrongType("id", "an unsigned 64-bit integer", idValue) }
        self.id = id
        blockHeight = try r.requiredInt("block_height", in: 0...Int64(UInt32.max))
        prevHash = try r.requiredString("prev_hash")
        coinbaseValue = try r.requiredInt("coinbase_value", in: 0...Int64.max)
        txCount = try r.requiredInt("tx_count", in: 0...Int64(UInt32.max))
        totalFees = try r.requiredInt("total_fees", in: 0...Int64.max)
        observedWeight = try r.optionalInt("observed_weight", in: 0...Int64.max)
        createdAtUnixMs = try r.optionalInt("created_at_unix_ms", in: 0...Int64.max)
        totalSigops = try r.optionalInt("total_sigops", in: 0...Int64(UInt32.max))
        coinbaseSigops = try r.optionalInt("coinbase_sigops", in: 0...Int64(UInt32.max))
        templateWeight = try r.optionalInt("template_weight", in: 0...Int64.max)
        gatewayInstanceID = try r.optionalString("gateway_instance_id")
        rawBlockHex = try r.optionalString("raw_block_hex")
    }

    /// Serialises with every optional present (as `null` when absent), like the reference.
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("version", version)
        w.field("id", id)
        w.field("block_height", blockHeight)
        w.field("prev_hash", prevHash)
        w.field("coinbase_value", coinbaseValue)
        w.field("tx_count", txCount)
        w.field("total_fees", totalFees)
        w.field("observed_weight", observedWeight)
        w.field("created_at_unix_ms", createdAtUnixMs)
        w.field("total_sigops", totalSigops)
        w.field("coinbase_sigops", coinbaseSigops)
        w.field("template_weight", templateWeight)
        w.field("gateway_instance_id", gatewayInstanceID)
        w.field("raw_block_hex", rawBlockHex)
        w.endObject()
    }

    /// 16 hex digits of the u64 id: the template id this message gets in verdict records.
    public var templateID: String {
        let hex = String(id, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public func summary(network: Network, receivedMs: Int64?) -> TemplateSummary {
        var s = TemplateSummary(templateID: templateID, height: blockHeight, prevHash: prevHash, protocolVersion: version,
                                txCount: txCount, totalFeesSat: totalFees, coinbaseValueSat: coinbaseValue)
        s.weight = templateWeight ?? observedWeight
        s.sigops = totalSigops
        s.coinbaseSigops = coinbaseSigops
        s.createdMs = createdAtUnixMs
        s.receivedMs = receivedMs
        if let hex = rawBlockHex { s.consensus = BlockConsensus.rederive(rawBlockHex: hex, declared: self, network: network) }
        return s
    }
}
