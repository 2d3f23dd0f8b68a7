/// The checks `rg-feed rpc` makes on a `submitblock` (or a BIP23 proposal) before answering
/// like Core: JSON null for a block it accepts, otherwise Core's reject reason. It knows only
/// the templates it served, not the chain, so it checks what can be checked against them, in
/// Core's order (CheckBlock, then the checks against the previous block):
///
/// | answer | when |
/// |---|---|
/// | RPC error -22 "Block decode failed" | not hex, or not a block |
/// | RPC error -22 "Block does not start with a coinbase" | first transaction is not a coinbase |
/// | "duplicate" | this block was already accepted |
/// | "high-hash" | the header hash exceeds its own nBits target (not for proposals) |
/// | "bad-txnmrklroot" / "bad-txns-duplicate" | merkle root wrong / CVE-2012-2459 mutation |
/// | "bad-blk-weight" | weight over 4,000,000 |
/// | "bad-witness-nonce-size" / "bad-witness-merkle-match" | witness commitment wrong |
/// | "prev-blk-not-found" | builds on a block no template named |
/// | "inconclusive-not-best-prevblk" | a proposal not on the node's tip (an older tip, or the tip a block has since been accepted on) |
/// | "bad-diffbits" | nBits differs from the template's for that parent |
/// | "bad-cb-height" | BIP34 height differs from the template's for that parent |
/// | "bad-cb-amount" | coinbase pays more than the matching template's coinbasevalue |
/// | "inconclusive" | a valid submitted block that does not become the tip: it builds on an older tip, or a block was already accepted on the same parent (at equal work Core keeps the first it saw). Core stores it, so a resubmission is a "duplicate" |
///
/// Scripts, signatures and spent outputs are not checked: that needs the UTXO set. A block
/// built on a block accepted here (not on a served template's parent) is "prev-blk-not-found":
/// no template describes its parent, so its height and bits cannot be checked.
public enum SubmittedBlockCheck {
    public enum Outcome: Sendable, Equatable {
        /// Valid and on the node's tip: it becomes the tip. `templateID` is the served template
        /// with the same transaction set, if any.
        case accepted(hash: String, height: Int64, previousBlockHash: String, templateID: String?)
        /// Valid but not on the node's tip: stored on a side branch, answered "inconclusive".
        case sideBranch(hash: String)
        case rejected(String)
        case decodeFailed(String)
    }

    /// A `submitblock` is mined and may land on a side branch; a BIP23 proposal is not mined and
    /// must build on the tip.
    public enum Purpose: Sendable { case submission, proposal }

    public static let maxBlockWeight = Int(ConsensusLimits.maxBlockWeight)

    /// `templates` are the recently served ones, newest last; `tips` every previous-block hash a
    /// served template named; `known` the hashes of blocks already stored (accepted or on a side
    /// branch); `extendedTips` the parents a block has already been accepted on.
    public static func check(hex: some Collection<UInt8>, templates: [TemplateSnapshot], tips: Set<String>, known: Set<String>,
                             extendedTips: Set<String> = [], network: Network, purpose: Purpose = .submission) -> Outcome {
        guard hex.count % 2 == 0, let bytes = Array(hex).withUnsafeBytes({ try? Hex.decode($0) }) else {
            return .decodeFailed("Block decode failed")
        }
        let block: RawBlock
        do { block = try RawBlock(bytes: bytes) } catch { return .decodeFailed("Block decode failed") }
        guard let first = block.transactions.first, first.digest.isCoinbase else {
            return .decodeFailed("Block does not start with a coinbase")
        }
        let hash = block.header.hash.displayHex
        if known.contains(hash) { return .rejected("duplicate") }
        if purpose == .submission && !block.header.hasValidProofOfWork(powLimit: network.powLimit) { return .rejected("high-hash") }
        guard let merkle = Merkle.rootDetectingMutation(block.txids.map(MerkleNode.init)), merkle.root == block.header.merkleRoot else {
            return .rejected("bad-txnmrklroot")
        }
        if merkle.mutated { return .rejected("bad-txns-duplicate") }
        if block.weight > maxBlockWeight { return .rejected("bad-blk-weight") }
        guard let coinbase = try? Transaction(bytes: Array(block.transactionBytes(0))) else {
            return .decodeFailed("Block decode failed")
        }
        if let reason = witnessReason(block, coinbase: coinbase) { return .rejected(reason) }

        let prev = block.header.prevBlockHash.displayHex
        guard let current = templates.last, tips.contains(prev) else { return .rejected("prev-blk-not-found") }
        let onTip = prev == current.previousBlockHash && !extendedTips.contains(prev)
        // Core's proposal mode checks the parent first: only a block on the tip can be judged.
        if purpose == .proposal && !onTip { return .rejected("inconclusive-not-best-prevblk") }
        // The older tip's templates have left the window: nothing left to check it against.
        guard let parent = templates.last(where: { $0.previousBlockHash == prev }) else { return .sideBranch(hash: hash) }
        if block.header.bits != parent.bits { return .rejected("bad-diffbits") }
        if BIP34.height(inScriptSig: coinbase.inputs[0].scriptSig) != parent.height { return .rejected("bad-cb-height") }
        let nonCoinbase = Set(block.txids.dropFirst())
        let match = templates.last { $0.previousBlockHash == prev && $0.txids == nonCoinbase }
        if let match {
            let paid = coinbase.outputs.reduce(Int64(0)) { $0 &+ $1.valueSat }
            if paid > match.coinbaseValue { return .rejected("bad-cb-amount") }
        }
        guard onTip else { return .sideBranch(hash: hash) }
        return .accepted(hash: hash, height: parent.height, previousBlockHash: prev, templateID: match?.templateID)
    }

    /// BIP141: a block with witness data must commit to it in the coinbase, and the coinbase's
    /// witness must be the single 32-byte reserved value. A block without witness data may
    /// carry a commitment, which must then be right too.
    static func witnessReason(_ block: RawBlock, coinbase: Transaction) -> String? {
        let anyWitness = block.transactions.dropFirst().contains { $0.digest.hasWitness }
        guard let commitment = WitnessCommitment(coinbase: coinbase) else {
            return anyWitness ? "unexpected-witness" : nil
        }
        let stack = coinbase.inputs[0].witness
        guard stack.count == 1, stack[0].count == 32, let reserved = Bytes32(stack[0]) else { return "bad-witness-nonce-size" }
        guard let root = Merkle.witnessRoot(wtxids: block.wtxids) else { return "bad-witness-merkle-match" }
        return WitnessCommitment(witnessRoot: root, reservedValue: reserved) == commitment ? nil : "bad-witness-merkle-match"
    }
}
