import Foundation

/// Runs the built `rg-*` executables. `swift test` builds every product first, and the test
/// binary sits in the same products directory (`.build/<triple>/debug`), so the tools are found
/// beside it; `#filePath` gives `.build/debug` as a fallback.
enum Tool {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var out: String { String(decoding: stdout, as: UTF8.self) }
        var err: String { String(decoding: stderr, as: UTF8.self) }
        var errLines: [Substring] { err.split(separator: "\n") }
    }

    static func path(_ name: String) -> String {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(name).path)
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(repo.appendingPathComponent(".build/debug/\(name)").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[candidates.count - 1]
    }

    /// The environment without RG_* variables, so a developer's RG_DB cannot change a test.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RG_") }
        env.merge(extra) { $1 }
        return env
    }

    /// Runs to completion, feeding `stdin` through a pipe and draining both outputs at once.
    static func run(_ name: String, _ arguments: [String], stdin: Data = Data(), env: [String: String] = [:]) throws -> Result {
        let running = try start(name, arguments, env: env)
        let writer = Thread {
            running.stdin.fileHandleForWriting.write(stdin)
            try? running.stdin.fileHandleForWriting.close()
        }
        writer.start()
        return running.wait()
    }

    final class Running: @unchecked Sendable {
        let process: Process
        let stdin = Pipe()
        private let stdoutPipe = Pipe()
        private let stderrPipe = Pipe()
        private var out = Data()
        private var err = Data()
        private let group = DispatchGroup()

        init(_ process: Process) {
            self.process = process
            process.standardInput = stdin
            process.standardOutput = stdoutPipe
            process.standardError = stderrPipe
        }

        func launch() throws {
            try process.run()
            for (pipe, isOut) in [(stdoutPipe, true), (stderrPipe, false)] {
                group.enter()
                DispatchQueue.global().async {
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    if isOut { self.out = data } else { self.err = data }
                    self.group.leave()
                }
            }
        }

        func write(_ text: String) { stdin.fileHandleForWriting.write(Data(text.utf8)) }

        func wait() -> Result {
            process.waitUntilExit()
            group.wait()
            return Result(status: process.terminationStatus, stdout: out, stderr: err)
        }
    }

    static func start(_ name: String, _ arguments: [String], env: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path(name))
        process.arguments = arguments
        process.environment = environment(env)
        let running = Running(process)
        try running.launch()
        return running
    }
}

/// A condition on output another thread is still collecting (a tool's stderr is read on its own
/// thread, so a line written before the last record, or just before exit, may arrive a moment
/// later). Polls until it holds; the deadline only bounds a failure.
enum Eventually {
    static func holds(within seconds: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }

    /// The same, for async tests: it sleeps without holding one of the few cooperative threads,
    /// which a task the condition waits for (a subscriber connecting, say) may need.
    static func holdsWithoutBlocking(within seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
