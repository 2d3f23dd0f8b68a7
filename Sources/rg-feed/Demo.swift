import ArgumentParser
import Logging
import RGKit

#if canImport(Glibc)
import Glibc
#endif

/// `rg-feed demo`: synthetic templates with real transactions, one scenario or all in turn.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Emit synthetic template records (real, decodable transactions) for a scenario.",
        discussion: """
            Scenarios and what the example policy (config/policy.toml) says about them:
              normal         accepted
              low_fees       avg_fee_below_minimum (fees of 100–400 sat, busy mempool)
              high_sigops    sigops_budget_exceeded (bare multisig outputs, Σ sigops > 80,000)
              empty          empty_template_rejected
              zero_coinbase  coinbase_value_zero_rejected
              heavy_weight   weight_ratio_exceeded (Σ weight > 99.9 % of 4,000,000)
              fee_sweep      the average fee walks 500 → 9,000 sat/tx while the mempool walks
                             0 → 30 → 30,000 txs, across the fee tiers; the first step is
                             avg_fee_below_minimum in the mid tier
              reorg          tip_regressed (the tip goes back one block, a competing prevhash)
              stale          template_too_old (curtime 5 minutes old)
              tampered       tx_data_mismatch (a declared weight, txid or wtxid disagrees)
              cycle          all of the above in that order (the default)
            A block is "found" on every normal template, so the next template builds on it.
            --follow-blocks FILE follows a file of block records as it grows (rg-feed rpc's \
            output, standing in for a node): a block found on the feed's current tip becomes the \
            tip, and the next template, built on it, goes out at once, as a node's next template \
            follows the block it accepted.
            --seed fixes every random choice; add --start-time to pin the clock as well and the
            output is byte-for-byte identical run after run (otherwise only the time fields differ).
            """)

    @Option(name: .long, help: "normal, low_fees, high_sigops, empty, zero_coinbase, heavy_weight, fee_sweep, reorg, stale, tampered or cycle.")
    var scenario: String = "cycle"

    @Option(name: .long, help: "Random seed (default: a fresh one each run).")
    var seed: UInt64?

    @Option(name: .long, help: "Templates to emit, then exit (default: until interrupted).")
    var count: Int?

    @Option(name: .long, help: "Pause between templates: 0, 250ms, 1s, 5m …")
    var interval: String = "1s"

    @Option(name: .long, help: "Transactions in a normal template (a mainnet block holds 2,500–4,500).")
    var txs: Int = 2000

    @Option(name: .long, help: "Height of the first template.")
    var height: Int64 = 890_000

    @Option(name: .long, help: "mainnet, testnet, testnet4, signet or regtest (subsidy and bits follow it; env: RG_NETWORK).")
    var network: String?

    @Option(name: .long, help: "Unix milliseconds of the first template; later ones advance by --interval (makes output reproducible).")
    var startTime: Int64?

    @Option(name: .long, help: ArgumentHelp("Block records to follow as the file grows (rg-feed rpc's output): a block on the current tip becomes the tip and the next template goes out at once.", valueName: "path"))
    var followBlocks: String?

    @Option(name: .long, help: "Log level (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-feed", level: logLevel)
        ProcessSignals.install()
        guard let scenario = DemoScenario(rawValue: scenario) else {
            throw ToolError(.usage, "--scenario: unknown scenario \"\(self.scenario)\" (\(DemoScenario.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let network = try Setting.network(network, default: "mainnet")!
        guard let intervalMs = DurationText.milliseconds(interval) else {
            throw ToolError(.usage, "--interval: \"\(interval)\" is not a duration (e.g. 0, 250ms, 1s)")
        }
        guard txs >= 0, txs <= 20_000 else { throw ToolError(.usage, "--txs must be in 0…20000") }
        guard height > 0, height < Int64(Int32.max) else { throw ToolError(.usage, "--height must be in 1…\(Int32.max)") }
        if let count, count < 0 { throw ToolError(.usage, "--count must be ≥ 0") }
        let seed = self.seed ?? UInt64.random(in: .min ... .max)
        var feed = DemoFeed(options: .init(seed: seed, network: network, startHeight: height, txs: txs, scenario: scenario))
        let output = RecordOutput()
        let blocks = followBlocks.map { AppendedLines(path: $0) }
        let logger = Logger(label: "rg-feed.demo")
        var emitted = 0
        while count.map({ emitted < $0 }) ?? true, !ProcessSignals.stopRequested {
            let now = startTime.map { $0 + Int64(emitted) * intervalMs } ?? WallClock.milliseconds()
            let template = feed.next(nowMs: now)
            do {
                try output.write(template.record)
            } catch {
                throw ToolError(.failure, error.description)
            }
            emitted += 1
            guard count.map({ emitted < $0 }) ?? true else { break }
            if let blocks {
                waitForIntervalOrBlock(intervalMs, blocks: blocks, feed: &feed, logger: logger)
            } else if intervalMs > 0 {
                ProcessSignals.sleep(milliseconds: intervalMs)
            }
        }
    }

    /// Sleeps out the interval, cut short by a block of ours on the current tip.
    private func waitForIntervalOrBlock(_ intervalMs: Int64, blocks: AppendedLines, feed: inout DemoFeed, logger: Logger) {
        let deadline = Int64(MonotonicClock.nanoseconds() / 1_000_000) + intervalMs
        repeat {
            for line in blocks.poll() {
                guard let root = try? JSONDocument(bytes: line).root, root["type"]?.string == BlockRecord.type,
                      let record = try? BlockRecord(json: root) else { continue }
                if feed.adopt(record) {
                    logger.info("a block of ours is the tip: the next template builds on it",
                                metadata: ["block.hash": "\(record.hash)", "block.height": "\(record.height ?? -1)"])
                    return
                }
            }
            let left = deadline - Int64(MonotonicClock.nanoseconds() / 1_000_000)
            if left <= 0 { return }
            ProcessSignals.sleep(milliseconds: min(left, 50))
        } while !ProcessSignals.stopRequested
    }
}
