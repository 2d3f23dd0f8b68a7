/// A witness transaction id: SHA-256d of the full serialisation, witness included (BIP141). Equal to
/// the txid for a transaction without witness data. The leaf of the witness merkle tree, where the
/// coinbase's wtxid is replaced by zero. Stored in wire order.
public struct Wtxid: HashNewtype {
    public let wire: Bytes32
    public init(wire: Bytes32) { self.wire = wire }
}
