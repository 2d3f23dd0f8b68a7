/// The methods `rg-feed rpc` answers, and how, given the latest template. Pure: a call and a
/// snapshot in, an action out; waiting (longpoll) and block checks are done by the caller.
/// Parameter checks and messages follow Core's, so a client written against Core sees the same
/// errors (bitcoin.md §1.4).
public enum BitcoindMethods {
    public enum Action: Sendable {
        case result([UInt8])
        case fault(JSONRPCFault)
        /// `getblocktemplate` with the current `longpollid`: wait for a change.
        case longPoll(String)
        /// `submitblock`: check and record the block (hex, ASCII).
        case submit([UInt8])
        /// `getblocktemplate` in BIP23 proposal mode: check the block, record nothing.
        case propose([UInt8])
    }

    public static let names = ["getblocktemplate", "getmempoolinfo", "getrawmempool", "getblockchaininfo",
                               "getblockcount", "getbestblockhash", "submitblock"]

    public static let noTemplateYet = JSONRPCFault(RPCErrorCode.inWarmup, "no template yet: rg-feed rpc has not received a template record on its input")

    /// `tip`: the node's best block (`TemplateBoard.chainTip`), nil before the first template.
    public static func route(_ call: JSONRPCCall, latest: TemplateSnapshot?, tip: ChainTip?, network: Network) -> Action {
        switch call.method {
        case "getblocktemplate": return getBlockTemplate(call, latest: latest, network: network)
        case "getmempoolinfo": return getMempoolInfo(latest)
        case "getrawmempool": return getRawMempool(call, latest: latest)
        case "getblockchaininfo", "getblockcount", "getbestblockhash":
            guard let tip else { return .fault(noTemplateYet) }
            return .result(chainAnswer(call.method, tip: tip, network: network))
        case "submitblock": return submitBlock(call, latest: latest)
        default: return .fault(JSONRPCFault(RPCErrorCode.methodNotFound, "Method not found"))
        }
    }

    static func typeError(_ name: String, expected: String, got value: JSONValue) -> JSONRPCFault {
        JSONRPCFault(RPCErrorCode.typeError, "\(name): JSON value of type \(value.kind.coreName) is not of expected type \(expected)")
    }

    static func getBlockTemplate(_ call: JSONRPCCall, latest: TemplateSnapshot?, network: Network) -> Action {
        var mode = "template"
        var rules: Set<String> = []
        var longPollID: String?
        if let request = call.parameter(0, named: "template_request") {
            guard request.kind == .object else { return .fault(typeError("template_request", expected: "object", got: request)) }
            if let m = request["mode"], !m.isNull {
                guard let text = m.string else { return .fault(typeError("mode", expected: "string", got: m)) }
                mode = text
            }
            if mode == "proposal" {
                guard let data = request["data"], let hex = data.unescapedStringBytes else {
                    return .fault(JSONRPCFault(RPCErrorCode.typeError, "Missing data String key for proposal"))
                }
                guard latest != nil else { return .fault(noTemplateYet) }
                return .propose(Array(hex))
            }
            if let r = request["rules"], !r.isNull {
                guard r.kind == .array else { return .fault(typeError("rules", expected: "array", got: r)) }
                for element in r.elements {
                    guard let rule = element.string else { return .fault(typeError("rules", expected: "array of strings", got: element)) }
                    rules.insert(rule)
                }
            }
            if let lp = request["longpollid"], !lp.isNull {
                guard let text = lp.string else { return .fault(typeError("longpollid", expected: "string", got: lp)) }
                longPollID = text
            }
        }
        guard mode == "template" else { return .fault(JSONRPCFault(RPCErrorCode.invalidParameter, "Invalid mode")) }
        guard let latest else { return .fault(noTemplateYet) }
        if network == .signet && !rules.contains("signet") {
            return .fault(JSONRPCFault(RPCErrorCode.invalidParameter, "getblocktemplate must be called with the signet rule set (call with {\"rules\": [\"segwit\", \"signet\"]})"))
        }
        guard rules.contains("segwit") else {
            return .fault(JSONRPCFault(RPCErrorCode.invalidParameter, "getblocktemplate must be called with the segwit rule set (call with {\"rules\": [\"segwit\"]})"))
        }
        if let longPollID, longPollID == latest.longPollID { return .longPoll(longPollID) }
        return .result(latest.gbtJSON)
    }

    /// Known fields only: a reading the template record did not carry is left out, never
    /// written as 0; without a reading at all the call fails with -28 like a node still loading.
    static func getMempoolInfo(_ latest: TemplateSnapshot?) -> Action {
        guard let latest else { return .fault(noTemplateYet) }
        guard let mempool = latest.mempool else {
            return .fault(JSONRPCFault(RPCErrorCode.inWarmup, "mempool unknown: the latest template record carries \"mempool\": null"))
        }
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        w.field("loaded", true)
        w.field("size", mempool.txCount)
        if let bytes = mempool.bytes { w.field("bytes", bytes) }
        if let fee = mempool.minFeeSatPerKvB { w.key("mempoolminfee"); w.raw(Array(btcDecimal(fee).utf8)) }
        w.endObject()
        return .result(w.bytes)
    }

    static func getRawMempool(_ call: JSONRPCCall, latest: TemplateSnapshot?) -> Action {
        if let verbose = call.parameter(0, named: "verbose") {
            guard let flag = verbose.bool else { return .fault(typeError("verbose", expected: "bool", got: verbose)) }
            if flag { return .fault(JSONRPCFault(RPCErrorCode.invalidParameter, "verbose=true is not supported: rg-feed rpc knows only the template's txids")) }
        }
        guard let latest else { return .fault(noTemplateYet) }
        return .result(latest.rawMempoolJSON)
    }

    /// The node's best block: the latest template's parent, or the block accepted on it.
    static func chainAnswer(_ method: String, tip: ChainTip, network: Network) -> [UInt8] {
        var w = JSONWriter(capacity: 192)
        switch method {
        case "getblockcount": w.int(tip.height)
        case "getbestblockhash": w.string(tip.hash)
        default:
            w.beginObject()
            w.field("chain", network.rawValue)
            w.field("blocks", tip.height)
            w.field("headers", tip.height)
            w.field("bestblockhash", tip.hash)
            w.field("initialblockdownload", false)
            w.endObject()
        }
        return w.bytes
    }

    static func submitBlock(_ call: JSONRPCCall, latest: TemplateSnapshot?) -> Action {
        guard let value = call.parameter(0, named: "hexdata") else {
            return .fault(JSONRPCFault(RPCErrorCode.miscError, "submitblock \"hexdata\": the block's hex is required"))
        }
        guard value.kind == .string else { return .fault(typeError("hexdata", expected: "string", got: value)) }
        guard let hex = value.unescapedStringBytes else {
            return .fault(JSONRPCFault(RPCErrorCode.deserializationError, "Block decode failed"))
        }
        guard latest != nil else { return .fault(noTemplateYet) }
        return .submit(Array(hex))
    }

    /// Satoshis as Core prints BTC: 1000 → 0.00001000.
    static func btcDecimal(_ sat: Int64) -> String {
        let magnitude = sat.magnitude
        let whole = magnitude / 100_000_000
        let fraction = String(magnitude % 100_000_000)
        return (sat < 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: 8 - fraction.count) + fraction
    }
}

extension JSONDocument.Kind {
    /// Core's names in type errors ("JSON value of type string is not of expected type object").
    var coreName: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .null: "null"
        }
    }
}
