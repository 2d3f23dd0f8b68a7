import Foundation
import Testing

/// Acceptance: the whole operator flow in headless Chromium (Tests/Browser/dashboard_flow.py,
/// driven with selenium and chromium-driver). Skipped with a message only where Chromium is not
/// installed on a developer machine; in CI (CI set) a missing browser is a failure.
@Suite(.timeLimit(.minutes(10)), .serialized) struct DashboardBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: DashboardBrowserTests.chromium != nil || TestPython.isCI,
                   "Chromium is not installed: run scripts/setup-test-env.sh (apt-get install chromium chromium-driver) to run the browser test"))
    func registerApproveLoginSeeVerdictsEditPolicyAndSeeTheNextVerdictChange() throws {
        let chromium = try #require(Self.chromium, "CI must have chromium (scripts/setup-test-env.sh)")
        let driver = try #require(Self.driver, "chromium-driver is missing (scripts/setup-test-env.sh)")
        let python = try #require(TestPython.path, "the test venv is missing (scripts/setup-test-env.sh)")
        let dir = try ScratchDirectory()
        let db = dir.path("var/rg.sqlite"), policy = dir.path("policy.toml")
        try FileManager.default.copyItem(atPath: Repository.examplePolicy, toPath: policy)
        let admin = try Tool.run("rg-auth", ["init", "--email", "admin@example.org", "--db", db], env: ["RG_AUTH_ADMIN_PASSWORD": "admin password 1"])
        #expect(admin.status == 0, "\(admin.err)")
        let server = try ServerProcess("rg-stat", ["serve", "--listen", "127.0.0.1:0", "--db", db, "--policy", policy], stderrPath: dir.path("dashboard.log"))
        defer { server.stop() }
        // Browsers treat localhost as a secure origin, so the Secure cookies work over http here.
        let base = server.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let artifacts = Repository.root.appendingPathComponent("Tests/artifacts/browser").path
        try? FileManager.default.removeItem(atPath: artifacts)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Repository.root.appendingPathComponent("Tests/Browser/dashboard_flow.py").path,
                             "--base-url", base, "--mail-log", server.stderrPath, "--artifacts", artifacts,
                             "--bin-dir", URL(fileURLWithPath: Tool.path("rg-verify")).deletingLastPathComponent().path,
                             "--db", db, "--policy", policy, "--admin-email", "admin@example.org", "--admin-password", "admin password 1",
                             "--chromium", chromium, "--chromedriver", driver]
        process.environment = Tool.environment(["SE_OFFLINE": "true"])
        let log = dir.path("browser.log")
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "browser flow failed:\n\(output)\n--- dashboard stderr ---\n\(server.stderr.suffix(4000))")
        #expect(output.contains("browser flow passed"))
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: artifacts)) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count >= 15)
    }
}
