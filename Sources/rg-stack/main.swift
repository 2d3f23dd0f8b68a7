import ArgumentParser
import Logging
import RGKit

/// rg-stack: runs a whole deployment — source, verifier, gateway, submitter, servers — from
/// one stack file or a preset, and keeps it running.
struct RGStack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-stack",
        abstract: "Run the whole ReserveGrid stack from one TOML stack file or a preset (demo, shadow, observe, inline).",
        discussion: "Exit status: 0 ok, 1 runtime failure, 2 usage error.",
        subcommands: [Run.self, Preset.self],
        defaultSubcommand: Run.self)
}

/// The settings a preset is generated from; shared by `run --preset` and `preset`.
struct PresetOptions: ParsableArguments {
    @Option(name: .long, help: "Directory for keys, the database and logs (default var).")
    var varDir: String = "var"

    @Option(name: .long, help: "Policy file (default config/policy.toml).")
    var policy: String = "config/policy.toml"

    @Option(name: .long, help: "The node's JSON-RPC URL (shadow, observe, inline). User and password come from RG_RPC_USER/RG_RPC_PASS.")
    var rpc: String?

    @Option(name: .long, help: "The node's cookie file (e.g. ~/.bitcoin/.cookie).")
    var rpcCookie: String?

    @Option(name: .long, help: "Where miners connect, host:port (default 127.0.0.1:3336).")
    var gateListen: String = "127.0.0.1:3336"

    @Option(name: .long, help: "The pool's payout address (observe, inline).")
    var payoutAddress: String?

    @Option(name: .long, help: "Chain of the payout address (observe, inline): mainnet, testnet, testnet4, signet, regtest (default mainnet).")
    var network: String = "mainnet"

    @Option(name: .long, help: "Dashboard address, host:port, or \"off\" (default 127.0.0.1:8084).")
    var dashboardListen: String = "127.0.0.1:8084"

    @Option(name: .long, help: "Demo: seconds between synthetic templates (default 5).")
    var demoInterval: Int = 5

    func options() throws(ToolError) -> StackPreset.Options {
        var o = StackPreset.Options()
        o.varDirectory = varDir
        o.policy = policy
        o.rpcURL = rpc
        o.rpcCookie = rpcCookie
        o.gateListen = gateListen
        o.payoutAddress = payoutAddress
        o.network = network
        o.dashboardListen = dashboardListen == "off" ? nil : dashboardListen
        guard demoInterval >= 1 else { throw ToolError(.usage, "--demo-interval must be at least 1 (seconds)") }
        o.demoIntervalSeconds = demoInterval
        return o
    }
}

extension StackPreset: ExpressibleByArgument {}

/// `rg-stack preset NAME`: prints a preset as a stack file to edit and run.
struct Preset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a preset stack (demo, shadow, observe, inline) as TOML.")

    @Argument(help: "demo, shadow, observe or inline.")
    var name: StackPreset

    @OptionGroup var presetOptions: PresetOptions

    func run() async throws {
        let stack = try name.stack(try presetOptions.options())
        print(stack.toml, terminator: "")
    }
}

/// `rg-stack run [FILE | --preset NAME]`: starts the stack and supervises it until Ctrl-C.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a stack and keep it running: restart what exits, stop everything on Ctrl-C or SIGTERM.",
        discussion: """
            Each tool's stderr goes to <log_dir>/<name>.log and the kept outputs to \
            <log_dir>/<name>.ndjson. Every --status-interval a line on stderr counts the records \
            each tool has written (templates, verdicts, jobs, shares, blocks, submits).
            """)

    @Argument(help: "A stack file (TOML). Omit it and give --preset instead.")
    var file: String?

    @Option(name: .long, help: "Run a preset instead of a file: demo, shadow, observe or inline.")
    var preset: StackPreset?

    @OptionGroup var presetOptions: PresetOptions

    @Option(name: .long, help: ArgumentHelp("Stop after this long (e.g. 60s, 10m); default: until Ctrl-C or SIGTERM.", valueName: "duration"))
    var duration: String?

    @Option(name: .long, help: "Seconds between status lines on stderr; 0 for none (default 10).")
    var statusInterval: Int = 10

    @Option(name: .long, help: "Log level (env: RG_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        ToolLogging.bootstrap(tool: "rg-stack", level: logLevel)
        ProcessSignals.install()
        let stack: StackFile
        switch (file, preset) {
        case (let path?, nil):
            guard let bytes = FileManagerLite.read(path) else { throw ToolError(.usage, "\(path): cannot read the stack file") }
            stack = try StackFile(toml: String(decoding: bytes, as: UTF8.self), file: path)
        case (nil, let preset?):
            stack = try preset.stack(try presetOptions.options())
        default:
            throw ToolError(.usage, "give a stack file or --preset NAME (one of them)")
        }
        guard statusInterval >= 0 else { throw ToolError(.usage, "--status-interval must be ≥ 0") }
        var stopAtNs: UInt64?
        if let duration {
            guard let ms = DurationText.milliseconds(duration), ms > 0 else {
                throw ToolError(.usage, "--duration: \"\(duration)\" is not a duration such as 60s or 10m")
            }
            stopAtNs = MonotonicClock.nanoseconds() + UInt64(ms) * 1_000_000
        }
        let logger = Logger(label: "rg-stack")
        let supervisor = StackSupervisor(stack: stack, executableDirectory: ToolLocation.executableDirectory, logger: logger) { event in
            var metadata: Logger.Metadata = ["tool": "\(event.tool)", "event": "\(event.kind)"]
            if let pid = event.pid { metadata["pid"] = "\(pid)" }
            if let status = event.status { metadata["status"] = "\(status)" }
            if let delay = event.restartInMs { metadata["restart_in_ms"] = "\(delay)" }
            logger.info("tool", metadata: metadata)
        }
        logger.notice("stack starting", metadata: ["tools": "\(stack.tools.map(\.name).joined(separator: ","))", "logs": "\(stack.logDirectory)"])
        var nextStatus = MonotonicClock.nanoseconds() + UInt64(statusInterval) * 1_000_000_000
        try supervisor.run(shouldStop: {
            if statusInterval > 0, MonotonicClock.nanoseconds() >= nextStatus {
                nextStatus += UInt64(statusInterval) * 1_000_000_000
                FileHandleStderr.write("rg-stack: " + StackStatus.line(supervisor.currentTallies(), order: stack.tools.map(\.name)) + "\n")
            }
            if let stopAtNs, MonotonicClock.nanoseconds() >= stopAtNs { return true }
            return ProcessSignals.stopRequested
        })
        FileHandleStderr.write("rg-stack: stopped; " + StackStatus.line(supervisor.currentTallies(), order: stack.tools.map(\.name)) + "\n")
    }
}

await RGStack.mainWithToolExits(tool: "rg-stack")
