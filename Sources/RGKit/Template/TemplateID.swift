/// The stable id of the record contract: the same template gets the same id on any version of
/// the tools. It hashes what makes two templates the same work — the tip, the height, the
/// coinbase value and the transaction set (order-independent):
///
///     SHA-256("reservegrid/template-id/v1" ‖ prevhash (32, internal order) ‖ height (u64 LE)
///             ‖ coinbasevalue (u64 LE) ‖ n (u32 LE) ‖ txids sorted ascending by display hex)
///
/// and keeps the first 8 bytes as 16 lowercase hex digits.
public enum TemplateID {
    static let domain = Array("reservegrid/template-id/v1".utf8)

    public static func compute(previousBlockHash: Bytes32, height: Int64, coinbaseValue: Int64, txids: [Txid]) -> String {
        // Bytes32 `<` compares the internal bytes as a little-endian integer, which is exactly
        // the order of the display-hex strings.
        let sorted = txids.map(\.wire).sorted()
        var w = ByteWriter(capacity: domain.count + 52 + 32 * sorted.count)
        w.write(domain)
        previousBlockHash.withUnsafeBytes { w.write($0) }
        w.writeLE(UInt64(bitPattern: height))
        w.writeLE(UInt64(bitPattern: coinbaseValue))
        w.writeLE(UInt32(truncatingIfNeeded: sorted.count))
        for txid in sorted { txid.withUnsafeBytes { w.write($0) } }
        return String(SHA256Hash.hash(w.bytes).hex.prefix(16))
    }

    public static func compute(_ template: BlockTemplate) -> String {
        compute(previousBlockHash: template.previousBlockHash?.wire ?? .zero, height: template.height,
                coinbaseValue: template.coinbaseValue, txids: template.declaredTxids)
    }
}
