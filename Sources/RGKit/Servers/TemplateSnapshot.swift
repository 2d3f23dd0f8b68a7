/// One template as `rg-feed rpc` serves it: the record's GBT object with our own `longpollid`
/// (`<previousblockhash><sequence>`, the shape Core uses), and the answers derived from it,
/// computed once when the template arrives rather than per request.
public struct TemplateSnapshot: Sendable {
    /// 1, 2, 3… in arrival order; part of the longpoll id.
    public let sequence: UInt64
    public let templateID: String
    public let height: Int64
    public let previousBlockHash: String
    public let bits: CompactTarget
    public let coinbaseValue: Int64
    public let longPollID: String
    /// The `getblocktemplate` result served: the record's object, member for member, with
    /// `longpollid` replaced.
    public let gbtJSON: [UInt8]
    /// The `getrawmempool` result: the template's txids.
    public let rawMempoolJSON: [UInt8]
    public let mempool: MempoolStats?
    /// The non-coinbase txids, to tell which template a submitted block was built from.
    public let txids: Set<Txid>
    /// When the record arrived (wall clock).
    public let receivedMs: Int64

    public init(record: TemplateRecord, sequence: UInt64, receivedMs: Int64) {
        self.sequence = sequence
        templateID = record.templateID
        height = record.gbt.height
        previousBlockHash = record.gbt.previousBlockHashText.lowercased()
        bits = record.gbt.bits
        coinbaseValue = record.gbt.coinbaseValue
        mempool = record.mempool
        self.receivedMs = receivedMs
        let longPollID = previousBlockHash + String(sequence)
        self.longPollID = longPollID
        gbtJSON = TemplateSnapshot.replacingLongPollID(in: record.gbtJSON, with: longPollID)
        let declared = record.gbt.declaredTxids
        txids = Set(declared)
        var w = JSONWriter(capacity: 68 * declared.count + 2)
        w.beginArray()
        for txid in declared { w.asciiString(Array(txid.displayHex.utf8)) }
        w.endArray()
        rawMempoolJSON = w.bytes
    }

    /// Copies the object's members verbatim except `longpollid`, then appends ours.
    static func replacingLongPollID(in object: JSONValue, with id: String) -> [UInt8] {
        let document = object.document
        var out: [UInt8] = []
        out.reserveCapacity(object.rawBytes.count + id.utf8.count + 16)
        out.append(UInt8(ascii: "{"))
        for (key, value) in object.members where key.string != "longpollid" {
            out.append(contentsOf: JSONValue(document: document, index: key.index).rawBytes)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value.rawBytes)
            out.append(UInt8(ascii: ","))
        }
        var w = JSONWriter(capacity: id.utf8.count + 16)
        w.beginObject()
        w.field("longpollid", id)
        w.endObject()
        out.append(contentsOf: w.bytes.dropFirst())   // `"longpollid":"…"}`
        return out
    }
}
