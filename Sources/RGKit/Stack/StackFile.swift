import TOMLKit

/// A stack file: the tools of a deployment, how their stdin/stdout connect, and where their
/// logs go. `rg-stack` runs it; presets (`demo`, `shadow`, `observe`, `inline`) generate one.
///
///     [stack]
///     log_dir = "var/log"
///
///     [[tool]]
///     name = "verify"
///     command = ["rg-verify", "--policy", "config/policy.toml", "--strip"]
///     stdin = "fetch"          # the tool whose stdout feeds this one (omit: no stdin)
///     env = { RG_LOG_LEVEL = "info" }
///     keep_output = true       # the last stage: write its stdout to log_dir/<name>.ndjson
///
///     [[setup]]                # run once before the tools, skipped when `creates` exists
///     command = ["rg-gate", "keygen", "--output", "var/authority.key"]
///     creates = "var/authority.key"
///
///     [[setup]]                # `stdout`: the step's output is kept in that file
///     command = ["rg-gate", "pubkey", "--key", "var/authority.key"]
///     stdout = "var/authority.pub"
public struct StackFile: Sendable, Equatable {
    /// A one-shot command the stack needs before its tools start (a key, a first admin).
    public struct SetupStep: Sendable, Equatable {
        public var command: [String]
        /// The file the step makes; when it exists the step is already done and is skipped.
        public var creates: String?
        /// Where the step's stdout goes (replaced atomically on success); nil: the setup log.
        public var stdout: String?
        public var environment: [String: String]

        public init(command: [String], creates: String? = nil, stdout: String? = nil, environment: [String: String] = [:]) {
            self.command = command
            self.creates = creates
            self.stdout = stdout
            self.environment = environment
        }
    }

    public struct Tool: Sendable, Equatable {
        public var name: String
        public var command: [String]
        public var stdinFrom: String?
        public var environment: [String: String]
        public var keepOutput: Bool
        /// Wait this long after starting the previous tools (e.g. for a server to bind).
        public var startDelayMs: Int64

        public init(name: String, command: [String], stdinFrom: String? = nil, environment: [String: String] = [:],
                    keepOutput: Bool = false, startDelayMs: Int64 = 0) {
            self.name = name
            self.command = command
            self.stdinFrom = stdinFrom
            self.environment = environment
            self.keepOutput = keepOutput
            self.startDelayMs = startDelayMs
        }
    }

    public var logDirectory: String
    public var setup: [SetupStep]
    public var tools: [Tool]

    public init(logDirectory: String = "var/log", setup: [SetupStep] = [], tools: [Tool]) {
        self.logDirectory = logDirectory
        self.setup = setup
        self.tools = tools
    }

    public init(toml text: String, file: String) throws(ToolError) {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch {
            throw ToolError(.usage, "\(file): TOML syntax error: \(error)")
        }
        logDirectory = root["stack"]?.table?["log_dir"]?.string ?? "var/log"
        var setup: [SetupStep] = []
        for (index, element) in (root["setup"]?.array.map { Array($0) } ?? []).enumerated() {
            guard let t = element.table else { throw ToolError(.usage, "\(file): setup step \(index + 1) is not a table") }
            guard let command = t["command"]?.array?.compactMap({ $0.string }), !command.isEmpty else {
                throw ToolError(.usage, "\(file): setup step \(index + 1) needs command = [\"program\", \"args\"…]")
            }
            setup.append(SetupStep(command: command, creates: t["creates"]?.string, stdout: t["stdout"]?.string,
                                   environment: Self.environment(t["env"]?.table)))
        }
        self.setup = setup
        guard let list = root["tool"]?.array else { throw ToolError(.usage, "\(file): no [[tool]] entries") }
        var tools: [Tool] = []
        for (index, element) in list.enumerated() {
            guard let t = element.table else { throw ToolError(.usage, "\(file): tool \(index + 1) is not a table") }
            guard let name = t["name"]?.string, !name.isEmpty else { throw ToolError(.usage, "\(file): tool \(index + 1) has no name") }
            guard let command = t["command"]?.array?.compactMap({ $0.string }), !command.isEmpty else {
                throw ToolError(.usage, "\(file): tool \"\(name)\" needs command = [\"program\", \"args\"…]")
            }
            tools.append(Tool(name: name, command: command, stdinFrom: t["stdin"]?.string, environment: Self.environment(t["env"]?.table),
                              keepOutput: t["keep_output"]?.bool ?? false, startDelayMs: Int64(t["start_delay_ms"]?.int ?? 0)))
        }
        self.tools = tools
        try validate(file: file)
    }

    private static func environment(_ table: TOMLTable?) -> [String: String] {
        var environment: [String: String] = [:]
        if let table {
            for key in table.keys { environment[key] = table[key]?.string ?? "" }
        }
        return environment
    }

    public func validate(file: String) throws(ToolError) {
        var names: Set<String> = []
        for tool in tools {
            guard names.insert(tool.name).inserted else { throw ToolError(.usage, "\(file): two tools are named \"\(tool.name)\"") }
        }
        var readers: [String: String] = [:]
        for tool in tools {
            guard let source = tool.stdinFrom else { continue }
            guard names.contains(source), source != tool.name else {
                throw ToolError(.usage, "\(file): tool \"\(tool.name)\" reads stdin from unknown tool \"\(source)\"")
            }
            if let other = readers[source] {
                throw ToolError(.usage, "\(file): \"\(other)\" and \"\(tool.name)\" both read \"\(source)\"'s output; a stream has one reader")
            }
            readers[source] = tool.name
        }
    }

    /// The stack as TOML (what a preset writes with `rg-stack preset NAME`).
    public var toml: String {
        func quote(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func table(_ env: [String: String]) -> String {
            "{ \(env.keys.sorted().map { "\($0) = \(quote(env[$0]!))" }.joined(separator: ", ")) }"
        }
        var out = "[stack]\nlog_dir = \(quote(logDirectory))\n"
        for step in setup {
            out += "\n[[setup]]\ncommand = [\(step.command.map(quote).joined(separator: ", "))]\n"
            if let creates = step.creates { out += "creates = \(quote(creates))\n" }
            if let stdout = step.stdout { out += "stdout = \(quote(stdout))\n" }
            if !step.environment.isEmpty { out += "env = \(table(step.environment))\n" }
        }
        for tool in tools {
            out += "\n[[tool]]\nname = \(quote(tool.name))\ncommand = [\(tool.command.map(quote).joined(separator: ", "))]\n"
            if let source = tool.stdinFrom { out += "stdin = \(quote(source))\n" }
            if !tool.environment.isEmpty {
                out += "env = \(table(tool.environment))\n"
            }
            if tool.keepOutput { out += "keep_output = true\n" }
            if tool.startDelayMs > 0 { out += "start_delay_ms = \(tool.startDelayMs)\n" }
        }
        return out
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
