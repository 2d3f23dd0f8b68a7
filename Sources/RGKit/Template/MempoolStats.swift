/// The mempool reading a template record carries (`null` in the record when unknown — never a
/// fake zero, which would select the most permissive fee tier).
public struct MempoolStats: Sendable, Equatable {
    public var txCount: Int64
    /// Σ vsize of the mempool's transactions (getmempoolinfo `bytes`).
    public var bytes: Int64?
    /// The mempool's minimum fee rate in sat/kvB (getmempoolinfo `mempoolminfee` × 1e8).
    public var minFeeSatPerKvB: Int64?

    public init(txCount: Int64, bytes: Int64? = nil, minFeeSatPerKvB: Int64? = nil) {
        self.txCount = txCount
        self.bytes = bytes
        self.minFeeSatPerKvB = minFeeSatPerKvB
    }

    /// Reads the record's `mempool` object; a missing `tx_count` makes the whole reading unknown.
    public init?(json: JSONValue, path: String = "mempool") throws(JSONError) {
        guard !json.isNull else { return nil }
        let r = try JSONObjectReader(json, path: path)
        guard let count = try r.optionalInt("tx_count", in: 0...Int64.max) else { return nil }
        txCount = count
        bytes = try r.optionalInt("bytes", in: 0...Int64.max)
        minFeeSatPerKvB = try r.optionalInt("min_fee_sat_kvb", in: 0...Int64.max)
    }

    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.field("tx_count", txCount)
        w.field("bytes", bytes)
        w.field("min_fee_sat_kvb", minFeeSatPerKvB)
        w.endObject()
    }
}
