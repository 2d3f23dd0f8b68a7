/// Bitcoin's merkle tree over transaction ids (Core's `consensus/merkle.cpp`).
///
/// Each level pairs neighbours, parent = SHA-256d(left ‖ right), and an odd level duplicates its
/// last node. Leaves and results are in wire order; the header stores the root in wire order.
///
/// CVE-2012-2459: because of the duplication, a transaction list whose tail repeats (…, a, b, a, b)
/// gives the same root as the list without the repeat, so "the root matches" does not prove the
/// list is the one the miner meant. Core detects it with the `mutated` flag
/// (`rootDetectingMutation`); a template verifier should also refuse duplicate txids
/// (`duplicateTxids`), which rules out every such mutation.
public enum Merkle {
    /// The root over `leaves`; nil for no leaves. One leaf is its own root.
    public static func root(_ leaves: [MerkleNode]) -> MerkleNode? {
        rootDetectingMutation(leaves)?.root
    }

    /// The block's merkle root over its txids (coinbase first).
    public static func root(txids: [Txid]) -> MerkleNode? {
        root(txids.map(MerkleNode.init))
    }

    /// Core's `ComputeMerkleRoot(hashes, &mutated)`: the root, and whether some level had two
    /// equal nodes in a pair position (the CVE-2012-2459 pattern). Nil for no leaves.
    public static func rootDetectingMutation(_ leaves: [MerkleNode]) -> (root: MerkleNode, mutated: Bool)? {
        guard !leaves.isEmpty else { return nil }
        var level = leaves.map(\.wire)
        var mutated = false
        while level.count > 1 {
            var pos = 0
            while pos + 1 < level.count {
                if level[pos] == level[pos + 1] { mutated = true }
                pos += 2
            }
            if level.count % 2 == 1, let last = level.last { level.append(last) }
            let half = level.count / 2
            for i in 0..<half {
                level[i] = SHA256Hash.hash256(level[2 * i], level[2 * i + 1])
            }
            level.removeLast(level.count - half)
        }
        return (MerkleNode(wire: level[0]), mutated)
    }

    /// BIP141 witness root: the same tree over wtxids, with the coinbase's wtxid (index 0) taken
    /// as 32 zero bytes whatever is passed there. Nil for no leaves.
    public static func witnessRoot(wtxids: [Wtxid]) -> MerkleNode? {
        guard !wtxids.isEmpty else { return nil }
        var leaves = wtxids.map(MerkleNode.init)
        leaves[0] = .zero
        return root(leaves)
    }

    /// The witness root of a template from its non-coinbase wtxids (the coinbase is implied).
    public static func witnessRoot(nonCoinbaseWtxids: [Wtxid]) -> MerkleNode {
        // Never nil: the coinbase's zero leaf is always there.
        root([.zero] + nonCoinbaseWtxids.map(MerkleNode.init)) ?? .zero
    }

    /// The coinbase merkle branch (Stratum V1 `merkle_branch`, SV2 `merkle_path`): the sibling of
    /// the path from leaf 0 at each level, in wire order, built from the template's other txids.
    /// Empty when the coinbase is the only transaction. It does not depend on the coinbase, so a
    /// pool computes it once per template; `fold` turns a coinbase txid into the root.
    public static func coinbaseBranch(nonCoinbaseTxids: [Txid]) -> [MerkleNode] {
        // Level nodes after index 0; index 0 (the coinbase's path) is never needed.
        var level = nonCoinbaseTxids.map(\.wire)
        var branch: [MerkleNode] = []
        while !level.isEmpty {
            branch.append(MerkleNode(wire: level[0]))
            // With the placeholder at 0, the pairs above it are (level[1], level[2]), (level[3], …);
            // an odd total count (placeholder included) duplicates the last node.
            var next: [Bytes32] = []
            next.reserveCapacity(level.count / 2)
            var i = 1
            while i < level.count {
                let right = i + 1 < level.count ? level[i + 1] : level[i]
                next.append(SHA256Hash.hash256(level[i], right))
                i += 2
            }
            level = next
        }
        return branch
    }

    /// Folds a branch from leaf 0: acc = leaf; for each sibling, acc = SHA-256d(acc ‖ sibling).
    public static func fold(coinbaseTxid: Txid, branch: [MerkleNode]) -> MerkleNode {
        branch.reduce(MerkleNode(coinbaseTxid)) { MerkleNode.parent($0, $1) }
    }

    /// Txids that occur more than once, each reported once, in order of first repetition.
    public static func duplicateTxids(_ txids: [Txid]) -> [Txid] {
        // Open addressing on the txid's first word (already uniformly random): Set<Txid> spent
        // most of its time seeding SipHash, 2.5 % of the verifier's time on 4,000 txids.
        var size = 16
        while size < txids.count * 2 { size <<= 1 }
        let mask = size - 1
        var table = [Int32](repeating: -1, count: size)
        var duplicates: [Txid] = []
        for (index, txid) in txids.enumerated() {
            var slot = Int(truncatingIfNeeded: txid.wire.w0) & mask
            while true {
                let occupant = table[slot]
                if occupant < 0 { table[slot] = Int32(index); break }
                if txids[Int(occupant)] == txid {
                    if !duplicates.contains(txid) { duplicates.append(txid) }
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        return duplicates
    }

}
