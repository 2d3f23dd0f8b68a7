/// A real block seen as the template it could have been mined from, so a verifier can be run
/// against real blocks (`rg-fetch block FILE`).
///
/// Derived from the block: `version`, `previousblockhash`, `curtime` (the header's time),
/// `bits` and `target`, `height` (BIP34, or given for older blocks), every non-coinbase
/// transaction with its `data`, `txid`, `hash` (wtxid), `weight` and `depends` (the 1-based
/// indexes of earlier transactions in the block it spends), `coinbasevalue` (what the coinbase
/// pays: subsidy plus the fees the miner claimed), `default_witness_commitment` (the coinbase's
/// commitment output), the consensus limits, and `rules` (`!segwit` when the block commits to
/// witnesses).
/// Not derivable without the spent outputs, so left out rather than guessed: each transaction's
/// `fee` and `sigops` (BIP22: a missing key means unknown), `mintime`, `longpollid`.
public enum BlockAsTemplate {
    public struct Output: Sendable {
        public var gbtJSON: [UInt8]
        public var templateID: String
        public var height: Int64
        public var transactionCount: Int
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func make(_ block: RawBlock, height declaredHeight: Int64? = nil) throws(Failure) -> Output {
        guard let first = block.transactions.first, first.digest.isCoinbase else {
            throw Failure(message: "the block's first transaction is not a coinbase")
        }
        let coinbase: Transaction
        do { coinbase = try Transaction(bytes: Array(block.transactionBytes(0))) } catch {
            throw Failure(message: "the coinbase does not decode: \(error)")
        }
        // BIP34 binds version-2 and later blocks only; a version-1 coinbase often starts with
        // a push of nBits, which would read as a nonsense height.
        let bip34 = block.header.version >= 2 ? BIP34.height(inScriptSig: coinbase.inputs[0].scriptSig) : nil
        let height: Int64
        switch (declaredHeight, bip34) {
        case (let given?, let found?) where given != found:
            throw Failure(message: "--height \(given), but the coinbase declares height \(found) (BIP34)")
        case (let given?, _): height = given
        case (nil, let found?): height = found
        case (nil, nil):
            throw Failure(message: "the coinbase carries no BIP34 height (a version-1 block, from before BIP34); pass --height")
        }

        // depends: which earlier transactions of the block each one spends (1-based, as GBT).
        var indexByTxid: [Txid: Int] = [:]
        var transactions: [(entry: RawBlock.Entry, depends: [Int])] = []
        for index in 1..<block.transactions.count {
            let entry = block.transactions[index]
            let tx: Transaction
            do { tx = try Transaction(bytes: Array(block.transactionBytes(index))) } catch {
                throw Failure(message: "transaction \(index) does not decode: \(error)")
            }
            var depends: [Int] = []
            for input in tx.inputs {
                if let parent = indexByTxid[input.prevout.txid], !depends.contains(parent) { depends.append(parent) }
            }
            depends.sort()
            indexByTxid[entry.digest.txid] = index
            transactions.append((entry, depends))
        }

        let commitment = WitnessCommitment(coinbase: coinbase)
        let paid = coinbase.outputs.reduce(Int64(0)) { $0 &+ $1.valueSat }
        let header = block.header
        var w = JSONWriter(capacity: 2 * block.size + 160 * block.transactions.count + 1_024)
        w.beginObject()
        w.key("capabilities"); w.beginArray(); w.endArray()
        w.field("version", Int64(header.version))
        w.key("rules"); w.beginArray(); if commitment != nil { w.string("!segwit") }; w.endArray()
        w.key("vbavailable"); w.beginObject(); w.endObject()
        w.field("vbrequired", 0)
        w.field("previousblockhash", header.prevBlockHash.displayHex)
        w.key("transactions")
        w.beginArray()
        for (entry, depends) in transactions {
            w.beginObject()
            w.key("data"); w.asciiString(Array(Hex.encode(block.bytes[entry.range]).utf8))
            w.field("txid", entry.digest.txid.displayHex)
            w.field("hash", Txid(wire: entry.digest.wtxid.wire).displayHex)
            w.key("depends"); w.beginArray(); for d in depends { w.int(d) }; w.endArray()
            w.field("weight", entry.digest.weight)
            w.endObject()
        }
        w.endArray()
        w.key("coinbaseaux"); w.beginObject(); w.endObject()
        w.field("coinbasevalue", paid)
        if let target = header.bits.targetValue { w.field("target", target.bigEndianHex) }
        w.key("mutable"); w.beginArray(); w.string("time"); w.string("transactions"); w.string("prevblock"); w.endArray()
        w.field("noncerange", "00000000ffffffff")
        let segwit = commitment != nil || block.transactions.contains { $0.digest.hasWitness }
        w.field("sigoplimit", segwit ? 80_000 : 20_000)
        w.field("sizelimit", segwit ? 4_000_000 : 1_000_000)
        if segwit { w.field("weightlimit", 4_000_000) }
        w.field("curtime", Int64(header.time))
        w.field("bits", header.bits.hex)
        w.field("height", height)
        if let commitment { w.field("default_witness_commitment", commitment.scriptPubKey.bytes.hex) }
        w.endObject()

        let txids = transactions.map(\.entry.digest.txid)
        let id = TemplateID.compute(previousBlockHash: header.prevBlockHash.wire, height: height, coinbaseValue: paid, txids: txids)
        return Output(gbtJSON: w.bytes, templateID: id, height: height, transactionCount: txids.count)
    }
}
