import ArgumentParser
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
            if intervalMs > 0, count.map({ emitted < $0 }) ?? true { ProcessSignals.sleep(milliseconds: intervalMs) }
        }
    }
}
