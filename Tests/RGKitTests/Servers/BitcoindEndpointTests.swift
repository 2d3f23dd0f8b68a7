import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
@testable import RGKit

#if canImport(Glibc)
import Glibc
#endif

/// The RPC client against the real endpoint server, both in-process on 127.0.0.1 (port 0).
@Suite(.serialized, .timeLimit(.minutes(10))) struct BitcoindEndpointTests {
    static let user = RPCCredentials(user: "pool", password: "s3cret")
    let logger = Logger(label: "test")

    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [[UInt8]] = []
        private var blockRecords: [BlockRecord] = []
        func add(_ record: [UInt8]) { lock.lock(); items.append(record); lock.unlock() }
        func add(_ block: BlockRecord) { lock.lock(); blockRecords.append(block); lock.unlock() }
        var records: [[UInt8]] { lock.lock(); defer { lock.unlock() }; return items }
        var blocks: [BlockRecord] { lock.lock(); defer { lock.unlock() }; return blockRecords }
    }

    struct Running {
        let server: BitcoindEndpointServer
        let board: TemplateBoard
        let port: Int
        let blocks: Collected
    }

    func start(network: Network = .regtest, credentials: [RPCCredentials] = [Self.user],
               configure: (inout BitcoindEndpointServer.Configuration) -> Void = { _ in }) async throws -> Running {
        var configuration = BitcoindEndpointServer.Configuration(listen: ListenAddress(host: "127.0.0.1", port: 0), credentials: credentials)
        configuration.authFailureDelay = .milliseconds(10)
        configure(&configuration)
        let board = TemplateBoard(network: network)
        let blocks = Collected()
        let server = BitcoindEndpointServer(configuration: configuration, board: board, logger: logger) { blocks.add($0) }
        let port = try await server.start()
        return Running(server: server, board: board, port: port, blocks: blocks)
    }

    func client(_ port: Int, auth: RPCAuthSource = .userPassword(Self.user), version: JSONRPCVersion = .v2) -> BitcoinRPCClient {
        var configuration = BitcoinRPCClient.Configuration(endpoint: RPCEndpoint(host: "127.0.0.1", port: port), auth: auth)
        configuration.version = version
        configuration.timeout = .seconds(20)
        return BitcoinRPCClient(configuration: configuration, logger: logger)
    }

    func rpcError(_ body: () async throws -> Void) async -> RPCError? {
        do { try await body(); return nil } catch { return (error as? RPCError) ?? RPCError(.transport, "not an RPCError: \(error)", endpoint: "?") }
    }

    /// Waits for a condition, with a generous deadline (never a fixed sleep).
    func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { Issue.record("timed out waiting for \(what)"); return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func templateMethodsAnswerWarmupUntilTheFirstTemplateThenServeIt() async throws {
        let running = try await start()
        for version in JSONRPCVersion.allCases {
            let rpc = client(running.port, version: version)
            for method in ["getblocktemplate", "getmempoolinfo", "getrawmempool", "getblockchaininfo"] {
                let params = method == "getblocktemplate" ? #"[{"rules":["segwit"]}]"# : "[]"
                let error = await rpcError { _ = try await rpc.call(method, params: Array(params.utf8)) }
                #expect(error?.kind == .rpc(code: -28) && error?.message.contains("no template yet") == true, "\(method) \(version) \(String(describing: error))")
                #expect(error?.isTransient == true)
            }
            await rpc.shutdown()
        }
        let record = try TestBlocks.regtestRecords(1)[0]
        running.board.publish(record, receivedMs: 1)
        let rpc = client(running.port)
        let gbt = try await rpc.getBlockTemplate(rules: ["segwit"])
        #expect(TemplateID.compute(try BlockTemplate(json: gbt.value)) == record.templateID)
        #expect(gbt.value["longpollid"]?.string == record.gbt.previousBlockHashText + "1")
        #expect(try await rpc.getMempoolStats() == record.mempool)
        let chain = try await rpc.getBlockchainInfo()
        #expect(chain.network == .regtest && chain.blocks == record.gbt.height - 1 && chain.bestBlockHash == record.gbt.previousBlockHashText)
        let mempool = try await rpc.call("getrawmempool")
        #expect(mempool.value.elements.map { $0.string ?? "" } == record.gbt.declaredTxids.map(\.displayHex))
        let unknown = await rpcError { _ = try await rpc.call("getwalletinfo") }
        #expect(unknown?.kind == .rpc(code: -32601))
        let noSegwit = await rpcError { _ = try await rpc.getBlockTemplate(rules: []) }
        #expect(noSegwit?.kind == .rpc(code: -8) && noSegwit?.message.contains("segwit rule set") == true)
        let badType = await rpcError { _ = try await rpc.call("getblocktemplate", params: Array(#"["segwit"]"#.utf8)) }
        #expect(badType?.kind == .rpc(code: -3))
        await rpc.shutdown()
        await running.server.shutdown()
    }

    @Test func aLongpollReturnsAsSoonAsTheNextTemplateArrives() async throws {
        let running = try await start()
        let records = try TestBlocks.regtestRecords(2)
        running.board.publish(records[0], receivedMs: 1)
        let rpc = client(running.port)
        let first = try await rpc.getBlockTemplate(rules: ["segwit"])
        let longPollID = try #require(first.value["longpollid"]?.string)
        // A stale longpollid answers at once with the current template.
        let stale = try await rpc.getBlockTemplate(rules: ["segwit"], longPollID: "00" + longPollID)
        #expect(stale.value["longpollid"]?.string == longPollID)
        let waiting = Task { try await rpc.getBlockTemplate(rules: ["segwit"], longPollID: longPollID) }
        try await eventually("the longpoll to wait") { running.board.longPollWaiters == 1 }
        running.board.publish(records[1], receivedMs: 2)
        let next = try await waiting.value
        #expect(TemplateID.compute(try BlockTemplate(json: next.value)) == records[1].templateID)
        await rpc.shutdown()
        await running.server.shutdown()
    }

    @Test func aLongpollOnTheBoardBeforeTheFirstTemplateWaitsForIt() async throws {
        let board = TemplateBoard(network: .regtest)
        let record = try TestBlocks.regtestRecords(1)[0]
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let waiting = board.waitForChange(from: "anything", on: loop, timeout: .seconds(60))
        #expect(board.longPollWaiters == 1, "registered, not a promise nobody completes")
        board.publish(record, receivedMs: 1)
        guard case .template(let snapshot) = try await waiting.get() else { Issue.record("not a template"); return }
        #expect(snapshot.templateID == record.templateID)
    }

    @Test func anUnchangedLongpollComesBackAfterTheServersTimeoutAndShutdownAnswersMinus9() async throws {
        let running = try await start { $0.longPollTimeout = .milliseconds(200) }
        let record = try TestBlocks.regtestRecords(1)[0]
        running.board.publish(record, receivedMs: 1)
        let rpc = client(running.port)
        let id = try #require(try await rpc.getBlockTemplate(rules: ["segwit"]).value["longpollid"]?.string)
        let same = try await rpc.getBlockTemplate(rules: ["segwit"], longPollID: id)
        #expect(same.value["longpollid"]?.string == id)
        await rpc.shutdown()
        await running.server.shutdown()

        // Shutdown: a waiting longpoll hears Core's -9 "Shutting down". A server whose longpolls
        // never time out during the test, so the wait cannot end on its own first.
        let lasting = try await start { $0.longPollTimeout = .seconds(3_600) }
        lasting.board.publish(record, receivedMs: 1)
        let client2 = client(lasting.port)
        let id2 = try #require(try await client2.getBlockTemplate(rules: ["segwit"]).value["longpollid"]?.string)
        let waiting = Task { () async -> RPCError? in
            do { _ = try await client2.getBlockTemplate(rules: ["segwit"], longPollID: id2); return nil } catch { return error as? RPCError }
        }
        try await eventually("the longpoll to wait") { lasting.board.longPollWaiters == 1 }
        await lasting.server.shutdown()
        let error = await waiting.value
        #expect(error?.kind == .rpc(code: -9) && error?.message == "Shutting down")
        await client2.shutdown()
    }

    @Test func wrongOrMissingCredentialsAre401AndTheErrorNamesTheSource() async throws {
        let running = try await start()
        let wrong = client(running.port, auth: .userPassword(RPCCredentials(user: "pool", password: "nope")))
        let error = await rpcError { _ = try await wrong.call("getblockcount") }
        #expect(error?.kind == .unauthorized)
        #expect(error.map { "\($0)" }?.contains("401 Unauthorized: the node refused the credentials from RG_RPC_USER/RG_RPC_PASS") == true)
        #expect(error.map { "\($0)" }?.contains("nope") == false)
        await wrong.shutdown()
        await running.server.shutdown()
    }

    @Test func theCookieIsReReadWhenTheNodeRewritesIt() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rg-cookie-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(".cookie").path
        let old = RPCCookie.generate(), fresh = RPCCookie.generate()
        // Before the node starts there is no cookie: a transient error, not a crash.
        let rpc = client(1, auth: .cookieFile(path: path))
        let missing = await rpcError { _ = try await rpc.call("getblockcount") }
        #expect(missing?.kind == .cookieUnavailable && missing?.isTransient == true && missing?.message.contains(path) == true)
        await rpc.shutdown()

        try FileManagerLite.writeAtomically(RPCCookie.fileContents(old), to: path, mode: 0o600)
        let running = try await start(credentials: [fresh])
        running.board.publish(try TestBlocks.regtestRecords(1)[0], receivedMs: 1)
        let client = client(running.port, auth: .cookieFile(path: path))
        let refused = await rpcError { _ = try await client.call("getblockcount") }
        #expect(refused?.kind == .unauthorized && refused.map { "\($0)" }?.contains(path) == true)
        // The node restarts and rewrites the cookie: the next call re-reads it after its 401.
        try FileManagerLite.writeAtomically(RPCCookie.fileContents(fresh), to: path, mode: 0o600)
        #expect(try await client.call("getblockcount").value.int64 == 299)
        await client.shutdown()
        await running.server.shutdown()
    }

    @Test func oneKeepAliveConnectionCarriesCallAfterCall() async throws {
        let running = try await start()
        running.board.publish(try TestBlocks.regtestRecords(1)[0], receivedMs: 1)
        let rpc = client(running.port)
        for _ in 0..<50 { _ = try await rpc.call("getblockcount") }
        _ = try await rpc.getBlockTemplate(rules: ["segwit"])
        _ = try await rpc.getMempoolStats()
        #expect(running.server.acceptedConnections == 1)
        await rpc.shutdown()
        await running.server.shutdown()
    }

    /// A node's answers that `rg-feed rpc` never gives, from a one-shot socket server: each
    /// becomes an error that says what happened.
    @Test func syncingDisconnectedAndBrokenNodesAreNamed() async throws {
        let cases: [(status: String, body: String, check: (RPCError) -> Bool)] = [
            ("500 Internal Server Error", #"{"result":null,"error":{"code":-10,"message":"Bitcoin Core is in initial sync and waiting for blocks..."},"id":1}"#,
             { $0.kind == .rpc(code: -10) && $0.isTransient && "\($0)".contains("RPC error -10 (node in initial block download): Bitcoin Core is in initial sync") }),
            ("200 OK", #"{"jsonrpc":"2.0","error":{"code":-9,"message":"Bitcoin Core is not connected!"},"id":1}"#,
             { $0.kind == .rpc(code: -9) && $0.isTransient && "\($0)".contains("RPC error -9 (node not connected to peers, or shutting down): Bitcoin Core is not connected!") }),
            ("200 OK", "<html>proxy says hi</html>", { $0.kind == .malformedReply && "\($0)".contains("malformed reply from 127.0.0.1:") }),
            ("200 OK", #"{"result":5,"error":null,"id":99}"#, { $0.kind == .malformedReply && "\($0)".contains("does not match request id 1") }),
            ("502 Bad Gateway", "upstream down", { $0.kind == .httpStatus(502) && "\($0)".contains("HTTP 502 without a JSON-RPC reply: upstream down") }),
            ("401 Unauthorized", "", { $0.kind == .unauthorized && !$0.isTransient }),
        ]
        for (status, body, check) in cases {
            let server = try OneShotHTTPServer(status: status, body: body)
            let rpc = client(server.port)
            let error = await rpcError { _ = try await rpc.call("getblockcount") }
            #expect(error.map(check) == true, "\(status) \(body): \(String(describing: error))")
            await rpc.shutdown()
            server.close()
        }
    }

    @Test func aRefusedConnectionIsNamedAndTransient() async throws {
        let port = try freePort()
        let rpc = client(port)
        let error = await rpcError { _ = try await rpc.call("getblockcount") }
        #expect(error?.kind == .connectionRefused && error?.isTransient == true)
        #expect(error.map { "\($0)" }?.contains("getblockcount: connection refused by 127.0.0.1:\(port)") == true)
        await rpc.shutdown()
    }

    @Test func submitblockAcceptsRecordsAndRejectsLikeCore() async throws {
        let running = try await start()
        let record = try TestBlocks.regtestRecords(1)[0]
        running.board.publish(record, receivedMs: 1)
        let rpc = client(running.port, version: .v1)
        let block = try TestBlocks.block(from: record.gbt, network: .regtest)
        #expect(try await rpc.submitBlock(hex: TestBlocks.hex(block)) == nil)
        #expect(running.blocks.blocks.map(\.hash) == [block.hash.displayHex])
        #expect(running.blocks.blocks.first?.templateID == record.templateID && running.blocks.blocks.first?.height == record.gbt.height)
        #expect(running.blocks.blocks.first?.blockHex == TestBlocks.hex(block))
        #expect(try await rpc.submitBlock(hex: TestBlocks.hex(block)) == "duplicate")
        let unmined = try TestBlocks.block(from: record.gbt, network: .regtest, mine: false)
        #expect(try await rpc.submitBlock(hex: TestBlocks.hex(unmined)) == "high-hash")
        let garbage = await rpcError { _ = try await rpc.submitBlock(hex: Array("00ff".utf8)) }
        #expect(garbage?.kind == .rpc(code: -22) && garbage?.message == "Block decode failed")
        // BIP23 proposal: checked, not recorded. The accepted block is the tip now, so a proposal
        // on its parent is not on the tip; on the next template's parent it is judged.
        func propose(_ gbt: BlockTemplate) async throws -> JSONValue {
            let proposal = try TestBlocks.block(from: gbt, network: .regtest, mine: false, tag: 9)
            return try await rpc.call("getblocktemplate", params: Array("[{\"mode\":\"proposal\",\"data\":\"\(Hex.encode(proposal.serialized()))\"}]".utf8)).value
        }
        #expect(try await propose(record.gbt).string == "inconclusive-not-best-prevblk")
        let next = try TestBlocks.regtestRecords(2)[1]
        running.board.publish(next, receivedMs: 2)
        #expect(try await propose(next.gbt).isNull)
        #expect(running.blocks.blocks.count == 1)
        await rpc.shutdown()
        await running.server.shutdown()
    }

    @Test func anAcceptedBlockIsTheTipUntilTheNextTemplateAndASecondOneIsInconclusive() async throws {
        let running = try await start()
        let records = try TestBlocks.regtestRecords(2)
        running.board.publish(records[0], receivedMs: 1)
        let rpc = client(running.port, version: .v1)
        let parent = try #require(records[0].gbt.previousBlockHash).displayHex
        #expect(try await rpc.call("getbestblockhash").value.string == parent)
        let first = try TestBlocks.block(from: records[0].gbt, network: .regtest, tag: 1)
        let second = try TestBlocks.block(from: records[0].gbt, network: .regtest, tag: 2)
        #expect(try await rpc.submitBlock(hex: TestBlocks.hex(first)) == nil)
        #expect(try await rpc.call("getbestblockhash").value.string == first.hash.displayHex)
        #expect(try await rpc.call("getblockcount").value.int64 == records[0].gbt.height)
        // Valid, same parent, equal work: stored on a side branch, the first stays the tip.
        #expect(try await rpc.submitBlock(hex: TestBlocks.hex(second)) == "inconclusive")
        #expect(try await rpc.submitBlock(hex: TestBlocks.hex(second)) == "duplicate")
        #expect(try await rpc.call("getbestblockhash").value.string == first.hash.displayHex)
        #expect(running.blocks.blocks.map(\.hash) == [first.hash.displayHex])
        // The next template moves the tip on; a block on the old parent is now stale.
        running.board.publish(records[1], receivedMs: 2)
        #expect(try await rpc.call("getbestblockhash").value.string == records[1].gbt.previousBlockHash?.displayHex)
        let late = try TestBlocks.block(from: records[0].gbt, network: .regtest, tag: 5)
        #expect(try await rpc.submitBlock(hex: TestBlocks.hex(late)) == "inconclusive")
        #expect(try await rpc.submitBlock(hex: TestBlocks.hex(TestBlocks.block(from: records[1].gbt, network: .regtest))) == nil)
        #expect(running.blocks.blocks.count == 2)
        await rpc.shutdown()
        await running.server.shutdown()
    }

    final class Emitted: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [JSONValue] = []
        func add(_ bytes: [UInt8]) throws { let v = try JSONDocument(bytes: bytes).root; lock.lock(); list.append(v); lock.unlock() }
        var all: [JSONValue] { lock.lock(); defer { lock.unlock() }; return list }
    }

    @Test func theFetcherEmitsEachNewTemplateOnceWithItsMempoolReading() async throws {
        let running = try await start()
        var records = try TestBlocks.regtestRecords(3)
        let rpc = client(running.port)
        var options = TemplateFetcher.Options()
        options.expectedNetwork = .regtest
        options.backoff = Backoff(baseMs: 20, capMs: 100)
        let emitted = Emitted()
        let fetcher = TemplateFetcher(client: rpc, options: options, logger: logger) { try emitted.add($0) }
        let task = Task { try await fetcher.run() }
        try await eventually("the fetcher to ask") { running.server.activeConnections > 0 }
        running.board.publish(records[0], receivedMs: 1)
        try await eventually("the first template") { emitted.all.count == 1 }
        // The same template again (a new longpollid, same work): nothing new.
        running.board.publish(records[0], receivedMs: 2)
        try await eventually("the fetcher to longpoll again") { running.board.longPollWaiters == 1 && running.board.latest?.sequence == 2 }
        // A template whose record has no mempool reading: the record says null, not 0.
        records[1].mempool = nil
        running.board.publish(records[1], receivedMs: 3)
        try await eventually("the second template") { emitted.all.count == 2 }
        running.board.publish(records[2], receivedMs: 4)
        try await eventually("the third template") { emitted.all.count == 3 }
        task.cancel()
        try await task.value
        let all = emitted.all
        #expect(all.map { $0["id"]?.string } == records.map(\.templateID))
        #expect(all.allSatisfy { $0["source"]?.string == "rpc" && $0["type"]?.string == "template" })
        #expect(all[0]["mempool"]?["tx_count"]?.int64 == records[0].mempool?.txCount)
        #expect(all[1]["mempool"]?.isNull == true)
        // The GBT object is the node's, verbatim.
        #expect(try BlockTemplate(json: #require(all[2]["gbt"])).transactions.count == records[2].gbt.transactions.count)
        await rpc.shutdown()
        await running.server.shutdown()
    }

    @Test func theFetcherRefusesANodeOnAnotherNetwork() async throws {
        let running = try await start(network: .testnet4)
        running.board.publish(try TestBlocks.regtestRecords(1)[0], receivedMs: 1)
        let rpc = client(running.port)
        var options = TemplateFetcher.Options()
        options.expectedNetwork = .mainnet
        let fetcher = TemplateFetcher(client: rpc, options: options, logger: logger) { _ in }
        do {
            try await fetcher.run()
            Issue.record("ran on the wrong network")
        } catch {
            #expect(error.exit == .usage && error.message.contains("--network mainnet, but the node at http://127.0.0.1:\(running.port)/ is on testnet4"))
        }
        await rpc.shutdown()
        await running.server.shutdown()
    }
}

/// A port nothing listens on: bind port 0, read it back, close.
func freePort() throws -> Int {
    let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
    let port = channel.localAddress?.port ?? 0
    try channel.close().wait()
    return port
}

/// Accepts one connection on 127.0.0.1, reads one request head and body, answers with a canned
/// response, closes. Runs on its own thread.
final class OneShotHTTPServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32

    init(status: String, body: String) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard ok else { Glibc.close(listener); throw POSIXError(.EADDRINUSE) }
        fd = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let response = Array("HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4_096)
            // Read until the head and its Content-Length of body are in.
            while true {
                let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress!, $0.count, 0) }
                if n <= 0 { break }
                received.append(contentsOf: chunk[0..<n])
                let text = String(decoding: received, as: UTF8.self)
                if let end = text.range(of: "\r\n\r\n") {
                    let head = text[..<end.lowerBound].lowercased()
                    let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if text.utf8.distance(from: end.upperBound, to: text.endIndex) >= length { break }
                }
            }
            _ = response.withUnsafeBytes { send(client, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            Glibc.close(client)
        }
    }

    func close() { Glibc.close(fd) }
}
