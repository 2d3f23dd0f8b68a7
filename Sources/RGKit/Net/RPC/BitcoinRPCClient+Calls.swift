/// The calls a pool makes, with their results read into our types.
extension BitcoinRPCClient {
    /// What `getblockchaininfo` says about the node's chain.
    public struct ChainInfo: Sendable, Equatable {
        /// Core's chain name: main, test, testnet4, signet, regtest.
        public var chain: String
        public var blocks: Int64?
        public var bestBlockHash: String?
        public var initialBlockDownload: Bool?

        public var network: Network? { Network(rawValue: chain) ?? Network(name: chain) }
    }

    /// `getblocktemplate` with `{"rules": rules}` (and `longpollid` to wait for a change, with
    /// the long deadline). The result is returned as the node sent it.
    public func getBlockTemplate(rules: [String], longPollID: String? = nil) async throws(RPCError) -> Reply {
        var w = JSONWriter(capacity: 160)
        w.beginArray()
        w.beginObject()
        w.key("rules")
        w.beginArray()
        for rule in rules { w.string(rule) }
        w.endArray()
        if let longPollID { w.field("longpollid", longPollID) }
        w.endObject()
        w.endArray()
        let reply = try await call("getblocktemplate", params: w.bytes, timeout: longPollID == nil ? nil : configuration.longPollTimeout)
        guard reply.value.kind == .object else {
            throw RPCError(.malformedReply, "result is \(reply.value.kind.noun), not a template object", method: "getblocktemplate", endpoint: endpoint)
        }
        return reply
    }

    /// `getmempoolinfo` as the stats a template record carries; nil when the node's mempool is
    /// not loaded yet (unknown, not zero).
    public func getMempoolStats() async throws(RPCError) -> MempoolStats? {
        let reply = try await call("getmempoolinfo")
        do {
            return try MempoolStats(getMempoolInfo: reply.value)
        } catch {
            throw RPCError(.malformedReply, "\(error)", method: "getmempoolinfo", endpoint: endpoint)
        }
    }

    public func getBlockchainInfo() async throws(RPCError) -> ChainInfo {
        let reply = try await call("getblockchaininfo")
        do {
            let r = try JSONObjectReader(reply.value, path: "getblockchaininfo")
            return ChainInfo(chain: try r.requiredString("chain"), blocks: try r.optionalInt("blocks"),
                             bestBlockHash: try r.optionalString("bestblockhash"),
                             initialBlockDownload: try r.optionalBool("initialblockdownload"))
        } catch {
            throw RPCError(.malformedReply, "\(error)", method: "getblockchaininfo", endpoint: endpoint)
        }
    }

    /// `submitblock`: nil when the node accepted the block, else its BIP22 reject reason
    /// ("duplicate", "high-hash", …). An RPC error (-22 "Block decode failed") throws.
    public func submitBlock(hex: some Collection<UInt8>) async throws(RPCError) -> String? {
        var params: [UInt8] = []
        params.reserveCapacity(hex.count + 4)
        params.append(contentsOf: Array("[\"".utf8))
        params.append(contentsOf: hex)
        params.append(contentsOf: Array("\"]".utf8))
        let reply = try await call("submitblock", params: params)
        switch reply.value.kind {
        case .null: return nil
        case .string: return reply.value.string ?? ""
        default:
            throw RPCError(.malformedReply, "result is \(reply.value.kind.noun), not null or a reject reason", method: "submitblock", endpoint: endpoint)
        }
    }
}
