/// A `template` record: `{"type":"template","id","source","received_ms","mempool","gbt"}`.
/// The `gbt` object is kept as the original JSON so fields we do not model pass through.
public struct TemplateRecord: Sendable {
    public static let type = "template"

    public var id: String?
    public var source: String
    public var receivedMs: Int64?
    public var mempool: MempoolStats?
    public var gbt: BlockTemplate
    /// The `gbt` value's exact bytes.
    public var gbtJSON: JSONValue

    public init(json root: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(root, path: "")
        id = try r.optionalString("id")
        source = try r.optionalString("source") ?? "unknown"
        receivedMs = try r.optionalInt("received_ms", in: 0...Int64.max)
        mempool = try r.optionalValue("mempool").flatMap { (v) throws(JSONError) -> MempoolStats? in try MempoolStats(json: v) }
        gbtJSON = try r.requiredValue("gbt")
        gbt = try BlockTemplate(json: gbtJSON, path: "gbt")
    }

    /// The record's id, or the stable id computed from the template when the producer left it out.
    public var templateID: String { id ?? TemplateID.compute(gbt) }

    /// What the policy needs. With `rederive`, transaction data (when present) is checked too.
    public func summary(network: Network, rederive: Bool) -> TemplateSummary {
        var fees: Int64 = 0
        var unknownFees: Int64 = 0
        var weight: Int64 = 0
        var allWeights = true
        var sigops: Int64 = 0
        var allSigops = true
        for tx in gbt.transactions {
            if let fee = tx.fee { fees &+= fee } else { unknownFees += 1 }
            if let w = tx.weight { weight &+= w } else { allWeights = false }
            if let s = tx.sigops { sigops &+= s } else { allSigops = false }
        }
        var s = TemplateSummary(templateID: templateID, height: gbt.height, prevHash: gbt.previousBlockHashText,
                                txCount: Int64(gbt.transactions.count), totalFeesSat: fees, coinbaseValueSat: gbt.coinbaseValue)
        s.txsWithUnknownFee = unknownFees
        s.sigops = allSigops ? sigops : nil
        s.coinbaseSigops = gbt.coinbaseSigops
        s.createdMs = gbt.curTime * 1000
        s.receivedMs = receivedMs
        s.mempoolTxCount = mempool?.txCount
        if rederive && gbt.hasTransactionData {
            let findings = TemplateConsensus.rederive(gbt, network: network)
            s.consensus = findings
            if !allWeights { weight = findings.derivedWeight; allWeights = true }
        }
        s.weight = allWeights ? weight : nil
        return s
    }

    /// Encodes a template record around an already-encoded `gbt` object.
    public static func encode(id: String, source: String, receivedMs: Int64, mempool: MempoolStats?, gbtJSON: some Collection<UInt8>) -> [UInt8] {
        var w = JSONWriter(capacity: gbtJSON.count + 256)
        w.beginObject()
        w.field("type", TemplateRecord.type)
        w.field("id", id)
        w.field("source", source)
        w.field("received_ms", receivedMs)
        w.key("mempool")
        if let mempool { mempool.write(to: &w) } else { w.null() }
        w.key("gbt")
        w.raw(gbtJSON)
        w.endObject()
        return w.bytes
    }
}
