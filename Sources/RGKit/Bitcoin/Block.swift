/// A whole block: header and transactions, decoded (for tests, tools and block assembly checks).
/// The verifier's hot path uses `RawBlock` / `TransactionDigest` instead, which do not build
/// `Transaction` values.
public struct Block: Hashable, Sendable {
    public var header: BlockHeader
    public var transactions: [Transaction]

    public init(header: BlockHeader, transactions: [Transaction]) {
        self.header = header
        self.transactions = transactions
    }

    /// Decodes exactly one serialised block (witness included); leftover bytes are an error.
    public init(bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        header = try BlockHeader.decode(from: &reader)
        let count = try reader.readCount(limit: Transaction.maxCompactSize, minimumElementSize: Transaction.minimumEncodedSize)
        var transactions: [Transaction] = []
        transactions.reserveCapacity(count)
        for _ in 0..<count { transactions.append(try Transaction.decode(from: &reader)) }
        try reader.expectEnd()
        self.transactions = transactions
    }

    public init(hex: String) throws(DecodeError) {
        try self.init(bytes: try Hex.decode(hex))
    }

    /// The serialisation: with witness (what `submitblock` takes) or stripped.
    public func serialized(includingWitness: Bool = true) -> [UInt8] {
        var writer = ByteWriter(capacity: includingWitness ? size : strippedSize)
        header.encode(into: &writer)
        writer.writeCompactSize(transactions.count)
        for tx in transactions { tx.encode(into: &writer, includingWitness: includingWitness) }
        return writer.bytes
    }

    public var hash: BlockHash { header.hash }

    /// Header plus the transaction-count CompactSize: 81, 83, … bytes.
    public var overheadSize: Int { BlockHeader.encodedSize + ByteWriter.compactSizeLength(transactions.count) }

    public var size: Int { transactions.reduce(overheadSize) { $0 + $1.size } }
    public var strippedSize: Int { transactions.reduce(overheadSize) { $0 + $1.strippedSize } }
    /// BIP141 block weight: 4 × (header + count) + the transactions' weights.
    public var weight: Int { transactions.reduce(4 * overheadSize) { $0 + $1.weight } }

    public var txids: [Txid] { transactions.map(\.txid) }
    public var wtxids: [Wtxid] { transactions.map(\.wtxid) }

    /// The merkle root recomputed from the transactions; nil for a block without any.
    public var computedMerkleRoot: MerkleNode? { Merkle.root(txids: txids) }

    /// The BIP141 witness root (coinbase leaf zero); nil for a block without transactions.
    public var computedWitnessRoot: MerkleNode? { Merkle.witnessRoot(wtxids: wtxids) }

    /// The first transaction, if it is a coinbase.
    public var coinbase: Transaction? {
        guard let first = transactions.first, first.isCoinbase else { return nil }
        return first
    }

    /// The BIP34 height in the coinbase scriptSig, if it has a well-formed one.
    public var bip34Height: Int64? {
        coinbase.flatMap { BIP34.height(inScriptSig: $0.inputs[0].scriptSig) }
    }
}
