import ArgumentParser
import Logging
import RGKit

/// The pipe mode: template records in, verdict records out.
struct Filter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Read templates on stdin, write verdicts on stdout (the default command).",
        discussion: """
            The policy is reloaded on SIGHUP and whenever the policy file's content changes; a \
            policy that fails to load at start-up is an error (exit 2), a bad edit later keeps the \
            previous policy and logs why. Each verdict names the policy hash that judged it.
            """)

    @Option(name: .long, help: "Policy TOML file (env: RG_POLICY; default: config/policy.toml).")
    var policy: String?

    @Option(name: .long, help: "Network for the block subsidy: mainnet, testnet, testnet4, signet, regtest (env: RG_NETWORK; default: mainnet).")
    var network: String?

    @Flag(name: .long, help: "Leave the template out of each verdict record.")
    var strip = false

    @Flag(name: .long, help: "Add every check with its measured value and limit to each verdict.")
    var explain = false

    @OptionGroup(title: "Store")
    var store: StoreOptions

    @Flag(name: .long, help: "Stop at the first bad input line (exit 3).")
    var strict = false

    @Option(name: .long, help: "Longest accepted input line in bytes; longer lines are skipped.")
    var maxLineBytes: Int = LineReader.defaultMaxLineBytes

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-verify", level: logLevel)
        ProcessSignals.install()
        ToolMemory.keepLargeBuffersInHeap()
        let logger = Logger(label: "rg-verify")
        let policyPath = Setting.string(policy, env: "RG_POLICY", default: "config/policy.toml")!
        let network = try Setting.network(network, default: "mainnet")!
        guard maxLineBytes > 0 else { throw ToolError(.usage, "--max-line-bytes must be > 0") }
        let live = try LivePolicy(path: policyPath, options: .init(network: network, strip: strip, explain: explain), logger: logger)
        let output = RecordOutput()
        // The same path as `rg-verify serve`: judged in order, stored (--db), then printed.
        let emitter = VerdictEmitter(verifier: live.verifier, output: output, store: try VerdictEmitter.openStore(store))
        logger.info("verifying", metadata: ["policy.file": "\(policyPath)", "policy.hash": "\(live.policy.hash)", "network": "\(network.name)"])

        let reader = LineReader(fd: 0, maxLineBytes: maxLineBytes, chunkSize: 4 << 20, wakeFD: ProcessSignals.wakeFD)
        let counts = Counts()
        // Parsing and re-deriving a mainnet-size template is the expensive part; it runs on
        // worker threads while one delivery thread judges and prints in input order. eval_us
        // counts the work on this template (prepare + judge), not time spent queued.
        let failure = FirstFailure()
        let lineLimit = maxLineBytes
        let pipeline = OrderedWorkPipeline<InputLine, PreparedLine>(maxInFlight: 4, work: { input in
            if let skipped = input.oversizedBytes {
                return PreparedLine(prepared: .invalid(code: "line_too_long", message: "\(skipped) bytes exceed --max-line-bytes \(lineLimit); skipped"),
                                    line: input, prepareNs: 0)
            }
            let started = MonotonicClock.nanoseconds()
            let prepared = live.verifier.prepare(line: input.bytes)
            return PreparedLine(prepared: prepared, line: input, prepareNs: MonotonicClock.nanoseconds() - started)
        }, deliver: { item in
            guard failure.error == nil else { return }
            do {
                switch try emitter.emit(.init(item.prepared, prepareNs: item.prepareNs)) {
                case .verdict:
                    counts.verdict()
                case .passThrough:
                    try output.write(item.line.bytes)
                case .invalid(let code, let message):
                    counts.badLine()
                    FileHandleStderr.write("rg-verify: line \(item.line.number): \(code): \(message)\n")
                    if strict { throw ToolError(.inputRejected, "stopping at the first bad line (--strict)") }
                }
            } catch let error as VerdictEmitterError {
                failure.set(error.toolError)
            } catch let error as RecordOutputError {
                failure.set(ToolError(.failure, error.description))
            } catch let error as ToolError {
                failure.set(error)
            } catch {
                failure.set(ToolError(.failure, "\(error)"))
            }
        })

        do {
            while !ProcessSignals.stopRequested {
                live.reloadIfRequested(signalled: ProcessSignals.takeReloadRequest())
                guard let event = try reader.next() else { break }
                // An edit made while we waited for input applies to the record just read.
                live.reloadIfRequested(signalled: ProcessSignals.takeReloadRequest())
                switch event {
                case .oversized(let number, let bytes):
                    pipeline.submit(InputLine(bytes: [], number: number, oversizedBytes: bytes), inline: true)
                case .line(let bytes, let number):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                    // Small records (compact proposes) cost less than a thread hand-off.
                    pipeline.submit(InputLine(bytes: bytes, number: number), inline: bytes.count < 64 << 10)
                }
            }
        } catch {
            pipeline.finish()
            throw ToolError(.failure, "stdin: \(error)")
        }
        pipeline.finish()
        if let error = failure.error { throw error }
        let (verdicts, badLines) = counts.totals
        logger.info("done", metadata: ["verdicts": "\(verdicts)", "bad_lines": "\(badLines)"])
        if badLines > 0 { throw ToolError(.inputRejected, "") }
    }
}

struct InputLine: Sendable {
    var bytes: [UInt8]
    var number: Int
    /// Set for a line skipped for its length: reported in order with the others.
    var oversizedBytes: Int?
}

struct PreparedLine: Sendable {
    var prepared: TemplateVerifier.Prepared
    var line: InputLine
    var prepareNs: UInt64
}

/// Verdict and bad-line counts, updated by the delivery thread and read at the end.
final class Counts: @unchecked Sendable {
    private let lock = Lock()
    private var verdicts = 0
    private var bad = 0
    func verdict() { lock.withLock { verdicts += 1 } }
    func badLine() { lock.withLock { bad += 1 } }
    var totals: (Int, Int) { lock.withLock { (verdicts, bad) } }
}

/// The first error the delivery thread hit; it also stops the reading loop.
final class FirstFailure: @unchecked Sendable {
    private let lock = Lock()
    private var stored: ToolError?
    var error: ToolError? { lock.withLock { stored } }
    func set(_ error: ToolError) {
        lock.withLock { if stored == nil { stored = error } }
        ProcessSignals.requestStop()
    }
}
