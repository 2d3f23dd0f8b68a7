import ArgumentParser
import Logging
import RGKit

#if canImport(Glibc)
import Glibc
#endif

/// `rg-feed rpc`: template records in, a bitcoind-compatible JSON-RPC endpoint out.
struct RPC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Serve the latest template record over bitcoind's JSON-RPC: getblocktemplate (with longpoll), submitblock and friends.",
        discussion: """
            Reads template records on stdin and answers, like Bitcoin Core: getblocktemplate (the \
            latest GBT object, with its own longpollid; a longpoll returns when the next template \
            arrives, or after --longpoll-timeout with the same one), getmempoolinfo (the record's \
            mempool reading; -28 when it has none), getrawmempool (the template's txids), \
            getblockchaininfo / getblockcount / getbestblockhash (the tip the template builds on, \
            or the block accepted on it; chain from --network), and submitblock (null, or Core's \
            reject reason, after checking the block decodes, meets its target, has the right \
            merkle root and witness commitment, and builds on the current tip; each accepted \
            block is written to stdout as a block record before the client hears "null"). An \
            accepted block becomes the tip until the next template: a second valid block on the \
            same parent, or one on an older tip, is "inconclusive", as Core answers a block that \
            does not become the tip. Other records on stdin pass through to stdout.
            JSON-RPC 1.0 and 2.0 (and batches) over HTTP/1.1 keep-alive, with HTTP Basic auth: \
            RG_RPC_USER/RG_RPC_PASS, and/or a fresh cookie written to --rpc-cookie PATH (mode \
            0600, removed at exit). Wrong credentials: 401. Unknown method: -32601. Bad JSON: \
            -32700. Before the first template: -28 "no template yet". After stdin ends, the last \
            template is served until SIGINT/SIGTERM.
            """)

    @Option(name: .long, help: ArgumentHelp("Address to listen on, host:port; port 0 picks a free one (env: RG_LISTEN; default 127.0.0.1:18444).", valueName: "host:port"))
    var listen: String?

    @Flag(name: .long, help: "Allow a non-loopback --listen address (also RG_ALLOW_NON_LOOPBACK=1).")
    var allowRemote = false

    @Option(name: .long, help: "Chain reported by getblockchaininfo: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK; default mainnet).")
    var network: String?

    @Option(name: .long, help: ArgumentHelp("Write a fresh cookie (__cookie__:<64 hex>) to this file, mode 0600, accepted besides RG_RPC_USER/RG_RPC_PASS; removed at exit.", valueName: "path"))
    var rpcCookie: String?

    @Option(name: .long, help: "Most connections at once.")
    var maxConnections: Int = 64

    @Option(name: .customLong("max-connections-per-ip"), help: "Most connections from one address at once.")
    var maxConnectionsPerIP: Int = 32

    @Option(name: .long, help: "Largest request body in bytes (a 4 MB block is 8 MB of hex).")
    var maxBodyBytes: Int = 16 << 20

    @Option(name: .long, help: ArgumentHelp("Close a connection idle this long (default 30s).", valueName: "duration"))
    var idleTimeout: String = "30s"

    @Option(name: .long, help: ArgumentHelp("A request must arrive whole within this (default 30s).", valueName: "duration"))
    var requestTimeout: String = "30s"

    @Option(name: .long, help: ArgumentHelp("Answer a longpoll with the unchanged template after this (default 60s).", valueName: "duration"))
    var longpollTimeout: String = "60s"

    @Option(name: .long, help: "Longest accepted input line in bytes; longer lines are skipped.")
    var maxLineBytes: Int = LineReader.defaultMaxLineBytes

    @Flag(name: .long, inversion: .prefixedNo, help: "Start reading stdin when the first authenticated client calls, so a source started first (rg-feed demo) loses no template to a client that connects later; until then the source waits on the pipe.")
    var waitForClient = true

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-feed", level: logLevel)
        ProcessSignals.install()
        ToolMemory.keepLargeBuffersInHeap()
        let logger = Logger(label: "rg-feed")
        let address = try ListenAddress(parsing: Setting.string(listen, env: "RG_LISTEN", default: "127.0.0.1:18444")!, flag: "--listen")
        try address.requireLoopback(unless: allowRemote, flag: "--listen")
        let network = try Setting.network(network, default: "mainnet")!
        func duration(_ text: String, _ flag: String) throws(ToolError) -> Duration {
            guard let ms = DurationText.milliseconds(text), ms > 0 else { throw ToolError(.usage, "\(flag): \"\(text)\" is not a positive duration (e.g. 500ms, 30s)") }
            return .milliseconds(ms)
        }
        guard maxConnections >= 1, maxConnectionsPerIP >= 0 else { throw ToolError(.usage, "--max-connections must be ≥ 1 and --max-connections-per-ip ≥ 0") }
        guard maxBodyBytes >= 1_024 else { throw ToolError(.usage, "--max-body-bytes must be ≥ 1024") }
        guard maxLineBytes > 0 else { throw ToolError(.usage, "--max-line-bytes must be > 0") }

        var credentials: [RPCCredentials] = []
        let user = try Setting.secret(env: "RG_RPC_USER")
        let password = try Setting.secret(env: "RG_RPC_PASS")
        switch (user, password) {
        case (let user?, let password?):
            guard !user.isEmpty, !user.contains(":") else { throw ToolError(.usage, "RG_RPC_USER must be non-empty and without a colon") }
            credentials.append(RPCCredentials(user: user, password: password))
        case (nil, nil): break
        default: throw ToolError(.usage, "set both RG_RPC_USER and RG_RPC_PASS (or RG_RPC_PASS_FILE), or neither")
        }
        let cookie = rpcCookie.map { _ in RPCCookie.generate() }
        if let cookie { credentials.append(cookie) }
        guard !credentials.isEmpty else {
            throw ToolError(.usage, "no RPC credentials: set RG_RPC_USER and RG_RPC_PASS, or pass --rpc-cookie PATH to write a cookie file")
        }

        var configuration = BitcoindEndpointServer.Configuration(listen: address, credentials: credentials)
        configuration.maxConnections = maxConnections
        configuration.maxConnectionsPerIP = maxConnectionsPerIP
        configuration.maxBodyBytes = maxBodyBytes
        configuration.idleTimeout = try duration(idleTimeout, "--idle-timeout")
        configuration.requestTimeout = try duration(requestTimeout, "--request-timeout")
        configuration.longPollTimeout = try duration(longpollTimeout, "--longpoll-timeout")

        let board = TemplateBoard(network: network)
        let output = RecordOutput()
        let server = BitcoindEndpointServer(configuration: configuration, board: board, logger: logger) { block in
            do { try output.write(block.encoded()) } catch { throw ToolError(.failure, "\(error)") }
        }
        do {
            _ = try await server.start()
        } catch {
            throw ToolError(.failure, "--listen \(address): cannot listen: \(error)")
        }
        if let cookie, let path = rpcCookie {
            do {
                try FileManagerLite.createParentDirectory(of: path)
                try FileManagerLite.writeAtomically(RPCCookie.fileContents(cookie), to: path, mode: 0o600)
            } catch {
                await server.shutdown()
                throw error
            }
            logger.info("cookie written", metadata: ["path": "\(path)"])
        }

        let badLines = BadLineCount()
        let lineLimit = maxLineBytes
        let startReading: @Sendable () -> Void = {
            BackgroundThread.start {
                Self.readTemplates(board: board, output: output, badLines: badLines, maxLineBytes: lineLimit, logger: logger)
            }
        }
        if waitForClient {
            // A node serves only its current template, so a consumer that connects after the
            // source started would miss the first ones; holding stdin unread until someone asks
            // keeps them in the pipe (the source blocks on it meanwhile).
            server.onFirstCall {
                logger.info("first client; reading template records")
                startReading()
            }
        } else {
            startReading()
        }
        await ProcessSignals.waitForStop()
        logger.info("stopping")
        await server.shutdown()
        if let path = rpcCookie { unlink(path) }
        if badLines.value > 0 { throw ToolError(.inputRejected, "") }
    }

    /// The stdin loop: each template record replaces the one served; other records pass through.
    static func readTemplates(board: TemplateBoard, output: RecordOutput, badLines: BadLineCount, maxLineBytes: Int, logger: Logger) {
        // Bad lines are counted before they are reported: on SIGTERM the exit status is decided
        // while this loop may still be returning.
        let outcome = StandardInputLines.read(tool: "rg-feed", maxLineBytes: maxLineBytes, logger: logger,
                                              oversizedLine: { badLines.add(1) }) { bytes, number in
            let receivedMs = WallClock.milliseconds()
            do throws(JSONError) {
                let root = try JSONDocument(bytes: bytes).root
                guard root.kind == .object, let type = root["type"]?.string else {
                    throw JSONError(.wrongType, "not a record (an object with a \"type\")")
                }
                guard type == TemplateRecord.type else {
                    try? output.write(bytes)
                    return true
                }
                let record = try TemplateRecord(json: root)
                let snapshot = board.publish(record, receivedMs: receivedMs)
                logger.debug("template", metadata: ["template.id": "\(snapshot.templateID)", "height": "\(snapshot.height)", "sequence": "\(snapshot.sequence)"])
                return true
            } catch {
                let code = error.code == .missingField || error.code == .wrongType || error.code == .outOfRange ? "invalid_record" : error.code.rawValue
                badLines.add(1)
                FileHandleStderr.write("rg-feed: line \(number): \(code): \(error.detail)\n")
                return false
            }
        }
        if outcome.endOfInput { logger.notice("end of input; serving the last template until stopped") }
    }
}

final class BadLineCount: @unchecked Sendable {
    private let lock = Lock()
    private var count = 0
    func add(_ n: Int) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}
