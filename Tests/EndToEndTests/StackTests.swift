import Foundation
import Testing

/// `rg-stack run`: real tools under the real supervisor — setup steps, pipes between tools,
/// a crashed tool restarted without losing the stream, and a clean stop on SIGTERM.
@Suite struct StackTests {
    /// Children of `parent` running `command`, from /proc (the supervisor's tools).
    static func children(of parent: Int32, named command: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return false }
            let name = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return name == command && fields.count > 1 && Int32(fields[1]) == parent && fields[0] != "Z"
        }
    }

    static func lineCount(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// Polls until `condition` holds; the deadline only bounds a broken run.
    static func waitUntil(seconds: Double = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    @Test func aStackRunsItsSetupPipesItsToolsRestartsACrashAndStopsCleanly() throws {
        let scratch = try ScratchDirectory()
        let logs = scratch.path("log")
        let key = scratch.path("keys/authority.key")
        let stackFile = scratch.path("stack.toml")
        try """
            [stack]
            log_dir = "\(logs)"

            [[setup]]
            command = ["rg-gate", "keygen", "--output", "\(key)"]
            creates = "\(key)"

            [[tool]]
            name = "feed"
            command = ["rg-feed", "demo", "--seed", "7", "--interval", "50ms", "--txs", "20"]

            [[tool]]
            name = "verify"
            command = ["rg-verify", "--policy", "\(Repository.examplePolicy)", "--strip"]
            stdin = "feed"
            keep_output = true
            """.write(toFile: stackFile, atomically: true, encoding: .utf8)

        let stack = try InteractiveTool("rg-stack", ["run", stackFile, "--status-interval", "1", "--log-level", "info"])
        let verdicts = "\(logs)/verify.ndjson"
        #expect(Self.waitUntil { Self.lineCount(verdicts) >= 5 }, "verdicts flow from the feed through the verifier")
        #expect(FileManager.default.fileExists(atPath: key), "the setup step made the key")

        let first = Self.children(of: stack.pid, named: "rg-verify")
        try #require(first.count == 1)
        kill(first[0], SIGKILL)
        #expect(Self.waitUntil {
            let now = Self.children(of: stack.pid, named: "rg-verify")
            return now.count == 1 && now[0] != first[0]
        }, "the supervisor restarts the killed verifier")
        let before = Self.lineCount(verdicts)
        #expect(Self.waitUntil { Self.lineCount(verdicts) >= before + 5 }, "verdicts keep coming after the restart")
        #expect(Self.waitUntil { stack.stderr.contains("verify 1") || stack.stderr.contains(" verdict") }, "status lines count records")

        kill(stack.pid, SIGTERM)
        stack.process.waitUntilExit()
        #expect(stack.process.terminationStatus == 0)
        #expect(Self.children(of: stack.pid, named: "rg-verify").isEmpty && Self.children(of: stack.pid, named: "rg-feed").isEmpty)
        #expect(Eventually.holds { stack.stderr.contains("event=exited") }, "the crash is logged")

        // Every line the verifier wrote is a whole record: a restart never splits one.
        let text = try String(contentsOfFile: verdicts, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["type"] as? String == "verdict")
        }
        let logNames = try FileManager.default.contentsOfDirectory(atPath: logs)
        #expect(logNames.contains("feed.log") && logNames.contains("verify.log") && logNames.contains("setup.log"))
    }

    @Test func presetsPrintAsStackFilesAndRefuseMissingSettings() throws {
        let demo = try Tool.run("rg-stack", ["preset", "demo"])
        #expect(demo.status == 0)
        for tool in ["rg-feed", "rpc", "rg-fetch", "rg-verify", "rg-gate", "submit", "rg-miner", "rg-stat"] {
            #expect(demo.out.contains("\"\(tool)\""), "the demo stack runs \(tool)")
        }
        let inline = try Tool.run("rg-stack", ["preset", "inline", "--rpc", "http://127.0.0.1:8332"])
        #expect(inline.status == 2)
        #expect(inline.err.contains("--payout-address"))
        let shadow = try Tool.run("rg-stack", ["preset", "shadow"])
        #expect(shadow.status == 2)
        #expect(shadow.err.contains("--rpc"))
        let bad = try Tool.run("rg-stack", ["run", "/nonexistent/stack.toml"])
        #expect(bad.status == 2)
        #expect(bad.err.contains("/nonexistent/stack.toml"))
    }
}
