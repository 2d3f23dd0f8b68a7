/// A `getblocktemplate` result as Bitcoin Core returns it (BIP22/23/9/145 fields). Decoded from
/// the record's JSON without copying transaction data: each transaction keeps its `data` as a
/// slice of the original text. Fields we do not model stay in the original JSON, which records
/// carry verbatim.
public struct BlockTemplate: Sendable {
    public struct Transaction: Sendable {
        /// The `data` hex text, still ASCII (a slice of the record's bytes); nil if absent.
        public var dataHex: ArraySlice<UInt8>?
        public var txid: Txid?
        /// The wtxid (`hash`); equals the txid for transactions without witness.
        public var wtxid: Wtxid?
        /// 1-based indexes of earlier transactions this one spends from.
        public var depends: [Int]
        /// Satoshis; nil when not reported (BIP22: unknown, not zero).
        public var fee: Int64?
        /// Sigop cost (BIP141 units); nil when not reported.
        public var sigops: Int64?
        public var weight: Int64?
    }

    public var version: Int32
    public var rules: [String]
    public var vbAvailable: [String: Int64]
    public var vbRequired: Int64
    /// `previousblockhash` exactly as given, and parsed when it is a valid 64-digit hash.
    public var previousBlockHashText: String
    public var previousBlockHash: BlockHash?
    public var transactions: [Transaction]
    /// Values concatenated in sorted-key order go into the coinbase scriptSig.
    public var coinbaseAux: [String: [UInt8]]
    public var coinbaseValue: Int64
    public var longPollID: String?
    public var target: String?
    public var minTime: Int64?
    public var mutable: [String]
    public var nonceRange: String?
    public var sigopLimit: Int64?
    public var sizeLimit: Int64?
    public var weightLimit: Int64?
    public var curTime: Int64
    public var bits: CompactTarget
    public var height: Int64
    /// The whole commitment output script (`6a24aa21a9ed…`), when segwit is active.
    public var defaultWitnessCommitment: [UInt8]?
    public var signetChallenge: [UInt8]?
    /// Some sources (BIP22 `coinbasetxn`) report the coinbase's own sigop cost.
    public var coinbaseSigops: Int64?

    public var hasTransactionData: Bool { !transactions.isEmpty && transactions.allSatisfy { $0.dataHex != nil } }

    /// Decodes the GBT object at `path` (for error messages, e.g. "gbt").
    public init(json: JSONValue, path: String = "gbt") throws(JSONError) {
        let r = try JSONObjectReader(json, path: path)
        version = Int32(truncatingIfNeeded: try r.requiredInt("version", in: Int64(Int32.min)...Int64(UInt32.max)))
        rules = try Self.strings(r, "rules")
        vbAvailable = [:]
        if let vb = try r.optionalObject("vbavailable") {
            for (key, value) in vb.value.members {
                guard let n = value.int64 else { throw vb.wrongType(key.string, "an integer", value) }
                vbAvailable[key.string] = n
            }
        }
        vbRequired = try r.optionalInt("vbrequired") ?? 0
        previousBlockHashText = try r.requiredString("previousblockhash")
        previousBlockHash = try? BlockHash(displayHex: previousBlockHashText)
        coinbaseValue = try r.requiredInt("coinbasevalue", in: 0...Int64.max)
        longPollID = try r.optionalString("longpollid")
        target = try r.optionalString("target")
        minTime = try r.optionalInt("mintime")
        mutable = try Self.strings(r, "mutable")
        nonceRange = try r.optionalString("noncerange")
        sigopLimit = try r.optionalInt("sigoplimit", in: 0...Int64.max)
        sizeLimit = try r.optionalInt("sizelimit", in: 0...Int64.max)
        weightLimit = try r.optionalInt("weightlimit", in: 0...Int64.max)
        curTime = try r.requiredInt("curtime", in: 0...Int64(UInt32.max))
        let bitsText = try r.requiredString("bits")
        do { bits = try CompactTarget(hex: bitsText) } catch {
            throw JSONError(.wrongType, "\(r.fieldPath("bits")): \"\(bitsText)\" is not 8 hex digits")
        }
        height = try r.requiredInt("height", in: 0...Int64(Int32.max))
        defaultWitnessCommitment = try r.optionalHex("default_witness_commitment")
        signetChallenge = try r.optionalHex("signet_challenge")
        coinbaseAux = [:]
        if let aux = try r.optionalObject("coinbaseaux") {
            for (key, _) in aux.value.members { coinbaseAux[key.string] = try aux.optionalHex(key.string) ?? [] }
        }
        coinbaseSigops = try r.optionalObject("coinbasetxn")?.optionalInt("sigops", in: 0...Int64.max)

        guard let txs = try r.optionalArray("transactions") else {
            throw JSONError(.missingField, "missing \"\(r.fieldPath("transactions"))\"")
        }
        var list: [Transaction] = []
        list.reserveCapacity(txs.elements.count)
        var index = 0
        let listPath = r.fieldPath("transactions")
        for element in txs.elements {
            let tr = try JSONObjectReader(element, path: listPath, index: index)
            list.append(try Self.transaction(tr))
            index += 1
        }
        transactions = list
    }

    /// One pass over the members (a template has thousands of these, each with seven keys).
    private static func transaction(_ tr: JSONObjectReader) throws(JSONError) -> Transaction {
        var tx = Transaction(dataHex: nil, txid: nil, wtxid: nil, depends: [], fee: nil, sigops: nil, weight: nil)
        func hash(_ key: String, _ v: JSONValue) throws(JSONError) -> Bytes32? {
            if v.isNull { return nil }
            guard let raw = v.unescapedStringBytes, let value = Bytes32(hexASCII: raw, reversed: true) else {
                throw JSONError(.wrongType, "\(tr.fieldPath(key)): expected a 64-digit hex hash")
            }
            return value
        }
        func integer(_ key: String, _ v: JSONValue) throws(JSONError) -> Int64? {
            if v.isNull { return nil }
            guard let n = v.int64 else { throw tr.wrongType(key, "an integer", v) }
            return n
        }
        for (key, value) in tr.value.members {
            switch key.knownField {
            case .data:
                guard !value.isNull else { continue }
                guard let raw = value.unescapedStringBytes else { throw tr.wrongType("data", "a hex string", value) }
                tx.dataHex = raw
            case .txid: tx.txid = try hash("txid", value).map { Txid(wire: $0) }
            case .hash: tx.wtxid = try hash("hash", value).map { Wtxid(wire: $0) }
            case .fee: tx.fee = try integer("fee", value)
            case .sigops:
                tx.sigops = try integer("sigops", value)
                if let n = tx.sigops, n < 0 { throw JSONError(.outOfRange, "\(tr.fieldPath("sigops")): \(n) is negative") }
            case .weight:
                tx.weight = try integer("weight", value)
                if let n = tx.weight, n < 0 { throw JSONError(.outOfRange, "\(tr.fieldPath("weight")): \(n) is negative") }
            case .depends:
                guard !value.isNull else { continue }
                guard value.kind == .array else { throw tr.wrongType("depends", "an array", value) }
                for element in value.elements {
                    guard let n = element.int64, n >= 1, n <= Int64(Int32.max) else {
                        throw JSONError(.wrongType, "\(tr.fieldPath("depends")): expected 1-based transaction indexes")
                    }
                    tx.depends.append(Int(n))
                }
            case nil:
                continue
            }
        }
        return tx
    }

    private static func strings(_ r: JSONObjectReader, _ key: String) throws(JSONError) -> [String] {
        guard let array = try r.optionalArray(key) else { return [] }
        var out: [String] = []
        for element in array.elements {
            guard let s = element.string else { throw r.wrongType(key, "an array of strings", element) }
            out.append(s)
        }
        return out
    }

    /// The txids that identify the transaction set: declared `txid`, else `hash` (pre-segwit
    /// templates list only `hash`, which then equals the txid).
    public var declaredTxids: [Txid] {
        transactions.compactMap { tx in tx.txid ?? tx.wtxid.map { Txid(wire: $0.wire) } }
    }
}

/// The members of a GBT transaction entry, recognised by length and bytes without a String.
enum GBTTransactionField {
    case data, txid, hash, depends, fee, sigops, weight
}

extension JSONKey {
    /// Matched on length and a few bytes: generic `elementsEqual` was 5 % of rg-verify's time.
    var knownField: GBTTransactionField? {
        guard let raw = rawUnescapedBytes else { return nil }
        return raw.withUnsafeBytes { b -> GBTTransactionField? in
            func eq(_ word: StaticString) -> Bool { memcmp(b.baseAddress!, word.utf8Start, b.count) == 0 }
            switch b.count {
            case 3: return eq("fee") ? .fee : nil
            case 4:
                switch b[0] {
                case UInt8(ascii: "d"): return eq("data") ? .data : nil
                case UInt8(ascii: "t"): return eq("txid") ? .txid : nil
                case UInt8(ascii: "h"): return eq("hash") ? .hash : nil
                default: return nil
                }
            case 6:
                switch b[0] {
                case UInt8(ascii: "s"): return eq("sigops") ? .sigops : nil
                case UInt8(ascii: "w"): return eq("weight") ? .weight : nil
                default: return nil
                }
            case 7: return eq("depends") ? .depends : nil
            default: return nil
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
