/// Generates synthetic but real templates for `rg-feed demo`: every transaction is a decodable
/// segwit transaction (P2WPKH spends of random prevouts), and txid, wtxid, weight, sigops, fee,
/// `coinbasevalue` and `default_witness_commitment` are all consistent, so a normal template
/// passes the verifier's consensus re-derivation and a gateway can build a valid block from it.
///
/// Pure: the caller passes the clock; the same seed gives the same templates (time fields
/// aside, which follow the clock the caller passes).
public struct DemoFeed: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64
        public var network: Network
        public var startHeight: Int64
        /// Transactions in a normal template.
        public var txs: Int
        public var scenario: DemoScenario
        public init(seed: UInt64, network: Network = .mainnet, startHeight: Int64 = 890_000, txs: Int = 2000, scenario: DemoScenario = .cycle) {
            self.seed = seed
            self.network = network
            self.startHeight = startHeight
            self.txs = txs
            self.scenario = scenario
        }
    }

    /// One generated template record and what it is meant to show.
    public struct Output: Sendable {
        public var record: [UInt8]
        public var templateID: String
        public var scenario: DemoScenario
        public var height: Int64
    }

    public let options: Options
    private var rng: SeededGenerator
    private var tipHeight: Int64
    private var tipHash: Bytes32
    private var emitted = 0
    /// The block the rest of the network finds on a normal template; it becomes the tip when
    /// the next template is made, unless a block of ours was adopted on that tip first.
    private var networkBlockPending = false
    private var counts: [DemoScenario: Int] = [:]
    private var longPollCounter = 0

    public init(options: Options) {
        self.options = options
        rng = SeededGenerator(seed: options.seed)
        tipHeight = options.startHeight - 1
        tipHash = DemoFeed.blockHash(seed: options.seed, height: options.startHeight - 1, branch: 0)
    }

    public mutating func next(nowMs: Int64) -> Output {
        if networkBlockPending {
            networkBlockPending = false
            tipHeight += 1
            tipHash = DemoFeed.blockHash(seed: options.seed, height: tipHeight, branch: 0)
        }
        let scenario: DemoScenario
        switch options.scenario {
        case .cycle: scenario = DemoScenario.cycleOrder[emitted % DemoScenario.cycleOrder.count]
        case .reorg where emitted % 2 == 0: scenario = .normal   // a regression needs a tip to regress from
        default: scenario = options.scenario
        }
        let occurrence = counts[scenario, default: 0]
        counts[scenario] = occurrence + 1
        emitted += 1
        let output = build(scenario, occurrence: occurrence, nowMs: nowMs)
        // In a reorg-only stream the normal templates stay on one tip, so each competing
        // template really is below the best height already seen.
        if scenario == .normal && options.scenario != .reorg {
            // A block is found on top of every normal template: the next template builds on it.
            networkBlockPending = true
        }
        return output
    }

    /// A block found by a miner of ours (as the node reports it) on the feed's current tip
    /// becomes the tip, ahead of the network's: the next template builds on it, as a node's
    /// next template builds on the block it just accepted. A block on any other parent, or at
    /// another height, is someone else's stale block and changes nothing. True if adopted.
    public mutating func adopt(hash: BlockHash, previousBlockHash: BlockHash, height: Int64) -> Bool {
        guard height == tipHeight + 1, previousBlockHash.wire == tipHash else { return false }
        tipHeight = height
        tipHash = hash.wire
        networkBlockPending = false
        return true
    }

    /// `adopt` for a node's block record; false for one without a height or whose hashes do
    /// not parse.
    public mutating func adopt(_ record: BlockRecord) -> Bool {
        guard let height = record.height, let hash = try? BlockHash(displayHex: record.hash) else { return false }
        let previous: BlockHash?
        if let text = record.prevHash {
            previous = try? BlockHash(displayHex: text)
        } else {
            let header: [UInt8]? = record.blockHex.prefix(160).withUnsafeBytes { try? Hex.decode($0) }
            previous = header.flatMap { try? BlockHeader(bytes: $0) }?.prevBlockHash
        }
        guard let previous else { return false }
        return adopt(hash: hash, previousBlockHash: previous, height: height)
    }

    // MARK: building

    private struct Spec {
        var txCount = 0
        var feeRange: ClosedRange<Double> = 6_000...40_000
        var exactAverageFee: Int64?
        var inputsPerTx = 1
        var multisigOutput = false
        var mempool: Int64? = 50_000
        var zeroCoinbase = false
        var curtimeOffsetSec: Int64 = 0
        var height: Int64
        var prevHash: Bytes32
    }

    private mutating func build(_ scenario: DemoScenario, occurrence: Int, nowMs: Int64) -> Output {
        let n = max(1, options.txs)
        var spec = Spec(height: tipHeight + 1, prevHash: tipHash)
        spec.txCount = n
        spec.mempool = rng.int(in: 45_000...55_000)
        switch scenario {
        case .normal, .cycle:
            break
        case .lowFees:
            spec.feeRange = 100...400
            spec.mempool = 85_000
        case .highSigops:
            // A bare 1-of-3 multisig output costs 80 sigops (20 legacy × 4); 1,200 of them
            // exceed the 80,000 budget no honest node would fill.
            spec.txCount = 1_200
            spec.multisigOutput = true
            spec.mempool = 30_000
        case .empty:
            spec.txCount = 0
            spec.mempool = 200
        case .zeroCoinbase:
            spec.txCount = min(n, 500)
            spec.zeroCoinbase = true
            spec.mempool = 40_000
        case .heavyWeight:
            // 20-input spends of about 5,710 WU each, filled past 99.9 % of the block.
            spec.txCount = 720
            spec.inputsPerTx = 20
            spec.mempool = 50_000
        case .feeSweep:
            let averages: [Int64] = [500, 1_500, 2_500, 4_500, 5_500, 9_000]
            let mempools: [Int64] = [0, 30, 30_000]
            spec.exactAverageFee = averages[occurrence % averages.count]
            spec.mempool = mempools[(occurrence / averages.count) % mempools.count]
        case .reorg:
            // The tip goes back one block and a competing prevhash appears at that height.
            spec.height = tipHeight
            spec.prevHash = DemoFeed.blockHash(seed: options.seed, height: tipHeight - 1, branch: UInt64(occurrence) + 1)
        case .stale:
            spec.curtimeOffsetSec = -300
        case .tampered:
            break
        }
        var template = makeTemplate(spec, nowMs: nowMs)
        if scenario == .tampered { tamper(&template, variant: occurrence % 3) }
        let id = TemplateID.compute(previousBlockHash: spec.prevHash, height: spec.height,
                                    coinbaseValue: template.coinbaseValue, txids: template.txs.map(\.declaredTxid))
        let mempool = spec.mempool.map { MempoolStats(txCount: $0, bytes: $0 * 250, minFeeSatPerKvB: 1_000) }
        let gbt = encodeGBT(template, spec: spec, nowMs: nowMs)
        let record = TemplateRecord.encode(id: id, source: "demo", receivedMs: nowMs, mempool: mempool, gbtJSON: gbt)
        return Output(record: record, templateID: id, scenario: scenario, height: spec.height)
    }

    private struct SyntheticTx {
        var data: [UInt8]
        var txid: Txid
        var wtxid: Wtxid
        var declaredTxid: Txid
        var declaredWtxid: Wtxid
        var fee: Int64
        var sigops: Int64
        var weight: Int64
    }

    private struct SyntheticTemplate {
        var txs: [SyntheticTx]
        var coinbaseValue: Int64
        var commitment: [UInt8]
    }

    private mutating func makeTemplate(_ spec: Spec, nowMs: Int64) -> SyntheticTemplate {
        var txs: [SyntheticTx] = []
        txs.reserveCapacity(spec.txCount)
        var fees: [Int64] = (0..<spec.txCount).map { _ in Int64(rng.logUniform(spec.feeRange.lowerBound, spec.feeRange.upperBound)) }
        if let average = spec.exactAverageFee, spec.txCount > 0 {
            // Spread around the average, then correct the last fee so floor(total / n) == average.
            fees = (0..<spec.txCount).map { _ in average + rng.int(in: -average / 4...average / 4) }
            let drift = fees.reduce(0, +) - average * Int64(spec.txCount)
            fees[fees.count - 1] -= drift
        }
        for fee in fees {
            let tx = makeTransaction(inputs: spec.inputsPerTx, multisig: spec.multisigOutput)
            let legacySigops = Int64(tx.legacySigOpCost)
            let witnessSigops = Int64(spec.inputsPerTx)   // one per P2WPKH input
            let txid = tx.txid, wtxid = tx.wtxid
            txs.append(SyntheticTx(data: tx.serialized(), txid: txid, wtxid: wtxid, declaredTxid: txid, declaredWtxid: wtxid,
                                   fee: fee, sigops: legacySigops + witnessSigops, weight: Int64(tx.weight)))
        }
        let totalFees = fees.reduce(0, +)
        let coinbaseValue = spec.zeroCoinbase ? 0 : options.network.subsidy(height: Int(spec.height)) + totalFees
        let root = Merkle.witnessRoot(nonCoinbaseWtxids: txs.map(\.wtxid))
        let commitment = WitnessCommitment(witnessRoot: root).scriptPubKey.bytes
        return SyntheticTemplate(txs: txs, coinbaseValue: coinbaseValue, commitment: commitment)
    }

    /// A version-2 spend of `inputs` random P2WPKH outputs to two P2WPKH outputs (or one plus a
    /// bare multisig). Signatures are random bytes shaped like DER: decodable, not spendable.
    private mutating func makeTransaction(inputs: Int, multisig: Bool) -> Transaction {
        var ins: [TxIn] = []
        for _ in 0..<inputs {
            let prevout = OutPoint(txid: Txid(wire: Bytes32(rng.bytes(32))!), vout: UInt32(rng.int(in: 0...3)))
            let signature = [0x30, 0x44, 0x02, 0x20] + rng.bytes(32) + [0x02, 0x20] + rng.bytes(32) + [0x01]
            let pubkey = [UInt8(2 + rng.int(in: 0...1))] + rng.bytes(32)
            ins.append(TxIn(prevout: prevout, scriptSig: Script(), sequence: 0xFFFF_FFFD, witness: [signature, pubkey]))
        }
        var outs = [TxOut(valueSat: rng.int(in: 10_000...50_000_000), scriptPubKey: Script([0x00, 0x14] + rng.bytes(20)))]
        if multisig {
            var script: [UInt8] = [0x51]   // OP_1
            for _ in 0..<3 { script += [0x21, UInt8(2 + rng.int(in: 0...1))] + rng.bytes(32) }
            script += [0x53, 0xAE]         // OP_3 OP_CHECKMULTISIG
            outs.append(TxOut(valueSat: 1_000, scriptPubKey: Script(script)))
        } else {
            outs.append(TxOut(valueSat: rng.int(in: 10_000...50_000_000), scriptPubKey: Script([0x00, 0x14] + rng.bytes(20))))
        }
        return Transaction(version: 2, inputs: ins, outputs: outs, lockTime: 0)
    }

    /// Changes one declared value so it disagrees with the data: weight, txid or wtxid.
    private func tamper(_ template: inout SyntheticTemplate, variant: Int) {
        guard !template.txs.isEmpty else { return }
        let index = template.txs.count / 2
        switch variant {
        case 0: template.txs[index].weight += 4
        case 1: template.txs[index].declaredTxid = Txid(wire: SHA256Hash.hash(template.txs[index].txid.wire.bytes))
        default: template.txs[index].declaredWtxid = Wtxid(wire: SHA256Hash.hash(template.txs[index].wtxid.wire.bytes))
        }
    }

    private mutating func encodeGBT(_ t: SyntheticTemplate, spec: Spec, nowMs: Int64) -> [UInt8] {
        let curtime = nowMs / 1000 + spec.curtimeOffsetSec
        let bits = DemoFeed.bits(for: options.network)
        longPollCounter += 1
        var w = JSONWriter(capacity: 700 * t.txs.count + 1024)
        w.beginObject()
        w.key("capabilities"); w.beginArray(); w.string("proposal"); w.endArray()
        w.field("version", 0x2000_0000)
        w.key("rules"); w.beginArray()
        for rule in options.network == .signet ? ["csv", "!segwit", "taproot", "!signet"] : ["csv", "!segwit", "taproot"] { w.string(rule) }
        w.endArray()
        w.key("vbavailable"); w.beginObject(); w.endObject()
        w.field("vbrequired", 0)
        w.key("previousblockhash"); w.asciiString(Array(spec.prevHash.reversed.hex.utf8))
        w.key("transactions"); w.beginArray()
        for tx in t.txs {
            w.beginObject()
            w.key("data"); w.asciiString(Array(Hex.encode(tx.data).utf8))
            w.key("txid"); w.asciiString(Array(tx.declaredTxid.displayHex.utf8))
            w.key("hash"); w.asciiString(Array(tx.declaredWtxid.displayHex.utf8))
            w.key("depends"); w.beginArray(); w.endArray()
            w.field("fee", tx.fee)
            w.field("sigops", tx.sigops)
            w.field("weight", tx.weight)
            w.endObject()
        }
        w.endArray()
        w.key("coinbaseaux"); w.beginObject(); w.endObject()
        w.field("coinbasevalue", t.coinbaseValue)
        w.field("longpollid", spec.prevHash.reversed.hex + String(longPollCounter))
        w.field("target", bits.targetValue?.bigEndianHex ?? "")
        w.field("mintime", curtime - 600)
        w.key("mutable"); w.beginArray(); for m in ["time", "transactions", "prevblock"] { w.string(m) }; w.endArray()
        w.field("noncerange", "00000000ffffffff")
        w.field("sigoplimit", 80_000)
        w.field("sizelimit", 4_000_000)
        w.field("weightlimit", 4_000_000)
        w.field("curtime", curtime)
        w.field("bits", bits.hex)
        w.field("height", spec.height)
        if options.network == .signet { w.field("signet_challenge", "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae") }
        w.field("default_witness_commitment", Hex.encode(t.commitment))
        w.endObject()
        return w.bytes
    }

    /// A block hash for (seed, height, branch) that looks like one (leading zero bytes).
    static func blockHash(seed: UInt64, height: Int64, branch: UInt64) -> Bytes32 {
        var w = ByteWriter()
        w.write(Array("reservegrid/demo-block".utf8))
        w.writeLE(seed)
        w.writeLE(UInt64(bitPattern: height))
        w.writeLE(branch)
        var bytes = SHA256Hash.hash256(w.bytes).bytes
        for i in 24..<32 { bytes[i] = 0 }   // internal order: the zeros lead in display order
        return Bytes32(bytes)!
    }

    static func bits(for network: Network) -> CompactTarget {
        switch network {
        case .regtest: CompactTarget(rawValue: 0x207F_FFFF)
        case .mainnet: CompactTarget(rawValue: 0x1702_C4E4)
        default: CompactTarget(rawValue: 0x1D00_FFFF)
        }
    }
}
