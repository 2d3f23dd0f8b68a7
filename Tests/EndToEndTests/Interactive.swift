import Foundation
import RGKit

/// A tool process driven a line at a time: write a record, read the record it answers with.
/// Used where a test must act between two records (edit a policy, send a signal).
final class InteractiveTool: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private var lines: LineReader?
    private var errData = Data()
    private let errLock = NSLock()

    init(_ name: String, _ arguments: [String], env: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Tool.path(name))
        process.arguments = arguments
        process.environment = Tool.environment(env)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let handle = errors.fileHandleForReading
        DispatchQueue.global().async { [weak self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                self?.errLock.lock()
                self?.errData.append(chunk)
                self?.errLock.unlock()
            }
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Writes bytes without a newline (to build one long line in pieces).
    func sendRaw(_ bytes: [UInt8]) {
        input.fileHandleForWriting.write(Data(bytes))
    }

    func send(_ bytes: [UInt8]) {
        input.fileHandleForWriting.write(Data(bytes + [0x0A]))
    }

    /// The next stdout line, or nil at end of output. Blocks until it arrives.
    func readLine() -> [UInt8]? {
        if lines == nil { lines = LineReader(fd: output.fileHandleForReading.fileDescriptor) }
        while true {
            switch try? lines!.next() {
            case .line(let line, _)?: return line
            case .oversized?: continue
            case nil: return nil
            }
        }
    }

    var stderr: String {
        errLock.lock(); defer { errLock.unlock() }
        return String(decoding: errData, as: UTF8.self)
    }

    /// True once stderr contains `text`. Stderr is read on its own thread, so a line the tool
    /// wrote before its last record may not have arrived yet; the deadline only bounds a failure.
    func stderrContains(_ text: String, within seconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return stderr.contains(text)
    }

    /// Peak resident memory so far, from /proc (the process must still be running).
    var peakRSSBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) else { return nil }
        return kb * 1024
    }

    func closeInput() { try? input.fileHandleForWriting.close() }

    /// Closes stdin and waits; returns the exit status.
    func finish() -> Int32 {
        closeInput()
        while readLine() != nil {}
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rg-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The repository root (for config/policy.toml).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var examplePolicy: String { root.appendingPathComponent("config/policy.toml").path }
}
