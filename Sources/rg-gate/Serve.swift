import ArgumentParser
import Foundation
import Logging
import RGKit

/// `rg-gate serve` (the default): verdict records on stdin → SV2 jobs for miners; shares judged;
/// job/share/channel/block/policy_override records on stdout (and in the store with --db).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve Stratum V2 (Noise NX) to miners from verdict records on stdin.",
        discussion: """
            Reads `verdict` records carrying their template (rg-verify's output), `template` \
            records (work without a verdict yet) and stripped verdicts; other record types pass \
            through to stdout. In inline mode only accepted templates become jobs; when the tip \
            changes and no accepted template for it arrives within --stale-hold, the newest \
            rejected (or unjudged) one is released with a `policy_override` record. If its \
            rejection shows no block from it could be valid (a consensus rule, or weight or sigop \
            cost over Bitcoin's limit), only its tip goes out, as a coinbase-only job paying the \
            subsidy. In observe mode every template becomes a job and verdicts are only recorded.

            Miners connect over TCP, complete the Noise NX handshake (the certificate is signed by \
            the authority key in --authority-key, which miners pin), send SetupConnection and open \
            standard or extended channels. Every share is judged in a fixed order (channel, rate \
            limit, job, stale, version bits, ntime, extranonce size, target, duplicate) and answered \
            with SubmitShares.Success or .Error; a share that meets the network target becomes a \
            `block` record at once. With --db an accepted share is acknowledged only after its row \
            is committed.

            HTTP on --http-listen: /healthz, /readyz (listener bound, key loaded, a job available), \
            /channels (JSON), /metrics (Prometheus). SIGHUP reloads the authority key for new \
            handshakes; SIGINT/SIGTERM stop accepting, send CloseChannel to every miner and exit 0. \
            End of stdin leaves the gateway serving the last work until a signal.
            """)

    // MARK: network

    @Option(name: .long, help: ArgumentHelp("SV2 listen address (env RG_GATE_LISTEN; default 127.0.0.1:3336; port 0 picks one).", valueName: "host:port"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("HTTP status address (env RG_GATE_HTTP_LISTEN; default 127.0.0.1:8086; 'off' disables).", valueName: "host:port"))
    var httpListen: String?

    @Flag(name: .long, help: "Allow non-loopback listen addresses (also RG_ALLOW_NON_LOOPBACK=1).")
    var allowRemote = false

    @Option(name: .long, help: ArgumentHelp("Most miner connections at once.", valueName: "n"))
    var maxConnections: Int = 20_000

    @Option(name: .customLong("max-connections-per-ip"), help: ArgumentHelp("Most miner connections from one address (0: no cap).", valueName: "n"))
    var maxConnectionsPerIP: Int = 0

    @Option(name: .long, help: ArgumentHelp("Most channels one connection may open.", valueName: "n"))
    var maxChannelsPerConnection: Int = 64

    @Option(name: .long, help: ArgumentHelp("Noise handshake must finish within this (e.g. 10s).", valueName: "duration"))
    var handshakeTimeout: String = "10s"

    @Option(name: .long, help: ArgumentHelp("After the handshake a connection must open a channel within this.", valueName: "duration"))
    var channelOpenTimeout: String = "30s"

    @Option(name: .long, help: ArgumentHelp("Event-loop threads (default: one per core).", valueName: "n"))
    var threads: Int?

    // MARK: keys

    @Option(name: .long, help: ArgumentHelp("Authority secret key file, mode 0600 (env RG_AUTHORITY_KEY; default var/authority.key).", valueName: "path"))
    var authorityKey: String?

    @Option(name: .long, help: ArgumentHelp("Validity of each Noise certificate from the handshake on.", valueName: "duration"))
    var certificateValidity: String = "24h"

    // MARK: work

    @Option(name: .long, help: "inline (only accepted templates become jobs) or observe (all do; verdicts recorded).")
    var mode: String = "inline"

    @Option(name: .long, help: ArgumentHelp("Inline: longest wait for an accepted template on a new tip.", valueName: "duration"))
    var staleHold: String = "2s"

    @Option(name: .long, help: "Network the payout address must belong to: mainnet, testnet, testnet4, signet, regtest.")
    var network: String = "mainnet"

    @Option(name: .long, help: ArgumentHelp("Payout address (bech32, bech32m or base58), or raw:<script hex> (env RG_PAYOUT).", valueName: "address"))
    var payout: String?

    @Option(name: .long, help: ArgumentHelp("Operator tag in the coinbase scriptSig (at most 64 bytes).", valueName: "text"))
    var coinbaseTag: String = "/ReserveGrid/"

    @Option(name: .long, help: ArgumentHelp("Extranonce bytes in the coinbase (prefix + what extended miners roll), 2…32.", valueName: "bytes"))
    var extranonceSize: Int = 16

    @Option(name: .long, help: ArgumentHelp("Per-channel extranonce prefix bytes: the server id plus a counter, 2…8.", valueName: "bytes"))
    var extranoncePrefixSize: Int = 5

    @Option(name: .long, help: ArgumentHelp("This gateway's byte at the front of every extranonce prefix, 0…255 (unique per host).", valueName: "n"))
    var serverID: Int = 0

    // MARK: difficulty and limits

    @Option(name: .long, help: ArgumentHelp("Starting difficulty when a miner declares no hashrate.", valueName: "d"))
    var defaultDifficulty: Double = 1

    @Option(name: .long, help: ArgumentHelp("Lowest difficulty vardiff may set (may be far below 1 on test networks).", valueName: "d"))
    var minDifficulty: Double = 1

    @Option(name: .long, help: ArgumentHelp("Highest difficulty vardiff may set (default: none).", valueName: "d"))
    var maxDifficulty: Double?

    @Option(name: .long, help: ArgumentHelp("Vardiff target shares per minute per channel (0 disables vardiff).", valueName: "n"))
    var vardiffRate: Double = 18

    @Option(name: .long, help: ArgumentHelp("Shares per second one channel may submit (0: unlimited); bursts of twice that.", valueName: "n"))
    var shareRateLimit: Double = 100

    // MARK: records

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Write a channel snapshot record for every channel this often (0: never).", valueName: "duration"))
    var snapshotInterval: String = "60s"

    @Option(name: .long, help: "Longest accepted input line in bytes.")
    var maxLineBytes: Int = LineReader.defaultMaxLineBytes

    @Option(name: .long, help: "Log level (env RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-gate", level: logLevel)
        ProcessSignals.install()
        MetricsRegistry.bootstrap()
        let logger = Logger(label: "rg-gate")
        let settings = try resolve()

        let keyPath = Setting.string(authorityKey, env: "RG_AUTHORITY_KEY", default: "var/authority.key")!
        let authority: AuthorityKeyPair
        do { authority = try AuthorityKeyPair.load(fromFile: keyPath) } catch {
            throw ToolError(.usage, "--authority-key: \(error) (create one with `rg-gate keygen --output \(keyPath)`)")
        }
        var rng = SecureRandomNumberGenerator()
        let responder = NoiseResponder.Configuration(authority: authority, certificateValiditySeconds: settings.certificateValiditySeconds,
                                                     using: &rng)

        let database: RGDatabase? = try store.configuredPath.map { _ in try store.open(.create) }
        let sink = GatewayRecordSink(output: RecordOutput(), store: database.map(GatewayStore.init), logger: logger)
        sink.start()
        let core = GatewayCore(configuration: settings.core, nowMs: WallClock.milliseconds())
        let server = GatewayServer(configuration: settings.server, core: core, responder: responder, sink: sink, logger: logger,
                                   threads: threads)
        let port: Int
        do { port = try await server.start() } catch {
            throw ToolError(.failure, "--listen \(settings.server.listen): cannot listen: \(error)")
        }
        let host = settings.server.listen.host
        FileHandleStderr.write("rg-gate: listening for miners on \(host.contains(":") ? "[\(host)]" : host):\(port)\n")
        logger.notice("serving", metadata: ["mode": "\(settings.core.mode.rawValue)", "payout": "\(settings.core.payout)",
                                            "authority": "\(authority.publicKey.authorityBase58Check)"])

        let http: Task<Void, Never>? = settings.httpListen.map { address in
            Task {
                let router = GatewayHTTP.router(server: server, readiness: .init(keyLoaded: { true }))
                do {
                    try await HTTPServerRunner.run(tool: "rg-gate", responder: router.buildResponder(), address: address,
                                                   limits: HTTPServerLimits(maxConnections: 64, maxConnectionsPerIP: 16), logger: logger)
                } catch {
                    logger.error("HTTP status server stopped: \(error)")
                }
                // Hummingbird's service group takes over SIGINT/SIGTERM while it runs: when it
                // returns, a stop was asked for (or it failed) and the gateway stops too.
                ProcessSignals.requestStop()
            }
        }
        let reloads = Task.detached {
            while !Task.isCancelled && !ProcessSignals.stopRequested {
                try? await Task.sleep(for: .milliseconds(100))
                guard ProcessSignals.takeReloadRequest() else { continue }
                do {
                    let key = try AuthorityKeyPair.load(fromFile: keyPath)
                    server.replaceAuthority(key)
                    logger.notice("authority key reloaded; new handshakes use it", metadata: ["authority": "\(key.publicKey.authorityBase58Check)"])
                } catch {
                    logger.error("authority key reload failed; keeping the previous key", metadata: ["error": "\(error)"])
                }
            }
        }
        let snapshots: Task<Void, Never>? = settings.snapshotIntervalMs > 0 ? Task.detached {
            while !Task.isCancelled && !ProcessSignals.stopRequested {
                try? await Task.sleep(for: .milliseconds(settings.snapshotIntervalMs))
                sink.submit(contentsOf: server.snapshot().map { .channel($0) })
            }
        } : nil

        let badLines = await GateInput.run(server: server, sink: sink, maxLineBytes: maxLineBytes, logger: logger)
        // Stdin ended (or a signal): keep serving the last work until told to stop.
        while !ProcessSignals.stopRequested { ProcessSignals.sleep(milliseconds: 1_000) }
        logger.notice("stopping: closing every miner's channels")
        await server.drain()
        reloads.cancel()
        snapshots?.cancel()
        http?.cancel()
        sink.finish()
        if badLines > 0 { throw ToolError(.inputRejected, "\(badLines) bad input lines") }
    }

    struct Settings {
        var core: GatewayConfiguration
        var server: GatewayServer.Configuration
        var httpListen: ListenAddress?
        var certificateValiditySeconds: UInt32
        var snapshotIntervalMs: Int64
    }

    /// Every flag checked, with the flag named in the error.
    func resolve() throws(ToolError) -> Settings {
        func duration(_ text: String, _ flag: String, allowZero: Bool = false) throws(ToolError) -> Int64 {
            guard let ms = DurationText.milliseconds(text), ms > 0 || (allowZero && ms == 0) else {
                throw ToolError(.usage, "\(flag): \"\(text)\" is not a \(allowZero ? "" : "positive ")duration (e.g. 500ms, 10s, 2m)")
            }
            return ms
        }
        let listenAddress = try ListenAddress(parsing: Setting.string(listen, env: "RG_GATE_LISTEN", default: "127.0.0.1:3336")!, flag: "--listen")
        try listenAddress.requireLoopback(unless: allowRemote, flag: "--listen")
        var httpAddress: ListenAddress?
        let httpText = Setting.string(httpListen, env: "RG_GATE_HTTP_LISTEN", default: "127.0.0.1:8086")!
        if httpText != "off" {
            let a = try ListenAddress(parsing: httpText, flag: "--http-listen")
            try a.requireLoopback(unless: allowRemote, flag: "--http-listen")
            httpAddress = a
        }
        guard let gateMode = TemplateGate.Mode(rawValue: mode) else {
            throw ToolError(.usage, "--mode: \"\(mode)\" is not inline or observe")
        }
        guard let net = Network(name: network) else {
            throw ToolError(.usage, "--network: \"\(network)\" is not mainnet, testnet, testnet4, signet or regtest")
        }
        guard let payoutText = Setting.string(payout, env: "RG_PAYOUT") else {
            throw ToolError(.usage, "--payout: required (an address for \(net.name), or raw:<script hex>)")
        }
        let payoutValue: Payout
        do { payoutValue = try Payout(parsing: payoutText, network: net) } catch { throw ToolError(.usage, "--payout: \(error.message)") }
        guard coinbaseTag.utf8.count <= 64 else {
            throw ToolError(.usage, "--coinbase-tag: \(coinbaseTag.utf8.count) bytes; at most 64")
        }
        guard (2...8).contains(extranoncePrefixSize) else {
            throw ToolError(.usage, "--extranonce-prefix-size: \(extranoncePrefixSize) is outside 2…8 (one server-id byte plus 1…7 counter bytes)")
        }
        guard (extranoncePrefixSize...32).contains(extranonceSize) else {
            throw ToolError(.usage, "--extranonce-size: \(extranonceSize) is outside \(extranoncePrefixSize)…32 (at least the prefix, at most SV2's 32)")
        }
        guard (0...255).contains(serverID) else { throw ToolError(.usage, "--server-id: \(serverID) is outside 0…255") }
        guard minDifficulty.isFinite, minDifficulty > 0 else { throw ToolError(.usage, "--min-difficulty: must be a positive number") }
        guard defaultDifficulty.isFinite, defaultDifficulty >= minDifficulty else {
            throw ToolError(.usage, "--default-difficulty: \(defaultDifficulty) must be a number ≥ --min-difficulty \(minDifficulty)")
        }
        if let maxDifficulty, !(maxDifficulty.isFinite && maxDifficulty >= defaultDifficulty) {
            throw ToolError(.usage, "--max-difficulty: \(maxDifficulty) must be ≥ --default-difficulty \(defaultDifficulty)")
        }
        guard vardiffRate.isFinite, vardiffRate >= 0 else { throw ToolError(.usage, "--vardiff-rate: must be ≥ 0 shares per minute") }
        guard shareRateLimit.isFinite, shareRateLimit >= 0 else { throw ToolError(.usage, "--share-rate-limit: must be ≥ 0 shares per second") }
        guard maxConnections > 0 else { throw ToolError(.usage, "--max-connections: must be > 0") }
        guard maxConnectionsPerIP >= 0 else { throw ToolError(.usage, "--max-connections-per-ip: must be ≥ 0") }
        guard maxChannelsPerConnection > 0 else { throw ToolError(.usage, "--max-channels-per-connection: must be > 0") }
        if let threads, threads <= 0 { throw ToolError(.usage, "--threads: must be > 0") }
        guard maxLineBytes > 0 else { throw ToolError(.usage, "--max-line-bytes: must be > 0") }
        let staleHoldMs = try duration(staleHold, "--stale-hold", allowZero: true)
        let handshakeMs = try duration(handshakeTimeout, "--handshake-timeout")
        let openMs = try duration(channelOpenTimeout, "--channel-open-timeout")
        let validityMs = try duration(certificateValidity, "--certificate-validity")
        guard validityMs / 1000 >= 1, validityMs / 1000 <= Int64(UInt32.max) else {
            throw ToolError(.usage, "--certificate-validity: between 1 s and 136 years")
        }
        let snapshotMs = try duration(snapshotInterval, "--snapshot-interval", allowZero: true)

        let vardiff = Vardiff.Configuration(targetSharesPerMinute: vardiffRate > 0 ? vardiffRate : 18, initialDifficulty: defaultDifficulty,
                                            minimumDifficulty: minDifficulty, maximumDifficulty: maxDifficulty)
        var core = GatewayConfiguration(
            network: net, payout: payoutValue, mode: gateMode, staleHoldMs: staleHoldMs,
            coinbaseLayout: .standard(tag: coinbaseTag, extranonceSize: extranonceSize), serverID: UInt8(serverID),
            extranonceCounterBytes: extranoncePrefixSize - 1, maxChannelsPerConnection: maxChannelsPerConnection,
            vardiff: vardiff, vardiffEnabled: vardiffRate > 0,
            shareRateLimitPerSecond: shareRateLimit, shareRateBurst: max(1, 2 * shareRateLimit))
        core.jobRootWorkers = threads ?? ProcessInfo.processInfo.activeProcessorCount
        var server = GatewayServer.Configuration(listen: listenAddress)
        server.maxConnections = maxConnections
        server.maxConnectionsPerIP = maxConnectionsPerIP
        server.handshakeTimeout = .milliseconds(handshakeMs)
        server.channelOpenTimeout = .milliseconds(openMs)
        server.certificateValiditySeconds = UInt32(validityMs / 1000)
        return Settings(core: core, server: server, httpListen: httpAddress, certificateValiditySeconds: UInt32(validityMs / 1000),
                        snapshotIntervalMs: snapshotMs)
    }
}

/// Reads stdin on its own thread (blocking reads) and feeds the gateway; returns the number of
/// bad lines.
enum GateInput {
    static func run(server: GatewayServer, sink: GatewayRecordSink, maxLineBytes: Int, logger: Logger) async -> Int {
        let outcome = await StandardInputLines.readOnThread(named: "rg-gate stdin", tool: "rg-gate", maxLineBytes: maxLineBytes,
                                                            logger: logger) { bytes, number in
            feed(bytes, number: number, server: server, sink: sink)
        }
        if outcome.endOfInput { logger.notice("stdin ended; miners keep the last work") }
        return outcome.badLines
    }

    /// One line; false when it was bad.
    static func feed(_ line: [UInt8], number: Int, server: GatewayServer, sink: GatewayRecordSink) -> Bool {
        let arrivedMs = WallClock.milliseconds()
        let input: GatewayInput
        do { input = try GatewayInput(line: line) } catch {
            FileHandleStderr.write("rg-gate: line \(number): \(error.code.rawValue): \(error.detail)\n")
            return false
        }
        do {
            switch input {
            case .judged(let template, let id, let receivedMs, let accepted, let reason, let blocksCannotBeValid):
                // Latency is measured from arrival here (the record's received_ms is the fetcher's clock).
                _ = receivedMs
                server.judgedTemplateArrived(try server.prepare(template, templateID: id, receivedMs: arrivedMs),
                                             accepted: accepted, reasonCode: reason, blocksCannotBeValid: blocksCannotBeValid)
            case .template(let template, let id, let receivedMs):
                _ = receivedMs
                server.templateArrived(try server.prepare(template, templateID: id, receivedMs: arrivedMs))
            case .verdict(let id, let accepted, let reason, let blocksCannotBeValid):
                server.verdictArrived(templateID: id, accepted: accepted, reasonCode: reason, blocksCannotBeValid: blocksCannotBeValid)
            case .passThrough:
                sink.passThrough(line)
            }
        } catch {
            server.templateRefused()
            FileHandleStderr.write("rg-gate: line \(number): \(error.code.rawValue): \(error.detail)\n")
            return false
        }
        return true
    }
}
