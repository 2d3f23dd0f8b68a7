/// How a miner on an extended channel turns a `NewExtendedMiningJob` into a header merkle root
/// (stratum-v2.md §3.4): the coinbase is `coinbase_tx_prefix ‖ extranonce_prefix ‖ extranonce ‖
/// coinbase_tx_suffix` (the non-witness serialisation, so its SHA-256d is the txid), and the
/// root is that txid folded with the job's merkle path, deepest sibling first.
public enum ExtendedJobCoinbase {
    /// The coinbase bytes the pool will assemble from the same parts.
    public static func coinbase(prefix: [UInt8], extranoncePrefix: [UInt8], extranonce: [UInt8], suffix: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.count + extranoncePrefix.count + extranonce.count + suffix.count)
        bytes += prefix
        bytes += extranoncePrefix
        bytes += extranonce
        bytes += suffix
        return bytes
    }

    /// The header's merkle root, wire order.
    public static func merkleRoot(prefix: [UInt8], extranoncePrefix: [UInt8], extranonce: [UInt8], suffix: [UInt8],
                                  merklePath: [Bytes32]) -> MerkleNode {
        let txid = Txid(wire: SHA256Hash.hash256(coinbase(prefix: prefix, extranoncePrefix: extranoncePrefix,
                                                          extranonce: extranonce, suffix: suffix)))
        return Merkle.fold(coinbaseTxid: txid, branch: merklePath.map { MerkleNode(wire: $0) })
    }

    /// The miner's own extranonce bytes for search round `counter`: little-endian, `size` bytes
    /// (a counter wider than `size` bytes wraps; 2^(8·size) rounds are more than any search needs).
    public static func extranonce(counter: UInt64, size: Int) -> [UInt8] {
        (0..<max(0, size)).map { i in i < 8 ? UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) : 0 }
    }
}
