/// A block template made ready for miners: the gateway's coinbase split around its extranonce,
/// the coinbase merkle branch, the header fields, and the template's transactions kept as the
/// hex text they arrived in (so a found block is assembled without decoding anything).
///
/// Built once per template; every channel's job is derived from it (`merkleRoot(extranonce:)`
/// for a standard channel, the coinbase halves and branch for an extended one), and a winning
/// share becomes a block with `block(extranonce:version:ntime:nonce:)`.
public struct JobTemplate: Sendable {
    public let templateID: String
    public let height: Int64
    /// The tip this template builds on (wire order, as it goes into the header and SetNewPrevHash).
    public let prevHash: BlockHash
    /// The template's nVersion (BIP9 bits already set by the node).
    public let version: UInt32
    public let bits: CompactTarget
    /// The network target as little-endian bytes (a hash at or below it is a block).
    public let networkTarget: Bytes32
    /// The earliest ntime a share may use: max(curtime, mintime). Sent as the job's / the
    /// SetNewPrevHash's `min_ntime`; never below mintime (median time past + 1), below which
    /// a block would be invalid ("time-too-old").
    public let minNtime: UInt32
    public let coinbase: Coinbase
    public let merkleBranch: [MerkleNode]
    public let coinbaseValueSat: Int64
    /// Template transactions (coinbase excluded), in block order.
    public let transactionCount: Int
    /// When the template reached the gateway's input (the record's `received_ms`), if known.
    public let receivedMs: Int64?
    /// Each transaction's `data` as ASCII hex, in block order.
    let transactionDataHex: [ArraySlice<UInt8>]
    /// What the coinbase was built from, kept so `coinbaseOnly(subsidySat:)` can rebuild it. One
    /// reference, not four: the share path copies the template it judges against.
    private let coinbaseInputs: CoinbaseInputs

    private final class CoinbaseInputs: Sendable {
        let aux: [String: [UInt8]]
        let segwitActive: Bool
        let payout: Payout
        let layout: CoinbaseLayout

        init(aux: [String: [UInt8]], segwitActive: Bool, payout: Payout, layout: CoinbaseLayout) {
            self.aux = aux
            self.segwitActive = segwitActive
            self.payout = payout
            self.layout = layout
        }
    }

    /// Prepares `template`. Refuses a template whose block could not be assembled or would be
    /// invalid because of the coinbase: a transaction without `data` or txid, a bad prevhash or
    /// nBits, a scriptSig over 100 bytes, or a `default_witness_commitment` that does not match
    /// the transactions' wtxids.
    public init(template: BlockTemplate, templateID: String, payout: Payout, layout: CoinbaseLayout,
                receivedMs: Int64? = nil) throws(Coinbase.Error) {
        guard let prev = template.previousBlockHash else {
            throw Coinbase.Error(.invalidPrevHash, "previousblockhash \"\(template.previousBlockHashText)\" is not a 64-digit hash")
        }
        guard let target = template.bits.target else {
            throw Coinbase.Error(.invalidBits, "bits \(template.bits.hex) is not a valid proof-of-work target")
        }
        var txids: [Txid] = []
        var wtxids: [Wtxid] = []
        var data: [ArraySlice<UInt8>] = []
        txids.reserveCapacity(template.transactions.count)
        wtxids.reserveCapacity(template.transactions.count)
        data.reserveCapacity(template.transactions.count)
        var allWtxids = true
        for (index, tx) in template.transactions.enumerated() {
            // Pre-segwit templates list only `hash`, which then is the txid.
            guard let txid = tx.txid ?? tx.wtxid.map({ Txid(wire: $0.wire) }) else {
                throw Coinbase.Error(.missingTxid, "transaction \(index) has neither txid nor hash")
            }
            guard let hex = tx.dataHex, !hex.isEmpty, hex.count % 2 == 0 else {
                throw Coinbase.Error(.missingTransactionData, "transaction \(index) (\(txid.displayHex)) has no data: a found block could not be submitted")
            }
            txids.append(txid)
            if let wtxid = tx.wtxid { wtxids.append(wtxid) } else { allWtxids = false }
            data.append(hex)
        }
        let segwitActive = template.rules.contains("segwit") || template.rules.contains("!segwit")
        var commitment = template.defaultWitnessCommitment
        if allWtxids {
            let computed = WitnessCommitment(witnessRoot: Merkle.witnessRoot(nonCoinbaseWtxids: wtxids)).scriptPubKey.bytes
            if let given = commitment, given != computed {
                throw Coinbase.Error(.commitmentMismatch, "default_witness_commitment \(Hex.encode(given)) does not commit to the template's wtxids (expected \(Hex.encode(computed)))")
            }
            if commitment == nil && segwitActive { commitment = computed }
        }
        coinbase = try Coinbase(height: template.height, coinbaseAux: template.coinbaseAux, coinbaseValueSat: template.coinbaseValue,
                                commitmentScript: commitment, segwitActive: segwitActive, payout: payout, layout: layout)
        coinbaseInputs = CoinbaseInputs(aux: template.coinbaseAux, segwitActive: segwitActive, payout: payout, layout: layout)
        self.templateID = templateID
        height = template.height
        prevHash = prev
        version = UInt32(bitPattern: template.version)
        bits = template.bits
        networkTarget = target
        let floor = max(template.curTime, template.minTime ?? 0)
        minNtime = UInt32(clamping: floor)
        merkleBranch = Merkle.coinbaseBranch(nonCoinbaseTxids: txids)
        coinbaseValueSat = template.coinbaseValue
        transactionCount = txids.count
        transactionDataHex = data
        self.receivedMs = receivedMs
    }

    private init(coinbaseOnlyFrom t: JobTemplate, coinbase: Coinbase, subsidySat: Int64) {
        templateID = t.templateID
        height = t.height
        prevHash = t.prevHash
        version = t.version
        bits = t.bits
        networkTarget = t.networkTarget
        minNtime = t.minNtime
        self.coinbase = coinbase
        merkleBranch = []
        coinbaseValueSat = subsidySat
        transactionCount = 0
        receivedMs = t.receivedMs
        transactionDataHex = []
        coinbaseInputs = t.coinbaseInputs
    }

    /// The same tip, height, bits, version and times with no transaction but the coinbase, which
    /// pays `subsidySat` (there are no fees) and, under segwit, commits to the empty witness tree
    /// as Core does for an empty mempool. This is the work a template whose transactions make the
    /// block invalid can still give on its tip.
    public func coinbaseOnly(subsidySat: Int64) throws(Coinbase.Error) -> JobTemplate {
        let commitment = coinbaseInputs.segwitActive
            ? WitnessCommitment(witnessRoot: Merkle.witnessRoot(nonCoinbaseWtxids: [])).scriptPubKey.bytes : nil
        let coinbase = try Coinbase(height: height, coinbaseAux: coinbaseInputs.aux, coinbaseValueSat: subsidySat,
                                    commitmentScript: commitment, segwitActive: coinbaseInputs.segwitActive,
                                    payout: coinbaseInputs.payout, layout: coinbaseInputs.layout)
        return JobTemplate(coinbaseOnlyFrom: self, coinbase: coinbase, subsidySat: subsidySat)
    }

    /// The header merkle root for a coinbase carrying `extranonce` (a standard channel's
    /// prefix, or an extended channel's prefix ‖ the miner's part).
    public func merkleRoot(extranonce: UnsafeRawBufferPointer) -> MerkleNode {
        Merkle.fold(coinbaseTxid: coinbase.txid(extranonce: extranonce), branch: merkleBranch)
    }

    public func merkleRoot(extranonce: [UInt8]) -> MerkleNode {
        extranonce.withUnsafeBytes { merkleRoot(extranonce: $0) }
    }

    /// The 80-byte header a share describes.
    public func header(merkleRoot: MerkleNode, version: UInt32, ntime: UInt32, nonce: UInt32) -> BlockHeader {
        BlockHeader(version: Int32(bitPattern: version), prevBlockHash: prevHash, merkleRoot: merkleRoot,
                    time: ntime, bits: bits, nonce: nonce)
    }

    /// The full block for a share: header, transaction count, the coinbase (with its witness
    /// when segwit is active) and the template's transactions, as the hex `submitblock` takes
    /// (ASCII bytes, the form a `block` record carries).
    public func block(extranonce: [UInt8], version: UInt32, ntime: UInt32, nonce: UInt32) -> (hex: [UInt8], hash: BlockHash) {
        let header = self.header(merkleRoot: merkleRoot(extranonce: extranonce), version: version, ntime: ntime, nonce: nonce)
        var head = ByteWriter(capacity: 100)
        header.encode(into: &head)
        head.writeCompactSize(transactionCount + 1)
        let coinbaseBytes = coinbase.blockBytes(extranonce: extranonce)
        let total = 2 * (head.count + coinbaseBytes.count) + transactionDataHex.reduce(0) { $0 + $1.count }
        var ascii: [UInt8] = []
        ascii.reserveCapacity(total)
        func appendHex(_ bytes: [UInt8]) {
            for b in bytes {
                ascii.append(Hex.digits[Int(b >> 4)])
                ascii.append(Hex.digits[Int(b & 0x0F)])
            }
        }
        appendHex(head.bytes)
        appendHex(coinbaseBytes)
        for hex in transactionDataHex {
            // Lowercase whatever case the template used: the record contract prints lowercase hex.
            for c in hex { ascii.append(c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F") ? c + 32 : c) }
        }
        return (ascii, header.hash)
    }
}
