import ArgumentParser
import Logging
import RGKit

#if canImport(Glibc)
import Glibc
#endif

/// `rg-feed load`: a load generator for `rg-verify serve`.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive rg-verify serve with paced TemplatePropose messages and report latency and drops.",
        discussion: """
            Opens --connections persistent TCP connections and sends --rate templates per second \
            in all, spread evenly (each connection sends every connections/rate seconds, the \
            connections' phases offset across that interval; --aligned makes them send together), \
            for --duration, then waits up to --drain-timeout for the last verdicts. Ids are \
            worker << 32 | n. A send is timestamped just before its line is written; its latency \
            ends when its verdict line has been read. Latencies go into an HDR histogram.

            Scenarios: valid (passes config/policy.toml), mixed (--reject-ratio of them are one of \
            the rejection kinds), reject-prevhash, reject-fees, reject-empty, reject-coinbase, \
            stale (created --stale-offset ago).

            Output: a load_report record on stdout (--json, or when stdout is not a terminal), and \
            a table (on stdout when it is a terminal, else on stderr). Exit status 1 when any \
            template got no verdict (drops > 0) or a connection failed; 2 for a usage error.
            """)

    @Option(name: .long, help: ArgumentHelp("The rg-verify serve TCP address (env: RG_LOAD_TARGET; default 127.0.0.1:9090).", valueName: "host:port"))
    var target: String?

    @Option(name: .long, help: "Persistent connections (workers).")
    var connections: Int = 10

    @Option(name: .long, help: "Templates per second over all connections.")
    var rate: Double = 100

    @Option(name: .long, help: "How long to send: 15s, 2m …")
    var duration: String = "30s"

    @Option(name: .long, help: "valid, mixed, reject-prevhash, reject-fees, reject-empty, reject-coinbase or stale.")
    var scenario: String = "valid"

    @Flag(name: .long, help: "Use the {msg_type, version, payload} envelope instead of bare proposes.")
    var envelope = false

    @Flag(name: .long, help: "Print the load_report record on stdout even when it is a terminal.")
    var json = false

    @Flag(name: .long, help: "Send from every connection at the same instants (bursts) instead of evenly spread phases.")
    var aligned = false

    @Option(name: .long, help: "Share of rejections in the mixed scenario (0…1).")
    var rejectRatio: Double = 0.3

    @Option(name: .long, help: "Age of the stale scenario's templates.")
    var staleOffset: String = "60s"

    @Option(name: .long, help: "Block height every template builds on.")
    var height: Int64 = 900_000

    @Option(name: .long, help: "How long to wait for outstanding verdicts after the last send.")
    var drainTimeout: String = "5s"

    @Option(name: .long, help: "Event loop threads for the connections.")
    var threads: Int = 1

    @Option(name: .long, help: "Random seed (default: a fresh one each run).")
    var seed: UInt64?

    @Option(name: .long, help: "Log level (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-feed", level: logLevel)
        signal(SIGPIPE, SIG_IGN)
        let options = try resolve()
        let report = try await VerifierLoadTest.run(options, logger: Logger(label: "rg-feed"))
        let terminal = isatty(1) == 1
        if json || !terminal {
            let output = RecordOutput()
            do { try output.write(report.encoded()) } catch { throw ToolError(.failure, error.description) }
            FileHandleStderr.write(report.table())
        } else {
            print(report.table(), terminator: "")
        }
        if report.drops > 0 {
            throw ToolError(.failure, "\(report.drops) of \(report.sent) templates got no verdict")
        }
        if report.connectFailures > 0 || !report.workerFailures.isEmpty {
            throw ToolError(.failure, "\(report.connectFailures + report.workerFailures.count) connections failed")
        }
    }

    func resolve() throws(ToolError) -> VerifierLoadTest.Options {
        let target = try ListenAddress(parsing: Setting.string(self.target, env: "RG_LOAD_TARGET", default: "127.0.0.1:9090")!, flag: "--target")
        guard let scenario = LoadScenario(rawValue: scenario) else {
            throw ToolError(.usage, "--scenario: unknown scenario \"\(scenario)\" (\(LoadScenario.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard (1...100_000).contains(connections) else { throw ToolError(.usage, "--connections must be in 1…100000") }
        guard rate > 0, rate.isFinite else { throw ToolError(.usage, "--rate must be > 0") }
        guard let durationMs = DurationText.milliseconds(duration), durationMs > 0 else {
            throw ToolError(.usage, "--duration: \"\(duration)\" is not a positive duration (e.g. 15s)")
        }
        guard let staleMs = DurationText.milliseconds(staleOffset) else { throw ToolError(.usage, "--stale-offset: \"\(staleOffset)\" is not a duration") }
        guard let drainMs = DurationText.milliseconds(drainTimeout) else { throw ToolError(.usage, "--drain-timeout: \"\(drainTimeout)\" is not a duration") }
        guard (0...1).contains(rejectRatio) else { throw ToolError(.usage, "--reject-ratio must be in 0…1") }
        guard (1...64).contains(threads) else { throw ToolError(.usage, "--threads must be in 1…64") }
        guard height > 0 else { throw ToolError(.usage, "--height must be > 0") }
        var options = VerifierLoadTest.Options(target: target, connections: connections, rate: rate, durationMs: durationMs,
                                               scenario: scenario, envelope: envelope, seed: seed ?? UInt64.random(in: .min ... .max))
        options.rejectRatio = rejectRatio
        options.staleOffsetMs = staleMs
        options.height = height
        options.drainTimeoutMs = drainMs
        options.aligned = aligned
        options.threads = threads
        return options
    }
}
