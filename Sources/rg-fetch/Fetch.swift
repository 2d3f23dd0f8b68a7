import ArgumentParser
import Logging
import RGKit

/// `rg-fetch` / `rg-fetch fetch`: getblocktemplate (longpoll) → template records.
struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Write a template record each time the node's getblocktemplate work changes (the default command).",
        discussion: """
            Asks getblocktemplate with {"rules":["segwit"]} (plus "signet" on signet) and, when the \
            node offers a longpollid, waits on it, so a new block reaches the pipeline as soon as \
            the node has it. A record is written only when the work changed (new tip, or a \
            different transaction set or fees); it carries getmempoolinfo's reading, or \
            "mempool":null when that call failed. The network is learned from getblockchaininfo \
            and must match --network when given. When the node is unreachable, warming up, \
            syncing or not connected, the outage is reported on stderr and retried with capped \
            exponential backoff; rg-fetch never exits for it, and does not repeat the last \
            template when the node comes back.
            """)

    @OptionGroup(title: "Node")
    var rpc: RPCOptions

    @Option(name: .long, help: "Expected network: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK; default: whatever the node says).")
    var network: String?

    @Flag(name: .long, help: "Fetch one template, write it and exit.")
    var once = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Wait on getblocktemplate's longpollid when the node offers one.")
    var longpoll = true

    @Option(name: .long, help: ArgumentHelp("Pause between polls without longpoll (default 1s).", valueName: "duration"))
    var pollInterval: String = "1s"

    @Option(name: .long, help: ArgumentHelp("Deadline of a longpoll call; after it rg-fetch asks afresh (default 150s).", valueName: "duration"))
    var longpollTimeout: String = "150s"

    @Option(name: .long, help: ArgumentHelp("Longest wait between retries while the node is down (default 10s).", valueName: "duration"))
    var maxBackoff: String = "10s"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-fetch", level: logLevel)
        ProcessSignals.install()
        let logger = Logger(label: "rg-fetch")
        let expected = try Setting.network(network)
        var configuration = try rpc.clientConfiguration(network: expected)
        guard let pollMs = DurationText.milliseconds(pollInterval), pollMs > 0 else {
            throw ToolError(.usage, "--poll-interval: \"\(pollInterval)\" is not a positive duration")
        }
        guard let longPollMs = DurationText.milliseconds(longpollTimeout), longPollMs > 0 else {
            throw ToolError(.usage, "--longpoll-timeout: \"\(longpollTimeout)\" is not a positive duration")
        }
        guard let backoffMs = DurationText.milliseconds(maxBackoff), backoffMs > 0 else {
            throw ToolError(.usage, "--max-backoff: \"\(maxBackoff)\" is not a positive duration")
        }
        configuration.longPollTimeout = .milliseconds(longPollMs)
        var options = TemplateFetcher.Options()
        options.expectedNetwork = expected
        options.once = once
        options.longPoll = longpoll
        options.pollIntervalMs = pollMs
        options.backoff = Backoff(baseMs: min(250, backoffMs), capMs: backoffMs)

        let client = BitcoinRPCClient(configuration: configuration, logger: logger)
        let output = RecordOutput()
        let fetcher = TemplateFetcher(client: client, options: options, logger: logger) { record in try output.write(record) }
        logger.info("fetching", metadata: ["rpc": "\(configuration.endpoint)", "auth": "\(configuration.auth)", "longpoll": "\(longpoll)"])
        do {
            try await ProcessSignals.runUntilStopped { () async throws(ToolError) in try await fetcher.run() }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}
