import ArgumentParser
import Logging
import RGKit

/// `rg-feed connect URL`: a relay's templates on stdout, across reconnects.
struct Connect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Subscribe to a feed relay and write its template records to stdout.",
        discussion: """
            The token comes from RG_FEED_TOKEN (or the file named by RG_FEED_TOKEN_FILE), never a \
            flag. Reconnects back off exponentially (0.25 s doubling to --max-backoff, with jitter) \
            and start again from the shortest delay after a healthy session; a template already \
            written is never written again after a reconnect. A refused token (HTTP 401) exits 2.
            """)

    @Argument(help: "Relay URL, e.g. ws://127.0.0.1:9200/feed.")
    var url: String

    @Option(name: .long, help: "Longest reconnect delay (e.g. 10s).")
    var maxBackoff: String = "10s"

    @Option(name: .long, help: "Log level (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-feed", level: logLevel)
        ProcessSignals.install()
        ToolMemory.keepLargeBuffersInHeap()
        let logger = Logger(label: "rg-feed.connect")
        guard let token = try Setting.secret(env: "RG_FEED_TOKEN"), !token.isEmpty else {
            throw ToolError(.usage, "set RG_FEED_TOKEN (or RG_FEED_TOKEN_FILE) to a token from `rg-feed token add`")
        }
        guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else { throw ToolError(.usage, "URL must start with ws:// or wss://") }
        guard let capMs = DurationText.milliseconds(maxBackoff), capMs >= 250 else {
            throw ToolError(.usage, "--max-backoff: \"\(maxBackoff)\" must be a duration of at least 250ms")
        }
        var configuration = FeedSubscriber.Configuration(url: url, token: token)
        configuration.backoff = Backoff(baseMs: 250, capMs: capMs)
        let subscriber = FeedSubscriber(configuration: configuration, logger: logger)
        let output = RecordOutput()
        try await subscriber.run(shouldStop: { ProcessSignals.stopRequested }, onEvent: { event in
            switch event {
            case .connected: logger.notice("connected", metadata: ["url": "\(url)"])
            case .disconnected(let reason, let retry):
                logger.warning("feed unavailable; retrying", metadata: ["reason": "\(reason)", "retry_in_ms": "\(retry)"])
            case .unauthorized: break
            }
        }, emit: { record in
            do { try output.write(record) } catch {
                ProcessSignals.requestStop()
                throw ToolError(.failure, "\(error)")
            }
        })
    }
}
