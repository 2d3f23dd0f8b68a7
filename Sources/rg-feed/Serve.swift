import ArgumentParser
import Foundation
import Logging
import RGKit

/// `rg-feed serve`: template records on stdin → every authenticated WebSocket subscriber.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Relay template records from stdin to authenticated WebSocket subscribers.",
        discussion: """
            Subscribers connect to ws://HOST:PORT/feed with `Authorization: Bearer <token>`; tokens \
            come from `rg-feed token add` and are kept hashed in the token file. A missing, wrong or \
            revoked token gets HTTP 401 at the handshake; revoking a token (the file changes) also \
            closes the connections open with it. After the handshake a subscriber receives a status \
            frame, the current template, then every new template and a heartbeat frame every \
            --heartbeat. A subscriber more than --queue-depth records behind is dropped with a close \
            reason instead of delaying the others. End of stdin closes every subscriber cleanly and \
            exits. GET /healthz and /metrics are served on the same port.
            """)

    @Option(name: .long, help: "Address to listen on (env: RG_FEED_LISTEN).")
    var listen: String?

    @Flag(name: .long, help: "Allow a non-loopback --listen address.")
    var allowRemote = false

    @Option(name: .long, help: "Token file (env: RG_FEED_TOKENS; default: var/feed-tokens).")
    var tokens: String?

    @Option(name: .long, help: "Most subscribers at once.")
    var maxConnections: Int = 256

    @Option(name: .long, help: "Most subscribers from one address (0: no per-address cap).")
    var maxConnectionsPerIP: Int = 16

    @Option(name: .long, help: "Records a subscriber may fall behind before it is dropped.")
    var queueDepth: Int = 16

    @Option(name: .long, help: "Heartbeat period (e.g. 15s).")
    var heartbeat: String = "15s"

    @Option(name: .long, help: "Longest accepted input line in bytes.")
    var maxLineBytes: Int = LineReader.defaultMaxLineBytes

    @Option(name: .long, help: "Log level (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-feed", level: logLevel)
        ProcessSignals.install()
        ToolMemory.keepLargeBuffersInHeap()
        MetricsRegistry.bootstrap()
        let logger = Logger(label: "rg-feed.serve")
        let address = try ListenAddress(parsing: Setting.string(listen, env: "RG_FEED_LISTEN", default: "127.0.0.1:9200")!, flag: "--listen")
        try address.requireLoopback(unless: allowRemote, flag: "--listen")
        guard let heartbeatMs = DurationText.milliseconds(heartbeat), heartbeatMs > 0 else {
            throw ToolError(.usage, "--heartbeat: \"\(heartbeat)\" is not a positive duration")
        }
        guard maxConnections > 0, maxConnectionsPerIP >= 0, queueDepth > 0 else {
            throw ToolError(.usage, "--max-connections and --queue-depth must be > 0, --max-connections-per-ip ≥ 0")
        }
        let tokenPath = Setting.string(tokens, env: "RG_FEED_TOKENS", default: "var/feed-tokens")!
        let tokenList = try FeedTokenFile.load(tokenPath, missingIsEmpty: true)
        if !tokenList.entries.contains(where: \.isActive) {
            logger.warning("no active tokens: every subscriber will be refused until `rg-feed token add` creates one", metadata: ["tokens.file": "\(tokenPath)"])
        }
        var configuration = FeedRelay.Configuration(listen: address)
        configuration.maxConnections = maxConnections
        configuration.maxConnectionsPerIP = maxConnectionsPerIP
        configuration.queueDepth = queueDepth
        configuration.heartbeatInterval = .milliseconds(heartbeatMs)
        let relay = FeedRelay(configuration: configuration, tokens: tokenList, logger: logger)
        let port: Int
        do { port = try await relay.start() } catch {
            throw ToolError(.failure, "--listen \(address): cannot listen: \(error)")
        }
        logger.notice("listening", metadata: ["address": "\(address.host):\(port)", "port": "\(port)"])
        let watcher = FileChangeWatcher(path: tokenPath)
        let limit = maxLineBytes

        let heartbeats = Task { await relay.runHeartbeats() }
        let tokenReloads = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                guard watcher?.takeChange() == true else { continue }
                do throws(ToolError) {
                    relay.replaceTokens(try FeedTokenFile.load(tokenPath, missingIsEmpty: true))
                    logger.notice("token file reloaded", metadata: ["tokens.file": "\(tokenPath)"])
                } catch {
                    logger.error("token file reload failed; keeping the previous tokens", metadata: ["error": "\(error.message)"])
                }
            }
        }
        // stdin is read on its own thread (blocking reads); its end (or a signal) stops the relay.
        let badLines = await StdinRelay.run(relay: relay, maxLineBytes: limit, logger: logger)
        relay.closeAll(reason: "relay shutting down")
        try? await Task.sleep(for: .milliseconds(200))   // let the close frames go out
        await relay.shutdown()
        heartbeats.cancel()
        tokenReloads.cancel()
        if badLines > 0 { throw ToolError(.inputRejected, "\(badLines) bad input lines") }
    }
}

/// Reads template records from stdin and publishes them; returns the number of bad lines.
enum StdinRelay {
    static func run(relay: FeedRelay, maxLineBytes: Int, logger: Logger) async -> Int {
        await StandardInputLines.readOnThread(named: "rg-feed stdin", tool: "rg-feed", maxLineBytes: maxLineBytes, logger: logger) { bytes, number in
            do throws(JSONError) {
                let root = try JSONDocument(bytes: bytes).root
                guard root["type"]?.string == TemplateRecord.type else {
                    logger.debug("not a template record; not relayed", metadata: ["line": "\(number)"])
                    return true
                }
                relay.publish(record: bytes, templateID: root["id"]?.string, height: root["gbt"]?["height"]?.int64)
                return true
            } catch {
                FileHandleStderr.write("rg-feed: line \(number): \(error.code.rawValue): \(error)\n")
                return false
            }
        }.badLines
    }
}
