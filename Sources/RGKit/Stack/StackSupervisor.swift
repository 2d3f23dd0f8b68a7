import Foundation
import Logging

/// Runs a stack: starts each tool, connects its stdout to the next tool's stdin through the
/// supervisor (line by line, so a restarted tool never receives half a record), restarts a tool
/// that exits with capped exponential backoff, and stops everything in pipeline order on
/// SIGINT/SIGTERM. Each tool's stderr goes to `<log_dir>/<name>.log`.
///
/// Holding both ends of every pipe is what makes restarts possible: when a tool dies its
/// neighbours keep their pipes, and a line that could not be delivered (the reader was
/// restarting) is delivered to the new instance instead of being lost — a found block in
/// flight to `rg-fetch submit` survives a restart of the submitter.
public final class StackSupervisor: @unchecked Sendable {
    public struct Event: Sendable {
        public var tool: String
        public var kind: String
        public var pid: Int32?
        public var status: Int32?
        public var restartInMs: Int64?
    }

    private final class Running: @unchecked Sendable {
        let tool: StackFile.Tool
        var process: Process?
        var stdin: FileHandle?
        var backoff = Backoff(baseMs: 500, capMs: 30_000)
        var startedNs: UInt64 = 0
        var restarts = 0
        init(tool: StackFile.Tool) { self.tool = tool }
    }

    /// Records one tool wrote, by `type`, and how many of each said `"accepted":true`: what a
    /// newcomer watching the demo wants to see (templates verified, jobs sent, shares accepted,
    /// blocks found and submitted) without reading five logs.
    public struct Tally: Sendable, Equatable {
        public var byType: [String: Int] = [:]
        public var acceptedByType: [String: Int] = [:]
        public init() {}

        mutating func count(_ line: [UInt8]) {
            let type = Self.recordType(line) ?? "other"
            byType[type, default: 0] += 1
            if Self.saysAccepted(line) { acceptedByType[type, default: 0] += 1 }
        }

        /// The record contract puts `"type"` first, so the prefix is enough.
        static func recordType(_ line: [UInt8]) -> String? {
            let prefix = Array(#"{"type":""#.utf8)
            guard line.count > prefix.count, line.starts(with: prefix) else { return nil }
            guard let end = line[prefix.count...].prefix(64).firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            return String(decoding: line[prefix.count..<end], as: UTF8.self)
        }

        /// `"accepted":true` among the leading fields: records carry their bulky parts
        /// (template, block hex) last, so the head of the line holds the verdict.
        static func saysAccepted(_ line: [UInt8]) -> Bool {
            let needle = Array(#""accepted":true"#.utf8)
            let head = line.prefix(2048)
            guard head.count >= needle.count else { return false }
            var i = head.startIndex
            while i <= head.endIndex - needle.count {
                if head[i] == needle[0] && head[i..<(i + needle.count)].elementsEqual(needle) { return true }
                i += 1
            }
            return false
        }
    }

    private let stack: StackFile
    private let executableDirectory: String?
    private let logger: Logger
    private let onEvent: @Sendable (Event) -> Void
    private let lock = NSCondition()
    private var running: [String: Running] = [:]
    private var tallies: [String: Tally] = [:]
    private var stopping = false
    private var rng = SecureRandomNumberGenerator()

    /// `executableDirectory`: where `rg-*` commands are looked up first (the supervisor's own
    /// directory, so a stack runs the tools it was built with).
    public init(stack: StackFile, executableDirectory: String?, logger: Logger, onEvent: @escaping @Sendable (Event) -> Void) {
        self.stack = stack
        self.executableDirectory = executableDirectory
        self.logger = logger
        self.onEvent = onEvent
    }

    /// What each tool has written so far (tools that wrote nothing are absent).
    public func currentTallies() -> [String: Tally] {
        lock.lock()
        defer { lock.unlock() }
        return tallies
    }

    /// Runs the setup steps, starts every tool and blocks until a stop is requested, then stops
    /// them all.
    public func run(shouldStop: () -> Bool) throws(ToolError) {
        try FileManagerLite.createParentDirectory(of: stack.logDirectory + "/x")
        for step in stack.setup { try runSetup(step) }
        for tool in stack.tools { running[tool.name] = Running(tool: tool) }
        for tool in stack.tools {
            if tool.startDelayMs > 0 { ProcessSignals.sleep(milliseconds: tool.startDelayMs) }
            do { try start(tool.name) } catch {
                // The tools already started must not outlive a stack that failed to start.
                stopAll(graceSeconds: 3)
                throw error
            }
        }
        while !shouldStop() { ProcessSignals.sleep(milliseconds: 200) }
        stopAll()
    }

    /// A setup step runs to completion before any tool starts; its stderr goes to
    /// `<log_dir>/setup.log` and a failure stops the stack before it begins.
    private func runSetup(_ step: StackFile.SetupStep) throws(ToolError) {
        if let creates = step.creates, FileManager.default.fileExists(atPath: creates) { return }
        if let creates = step.creates { try FileManagerLite.createParentDirectory(of: creates) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolve(step.command[0]))
        process.arguments = Array(step.command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment.merge(step.environment) { $1 }
        process.environment = environment
        let logPath = "\(stack.logDirectory)/setup.log"
        guard let log = FileHandle.forAppending(path: logPath) else { throw ToolError(.failure, "cannot open \(logPath)") }
        process.standardError = log
        let output = Pipe()
        process.standardOutput = step.stdout == nil ? log : output
        process.standardInput = FileHandle.nullDevice
        guard FileManager.default.isExecutableFile(atPath: process.executableURL!.path) else {
            throw ToolError(.failure, "setup: \(step.command[0]) is not beside rg-stack or on PATH (build it: swift build -c release)")
        }
        do { try process.run() } catch { throw ToolError(.failure, "setup: cannot start \(step.command[0]): \(error)") }
        let captured = step.stdout == nil ? Data() : output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(.failure, "setup step \(step.command.joined(separator: " ")) exited with \(process.terminationStatus); see \(logPath)")
        }
        if let path = step.stdout {
            try FileManagerLite.createParentDirectory(of: path)
            try FileManagerLite.writeAtomically(Array(captured), to: path)
        }
        onEvent(Event(tool: "setup", kind: "done", status: 0))
    }

    private func resolve(_ program: String) -> String {
        if program.contains("/") { return program }
        if let dir = executableDirectory, FileManager.default.isExecutableFile(atPath: "\(dir)/\(program)") { return "\(dir)/\(program)" }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            if FileManager.default.isExecutableFile(atPath: "\(dir)/\(program)") { return "\(dir)/\(program)" }
        }
        return program
    }

    private func start(_ name: String) throws(ToolError) {
        guard let entry = running[name] else { return }
        let tool = entry.tool
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolve(tool.command[0]))
        process.arguments = Array(tool.command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment.merge(tool.environment) { $1 }
        process.environment = environment
        let logPath = "\(stack.logDirectory)/\(tool.name).log"
        guard let log = FileHandle.forAppending(path: logPath) else { throw ToolError(.failure, "cannot open \(logPath)") }
        process.standardError = log
        let stdinPipe = Pipe()
        process.standardInput = tool.stdinFrom == nil ? FileHandle.nullDevice : stdinPipe
        let reader = stack.tools.first { $0.stdinFrom == tool.name }
        let outPipe = Pipe()
        if reader != nil || tool.keepOutput {
            process.standardOutput = outPipe
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        process.terminationHandler = { [weak self] finished in self?.exited(name, status: finished.terminationStatus) }
        guard FileManager.default.isExecutableFile(atPath: process.executableURL!.path) else {
            throw ToolError(.failure, "\(tool.name): \(tool.command[0]) is not beside rg-stack or on PATH (build it: swift build -c release)")
        }
        do { try process.run() } catch { throw ToolError(.failure, "\(tool.name): cannot start \(tool.command[0]): \(error)") }
        lock.lock()
        entry.process = process
        entry.stdin = tool.stdinFrom == nil ? nil : stdinPipe.fileHandleForWriting
        entry.startedNs = MonotonicClock.nanoseconds()
        lock.broadcast()
        lock.unlock()
        onEvent(Event(tool: name, kind: entry.restarts == 0 ? "started" : "restarted", pid: process.processIdentifier))
        if let reader {
            forward(from: outPipe.fileHandleForReading, producer: name, to: reader.name, keep: tool.keepOutput ? "\(stack.logDirectory)/\(tool.name).ndjson" : nil)
        } else if tool.keepOutput {
            forward(from: outPipe.fileHandleForReading, producer: name, to: nil, keep: "\(stack.logDirectory)/\(tool.name).ndjson")
        }
    }

    /// Copies one producer's stdout, a line at a time, to its reader's current stdin (and to a
    /// file). A line the reader could not take is kept and written to the next instance.
    private func forward(from source: FileHandle, producer: String, to consumer: String?, keep: String?) {
        let thread = Thread { [weak self] in
            guard let self else { return }
            let reader = LineReader(fd: source.fileDescriptor, maxLineBytes: 64 << 20)
            let keepFile = keep.flatMap { FileHandle.forAppending(path: $0) }
            while let event = try? reader.next() {
                guard case .line(let bytes, _) = event else { continue }
                self.lock.lock()
                self.tallies[producer, default: Tally()].count(bytes)
                self.lock.unlock()
                let line = Data(bytes + [0x0A])
                keepFile?.write(line)
                guard let consumer else { continue }
                while !self.deliver(line, to: consumer) {
                    if self.isStopping { return }
                }
            }
            try? source.close()
            // On shutdown the producer's end of input becomes the consumer's: it drains and exits.
            if let consumer, self.isStopping {
                self.lock.lock()
                try? self.running[consumer]?.stdin?.close()
                self.running[consumer]?.stdin = nil
                self.lock.unlock()
            }
        }
        thread.name = "rg-stack \(producer)→\(consumer ?? "file")"
        thread.start()
    }

    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    /// Writes to the consumer's stdin; false (after waiting for a restart) if it was not running.
    private func deliver(_ line: Data, to consumer: String) -> Bool {
        lock.lock()
        while !stopping && running[consumer]?.stdin == nil { _ = lock.wait(until: Date().addingTimeInterval(0.5)) }
        if stopping && running[consumer]?.process == nil { lock.unlock(); return false }
        let handle = running[consumer]?.stdin
        lock.unlock()
        guard let handle else { return false }
        do {
            try handle.write(contentsOf: line)
            return true
        } catch {
            lock.lock()
            if running[consumer]?.stdin === handle { running[consumer]?.stdin = nil }
            lock.unlock()
            return false
        }
    }

    private func exited(_ name: String, status: Int32) {
        lock.lock()
        guard let entry = running[name] else { lock.unlock(); return }
        entry.process = nil
        try? entry.stdin?.close()
        entry.stdin = nil
        let stopping = self.stopping
        let upMs = Int64((MonotonicClock.nanoseconds() - entry.startedNs) / 1_000_000)
        if upMs >= 30_000 { entry.backoff.reset() }
        let delay = entry.backoff.nextDelayMs(using: &rng)
        entry.restarts += 1
        lock.unlock()
        if stopping {
            onEvent(Event(tool: name, kind: "stopped", status: status))
            return
        }
        onEvent(Event(tool: name, kind: "exited", status: status, restartInMs: delay))
        logger.warning("tool exited; restarting", metadata: ["tool": "\(name)", "status": "\(status)", "restart_in_ms": "\(delay)"])
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(delay))) { [weak self] in
            guard let self, !self.isStopping else { return }
            do { try self.start(name) } catch {
                self.logger.error("restart failed", metadata: ["tool": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Stops sources first so each downstream tool drains what it has and exits on end of
    /// input; whatever is still running after the grace period gets SIGTERM, then SIGKILL.
    private func stopAll(graceSeconds: Double = 10) {
        lock.lock()
        stopping = true
        lock.broadcast()
        lock.unlock()
        for tool in stack.tools where tool.stdinFrom == nil {
            if let process = lock.withLockedValue({ running[tool.name]?.process }), process.isRunning { kill(process.processIdentifier, SIGTERM) }
        }
        let deadline = Date().addingTimeInterval(graceSeconds)
        for tool in stack.tools {
            while Date() < deadline, let process = lock.withLockedValue({ running[tool.name]?.process }), process.isRunning {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        for tool in stack.tools {
            guard let process = lock.withLockedValue({ running[tool.name]?.process }), process.isRunning else { continue }
            kill(process.processIdentifier, SIGTERM)
            let hard = Date().addingTimeInterval(3)
            while process.isRunning && Date() < hard { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}

extension NSCondition {
    fileprivate func withLockedValue<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

extension FileHandle {
    fileprivate static func forAppending(path: String) -> FileHandle? {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }
}
