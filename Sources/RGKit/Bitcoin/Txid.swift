/// A transaction id: SHA-256d of the serialisation **without** witness data (BIP141). The leaf of
/// the block's merkle tree and the reference in an outpoint. Stored in wire order.
public struct Txid: HashNewtype {
    public let wire: Bytes32
    public init(wire: Bytes32) { self.wire = wire }
}
