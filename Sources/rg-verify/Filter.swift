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

    @Option(name: .long, help: "Also record each verdict in this SQLite database (env: RG_DB).")
    var db: String?

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
        let networkName = Setting.string(network, env: "RG_NETWORK", default: "mainnet")!
        guard let network = Network(name: networkName) else {
            throw ToolError(.usage, "--network: unknown network \"\(networkName)\" (mainnet, testnet, testnet4, signet, regtest)")
        }
        guard maxLineBytes > 0 else { throw ToolError(.usage, "--max-line-bytes must be > 0") }
        var policyFile = try PolicyFile(path: policyPath)
        let verifier = TemplateVerifier(policy: policyFile.policy, options: .init(network: network, strip: strip, explain: explain))
        let sink = try VerdictSink(dbPath: Setting.string(db, env: "RG_DB"))
        let watcher = FileChangeWatcher(path: policyPath)
        logger.info("verifying", metadata: ["policy.file": "\(policyPath)", "policy.hash": "\(policyFile.policy.hash)", "network": "\(network.name)"])

        let reader = LineReader(fd: 0, maxLineBytes: maxLineBytes, chunkSize: 4 << 20, wakeFD: ProcessSignals.wakeFD)
        let output = RecordOutput()
        var badLines = 0
        var verdicts = 0
        func reject(_ line: Int, _ code: String, _ message: String) throws {
            badLines += 1
            FileHandleStderr.write("rg-verify: line \(line): \(code): \(message)\n")
            if strict { throw ToolError(.inputRejected, "stopping at the first bad line (--strict)") }
        }
        // Parsing and re-deriving a mainnet-size template is the expensive part; it runs on
        // worker threads while verdicts are issued and printed in input order here.
        // eval_us counts the work on this template (prepare + judge), not time spent queued.
        let pipeline = OrderedWorkPipeline<InputLine, PreparedLine>(maxInFlight: 4) { input in
            let started = MonotonicClock.nanoseconds()
            let prepared = verifier.prepare(line: input.bytes)
            return PreparedLine(prepared: prepared, line: input, prepareNs: MonotonicClock.nanoseconds() - started)
        }
        func deliver(_ item: PreparedLine, queuedAtNs: UInt64) throws {
            let judgeStarted = MonotonicClock.nanoseconds()
            switch verifier.judge(item.prepared, nowMs: WallClock.milliseconds()) {
            case .judged(let judgement):
                let evalUs = Int64((item.prepareNs + MonotonicClock.nanoseconds() - judgeStarted) / 1000)
                let record = judgement.record(policyHash: judgement.policyHash, verifiedMs: WallClock.milliseconds(), evalUs: evalUs)
                try sink.store(record, checks: judgement.evaluation.checks)
                try output.write(record.encoded(checks: judgement.evaluation.checks, template: judgement.templateBytes))
                verdicts += 1
            case .passThrough:
                try output.write(item.line.bytes)
            case .invalid(let code, let message):
                try reject(item.line.number, code, message)
            }
        }

        do {
            while !ProcessSignals.stopRequested {
                if ProcessSignals.takeReloadRequest() || watcher?.takeChange() == true {
                    try pipeline.drain(deliver)
                    if policyFile.reloadIfChanged(logger: logger) { verifier.replacePolicy(policyFile.policy) }
                }
                guard let event = try reader.next() else { break }
                switch event {
                case .oversized(let number, let bytes):
                    try pipeline.drain(deliver)
                    try reject(number, "line_too_long", "\(bytes) bytes exceed --max-line-bytes \(maxLineBytes); skipped")
                case .line(let bytes, let number):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                    let input = InputLine(bytes: bytes, number: number)
                    if bytes.count < 64 << 10 {
                        // Small records (compact proposes) cost less than a thread hand-off.
                        try pipeline.drain(deliver)
                        let started = MonotonicClock.nanoseconds()
                        let prepared = verifier.prepare(line: bytes)
                        try deliver(PreparedLine(prepared: prepared, line: input, prepareNs: MonotonicClock.nanoseconds() - started), queuedAtNs: started)
                    } else {
                        try pipeline.submit(input, deliver: deliver)
                    }
                }
            }
            try pipeline.drain(deliver)
        } catch let error as RecordOutputError {
            throw ToolError(.failure, error.description)
        } catch let error as LineReaderError {
            throw ToolError(.failure, "stdin: \(error)")
        }
        logger.info("done", metadata: ["verdicts": "\(verdicts)", "bad_lines": "\(badLines)"])
        if badLines > 0 { throw ToolError(.inputRejected, "") }
    }
}

struct InputLine: Sendable {
    var bytes: [UInt8]
    var number: Int
}

struct PreparedLine: Sendable {
    var prepared: TemplateVerifier.Prepared
    var line: InputLine
    var prepareNs: UInt64
}
