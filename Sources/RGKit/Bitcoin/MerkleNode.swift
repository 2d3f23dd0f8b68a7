/// A node of a merkle tree (a leaf, an inner node, a branch sibling or a root), in wire order.
/// A separate type from `Txid` because a root or a branch entry is not a transaction id, and the
/// header field holds the root in wire order while RPC prints it reversed.
public struct MerkleNode: HashNewtype {
    public let wire: Bytes32
    public init(wire: Bytes32) { self.wire = wire }

    /// The leaf for a transaction in the txid tree.
    public init(_ txid: Txid) { self.wire = txid.wire }

    /// The leaf for a transaction in the witness tree.
    public init(_ wtxid: Wtxid) { self.wire = wtxid.wire }

    /// The parent of two nodes: SHA-256d(left ‖ right).
    @inlinable
    public static func parent(_ left: MerkleNode, _ right: MerkleNode) -> MerkleNode {
        MerkleNode(wire: SHA256Hash.hash256(left.wire, right.wire))
    }
}
