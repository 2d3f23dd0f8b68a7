import ArgumentParser
import Logging
import RGKit

/// `rg-miner [--connect …]`: mine on one channel with CPU threads, one `share` record per answer.
struct Mine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Mine over SV2 with CPU threads and print a share record for every answered share.",
        discussion: """
            Connects, checks the pool's Noise certificate against --authority-pubkey, opens one \
            standard channel (or an extended one with --extended), builds headers from the pool's \
            jobs and searches nonces on --threads threads (rolling BIP-320 version bits, each \
            thread its own versions) until a header's SHA-256d is at or below the channel target. \
            Every accepted or rejected share is written to stdout as a `share` record \
            (rg-records(5)). With --shares N the miner stops after N answers and exits 0 only if \
            all N were accepted (3 otherwise); --duration stops it after that long.
            """)

    @OptionGroup var pool: PoolOptions

    @Flag(name: .long, help: "Open an extended channel (the miner builds the coinbase and merkle root itself).")
    var extended = false

    @Option(name: .long, help: "Search threads.")
    var threads: Int = 1

    @Option(name: .long, help: "Stop after this many answered shares; exit 0 only if all were accepted.")
    var shares: Int?

    @Option(name: .long, help: "Stop after this long (e.g. 30s, 5m).")
    var duration: String?

    @Option(name: .long, help: "The user identity the channel is opened for (worker name).")
    var worker: String = "rg-miner"

    @Option(name: .long, help: "Hashrate to declare in H/s (default: measured for 100 ms at startup, times --threads).")
    var hashrate: Double?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-miner", level: pool.logLevel)
        ProcessSignals.install()
        let logger = Logger(label: "rg-miner")
        let (host, port, key, handshakeMs) = try pool.resolve()
        guard (1...1_024).contains(threads) else { throw ToolError(.usage, "--threads must be 1...1024, got \(threads)") }
        if let shares, shares < 1 { throw ToolError(.usage, "--shares must be at least 1, got \(shares)") }
        let durationMs = try duration.map { text -> Int64 in
            guard let ms = DurationText.milliseconds(text), ms > 0 else { throw ToolError(.usage, "--duration: \"\(text)\" is not a positive duration") }
            return ms
        }
        guard worker.utf8.count <= 255 else { throw ToolError(.usage, "--worker is at most 255 bytes") }
        if let hashrate, !(hashrate.isFinite && hashrate >= 0) { throw ToolError(.usage, "--hashrate must be a non-negative number") }
        let declared = hashrate ?? HashrateProbe.measure(milliseconds: 100) * Double(threads)

        let session = MinerSession.Configuration(extended: extended, worker: worker, nominalHashRate: Float(declared),
                                                 endpointHost: host, endpointPort: UInt16(port))
        let output = RecordOutput()
        let worker = self.worker
        let options = CPUMiner.Options(host: host, port: port, authorityKey: key, session: session, threads: threads,
                                       shares: shares, durationMs: durationMs, handshakeTimeoutMs: handshakeMs)
        let miner = CPUMiner(options: options) { report in
            switch report {
            case .connected(let open, let target):
                logger.notice("channel open", metadata: [
                    "channel.id": "\(open.channelID)", "extended": "\(open.extended)",
                    "difficulty": "\(ShareDifficulty.difficulty(ofTarget: UInt256(littleEndian: target)))"])
            case .result(let result):
                let record = ShareRecord(result: result, worker: worker, submittedMs: RecordTime.nowMs() - Int64(result.roundTripNs / 1_000_000))
                do { try output.write(record.encoded()) } catch { ProcessSignals.requestStop() }
                if !result.accepted {
                    logger.warning("share rejected", metadata: ["code": "\(result.errorCode ?? "")", "job.id": "\(result.submission.jobID)"])
                }
            }
        }
        let summary: CPUMiner.Summary
        do {
            summary = try await miner.run(shouldStop: { ProcessSignals.stopRequested })
        } catch {
            throw ToolError(.failure, "cannot mine at \(host):\(port): \(error)")
        }
        logger.notice("done", metadata: [
            "accepted": "\(summary.accepted)", "rejected": "\(summary.rejected)", "blocks": "\(summary.blocks)",
            "hashrate": "\(Int(summary.hashrate))"])
        if let shares {
            if summary.accepted == shares { return }
            if summary.accepted + summary.rejected >= shares {
                throw ToolError(.inputRejected, "\(summary.rejected) of \(shares) shares rejected")
            }
            throw ToolError(.failure, "stopped after \(summary.accepted + summary.rejected) of \(shares) shares: \(summary.failure ?? "interrupted")")
        }
        // Without --shares a rejected share (a stale one at a new tip) is part of mining, not a failure.
        if let failure = summary.failure { throw ToolError(.failure, failure) }
    }
}
