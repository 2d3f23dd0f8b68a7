import ArgumentParser
import Logging
import RGKit

/// `rg-miner swarm`: N simulated miners over a few threads, submitting at a paced total rate.
struct Swarm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open many SV2 channels on one or two threads and submit shares at a controlled total rate.",
        discussion: """
            Every connection does the real protocol: TCP, Noise NX with the certificate checked \
            against --authority-pubkey, SetupConnection, one channel. Shares are real headers built \
            from the connection's jobs whose hash meets the channel target; run the gateway with a \
            trivial target (rg-gate --min-difficulty far below 1) so a share costs a few hashes. \
            --share-rate is the total over all channels, paced per event loop and round-robin over \
            channels, with at most --max-in-flight unanswered shares per channel. Connects are paced \
            (--connect-concurrency handshakes at a time). At the end a table goes to stderr and, \
            with --json, one `swarm` record to stdout: handshake rate and latency, share round-trip \
            p50/p99, accepted and rejected counts, and for each tip the wall-clock microseconds at \
            which the first and the last channel received its SetNewPrevHash (join them with the \
            gateway's `job` records for fan-out latency). --share-records also prints a `share` \
            record for every answered share. Raise `ulimit -n` above --connections first.
            """)

    @OptionGroup var pool: PoolOptions

    @Option(name: .long, help: "Channels to open (one connection each).")
    var connections: Int = 100

    @Option(name: .long, help: "Shares per second over all channels (0: only hold the connections).")
    var shareRate: Double = 1_000

    @Option(name: .long, help: "How long to run, connecting included (e.g. 30s).")
    var duration: String = "10s"

    @Option(name: .long, help: "Event-loop threads (1 or 2 is the point of a swarm).")
    var threads: Int = 1

    @Flag(name: .long, help: "Open extended channels.")
    var extended = false

    @Option(name: .long, help: "Handshakes in flight at once while connecting.")
    var connectConcurrency: Int = 256

    @Option(name: .long, help: "Unanswered shares allowed per channel before it waits.")
    var maxInFlight: Int = 32

    @Flag(name: .long, help: "Print the summary as one `swarm` record on stdout.")
    var json = false

    @Flag(name: .long, help: "Print a `share` record on stdout for every answered share.")
    var shareRecords = false

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-miner", level: pool.logLevel)
        ProcessSignals.install()
        let logger = Logger(label: "rg-miner.swarm")
        let (host, port, key, handshakeMs) = try pool.resolve()
        guard (1...1_000_000).contains(connections) else { throw ToolError(.usage, "--connections must be 1...1000000") }
        guard shareRate.isFinite, shareRate >= 0 else { throw ToolError(.usage, "--share-rate must be a non-negative number") }
        guard let durationMs = DurationText.milliseconds(duration), durationMs > 0 else {
            throw ToolError(.usage, "--duration: \"\(duration)\" is not a positive duration")
        }
        guard (1...8).contains(threads) else { throw ToolError(.usage, "--threads must be 1...8") }
        guard connectConcurrency >= 1 else { throw ToolError(.usage, "--connect-concurrency must be at least 1") }
        guard maxInFlight >= 1 else { throw ToolError(.usage, "--max-in-flight must be at least 1") }
        let limit = OpenFileLimit.raise(toward: UInt64(connections) + 64)
        if let limit, limit < UInt64(connections) + 64 {
            logger.warning("open-file limit below --connections; raise it with `ulimit -n`", metadata: ["limit": "\(limit)"])
        }

        let output = RecordOutput()
        var onResult: (@Sendable (MinerSession.ShareResult, String) -> Void)?
        if shareRecords {
            onResult = { result, worker in
                let submittedMs = RecordTime.nowMs() - Int64(result.roundTripNs / 1_000_000)
                let record = ShareRecord(result: result, worker: worker, submittedMs: submittedMs)
                try? output.write(record.encoded())
            }
        }
        let options = MinerSwarm.Options(
            host: host, port: port, authorityKey: key, connections: connections, shareRate: shareRate, durationMs: durationMs,
            threads: threads, extended: extended, connectConcurrency: connectConcurrency, maxInFlight: maxInFlight,
            handshakeTimeoutMs: handshakeMs, onResult: onResult)
        let report: SwarmReport
        do {
            report = try await MinerSwarm(options: options).run(shouldStop: { ProcessSignals.stopRequested })
        } catch {
            throw ToolError(.failure, "swarm against \(host):\(port): \(error)")
        }
        FileHandleStderr.write(report.table)
        if json {
            do { try output.write(report.encoded()) } catch { throw ToolError(.failure, "\(error)") }
        }
        if report.channelsOpened == 0 {
            throw ToolError(.failure, "no channel opened: \(report.failureSamples.first ?? "unknown reason")")
        }
    }
}
