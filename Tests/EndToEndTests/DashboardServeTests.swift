import Foundation
import RGKit
import Testing

/// `rg-stat serve` as a real process: roles and CSRF enforced by the server, the JSON API, /metrics,
/// and `rg-stat top --once`, over a store that a real `rg-feed demo | rg-verify --db` filled.
@Suite(.timeLimit(.minutes(10)), .serialized) struct DashboardServeTests {
    let dir = try! ScratchDirectory()
    var db: String { dir.path("var/rg.sqlite") }
    var policy: String { dir.path("policy.toml") }

    func prepare() throws -> ServerProcess {
        try FileManager.default.copyItem(atPath: Repository.examplePolicy, toPath: policy)
        let feed = try Tool.run("rg-feed", ["demo", "--scenario", "cycle", "--count", "11", "--seed", "3"])
        #expect(feed.status == 0)
        let verify = try Tool.run("rg-verify", ["--policy", policy, "--db", db, "--strip", "--explain"], stdin: feed.stdout)
        #expect(verify.status == 0, "\(verify.err)")
        for (email, role) in [("admin@example.org", "admin"), ("viewer@example.org", "viewer"), ("op@example.org", "operator")] {
            let r = try Tool.run("rg-auth", ["user", "add", "--email", email, "--name", role, "--org", "Pool", "--role", role, "--db", db],
                                 stdin: Data("\(role) password\n".utf8))
            #expect(r.status == 0, "\(r.err)")
        }
        let pending = try Tool.run("rg-auth", ["user", "add", "--email", "new@example.org", "--name", "New", "--org", "Pool", "--db", db], stdin: Data("new password\n".utf8))
        #expect(pending.status == 0)
        #expect(try Tool.run("rg-auth", ["user", "disable", "new@example.org", "--db", db]).status == 0)
        return try ServerProcess("rg-stat", ["serve", "--listen", "127.0.0.1:0", "--db", db, "--policy", policy], stderrPath: dir.path("dashboard.log"))
    }

    @Test func rolesAndCSRFAreEnforcedByTheServer() throws {
        let server = try prepare()
        defer { server.stop() }
        let anonymous = CookieSession(base: server.baseURL)
        #expect(try anonymous.get("/").status == 303)
        #expect(try anonymous.get("/api/verdicts").status == 401)

        let viewer = CookieSession(base: server.baseURL)
        try viewer.signIn("viewer@example.org", "viewer password")
        #expect(try viewer.get("/verdicts").status == 200)
        let csrf = try viewer.csrf(from: "/policy")
        let policyPage = try viewer.get("/policy")
        #expect(!policyPage.body.contains("id=\"policy-form\""))
        let fileHash = try policyHash(viewer)
        let before = try String(contentsOfFile: policy, encoding: .utf8)
        let save = try viewer.postForm("/policy/save", ["csrf": csrf, "base_hash": fileHash, "toml": before.replacingOccurrences(of: "min_total_fees = 0", with: "min_total_fees = 5")])
        #expect(save.status == 403)
        #expect(try String(contentsOfFile: policy, encoding: .utf8) == before)
        #expect(try viewer.get("/users").status == 403)
        #expect(try viewer.postForm("/users/4/status", ["csrf": csrf, "status": "approved"]).status == 403)
        #expect(try viewer.get("/api/users").status == 403)

        let admin = CookieSession(base: server.baseURL)
        try admin.signIn("admin@example.org", "admin password")
        // A form without (or with a wrong) CSRF token is refused and changes nothing.
        #expect(try admin.postForm("/users/4/status", ["status": "approved"]).status == 403)
        #expect(try admin.postForm("/users/4/status", ["status": "approved", "csrf": String(repeating: "0", count: 64)]).status == 403)
        // …and the same request from another origin too.
        let adminCSRF = try admin.csrf(from: "/users")
        var crossSite = try admin.request("POST", "/users/4/status", body: "csrf=\(adminCSRF)&status=approved",
                                          contentType: "application/x-www-form-urlencoded", headers: ["Origin": "http://evil.example"])
        #expect(crossSite.status == 403)
        #expect(try admin.get("/users").body.contains("disabled"))
        crossSite = try admin.postForm("/users/4/status", ["status": "approved", "csrf": adminCSRF])
        #expect(crossSite.status == 303)
        #expect(try admin.get("/api/users").body.contains("\"status\":\"approved\""))
        // The anonymous login form needs its double-submit cookie too.
        let fresh = CookieSession(base: server.baseURL)
        #expect(try fresh.postForm("/login", ["email": "admin@example.org", "password": "admin password", "csrf": String(repeating: "a", count: 64)]).status == 403)

        // An operator may change the policy: the file is written and the change recorded.
        let op = CookieSession(base: server.baseURL)
        try op.signIn("op@example.org", "operator password")
        let opCSRF = try op.csrf(from: "/policy")
        let changed = before.replacingOccurrences(of: "min_total_fees = 0", with: "min_total_fees = 5")
        let preview = try op.postForm("/policy/preview", ["csrf": opCSRF, "base_hash": try policyHash(op), "toml": changed])
        #expect(preview.status == 200 && preview.body.contains("+ min_total_fees = 5"))
        let saved = try op.postForm("/policy/save", ["csrf": opCSRF, "base_hash": try policyHash(op), "toml": changed])
        #expect(saved.status == 303)
        #expect(try String(contentsOfFile: policy, encoding: .utf8) == changed)
        #expect(try op.get("/policy").body.contains("op@example.org"))
        // A stale editor (base hash of the old file) cannot overwrite the newer file.
        let stale = try op.postForm("/policy/save", ["csrf": opCSRF, "base_hash": fileHash, "toml": before])
        #expect(stale.status == 400 && stale.body.contains("changed since you opened"))
        let invalid = try op.postForm("/policy/preview", ["csrf": opCSRF, "base_hash": try policyHash(op), "toml": "[policy]\nmin_avg_fee_hi = 1\n"])
        #expect(invalid.status == 400 && invalid.body.contains("min_avg_fee"))
    }

    @Test func pagesAPIAndMetricsShowTheStore() throws {
        let server = try prepare()
        defer { server.stop() }
        let http = CookieSession(base: server.baseURL)
        try http.signIn("viewer@example.org", "viewer password")
        for path in ["/", "/verdicts", "/verdicts?reason=avg_fee_below_minimum&range=24h", "/templates", "/miners", "/policy", "/?fragment=live"] {
            let page = try http.get(path)
            #expect(page.status == 200, "\(path)")
            #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        }
        let verdicts = try http.get("/api/verdicts?limit=100")
        let list = try #require(verdicts.object["verdicts"] as? [[String: Any]])
        #expect(list.count == 11)
        #expect(list.contains { $0["reason_code"] as? String == "empty_template_rejected" })
        let id = try #require(list.first?["id"] as? Int)
        let detail = try http.get("/verdicts/\(id)")
        #expect(detail.status == 200 && detail.body.contains("id=\"checks\""))
        let filtered = try #require(try http.get("/api/verdicts?reason=tip_regressed").object["verdicts"] as? [[String: Any]])
        #expect(filtered.count == 1)
        let overview = try http.get("/api/overview").object
        #expect(overview["verdicts_last_hour"] as? Int == 11)
        let templates = try #require(try http.get("/api/templates").object["templates"] as? [[String: Any]])
        #expect(!templates.isEmpty)
        let metrics = try http.get("/metrics")
        #expect(metrics.status == 200 && metrics.body.contains("rg_stat_verdicts_total{accepted=\"false\",reason_code=\"empty_template_rejected\"} 1"))
        #expect(metrics.body.contains("rg_stat_users{status=\"approved\"} 3"))

        let top = try Tool.run("rg-stat", ["top", "--once", "--db", db])
        #expect(top.status == 0 && top.out.contains("VERIFIER") && top.out.contains("empty_template_rejected"))
    }

    func policyHash(_ client: CookieSession) throws -> String {
        let page = try client.get("/api/policy")
        return try #require(page.object["file_hash"] as? String)
    }
}
