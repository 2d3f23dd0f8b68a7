import Foundation
import RGKit
import Testing

/// `rg-auth` as a real process: the CLI and the HTTP API on 127.0.0.1, mail to the stderr stub.
@Suite(.timeLimit(.minutes(10)), .serialized) struct AuthServeTests {
    let dir = try! ScratchDirectory()
    var db: String { dir.path("var/rg.sqlite") }

    func startServer(_ extra: [String] = []) throws -> ServerProcess {
        try ServerProcess("rg-auth", ["serve", "--listen", "127.0.0.1:0", "--db", db, "--site-url", "http://localhost:9999"] + extra,
                          stderrPath: dir.path("auth-\(UUID().uuidString).log"))
    }

    func initAdmin() throws {
        let r = try Tool.run("rg-auth", ["init", "--email", "admin@example.org", "--db", db], env: ["RG_AUTH_ADMIN_PASSWORD": "admin password 1"])
        #expect(r.status == 0, "\(r.err)")
    }

    @Test func registerVerifyApproveLoginSessionLogoutThroughTheAPI() throws {
        try initAdmin()
        let server = try startServer()
        defer { server.stop() }
        let http = CookieSession(base: server.baseURL)

        let registered = try http.postJSON("/auth/register", ["email": "Alice@Example.org", "name": "Alice", "org": "Pool", "password": "alice password"])
        #expect(registered.status == 201)
        #expect(registered.object["ok"] as? Bool == true)
        #expect(registered.object["message"] as? String == "Registration successful. Check your email to verify.")
        // The same address in another case: same answer (no enumeration), no second account.
        let again = try http.postJSON("/auth/register", ["email": "alice@EXAMPLE.org", "name": "Mallory", "org": "X", "password": "other password"])
        #expect(again.status == 201 && again.body == registered.body)

        let verifyToken = try waitFor { MailStub.links(server.stderr, path: "/verify").first }
        let early = try http.postJSON("/auth/login", ["email": "alice@example.org", "password": "alice password"])
        #expect(early.status == 403 && early.object["error"] as? String == "email_not_verified")
        let verified = try http.get("/auth/verify?token=\(verifyToken)")
        #expect(verified.status == 200 && verified.object["ok"] as? Bool == true)
        #expect(try http.get("/auth/verify?token=\(verifyToken)").status == 400)      // single use

        let approveToken = try waitFor { MailStub.links(server.stderr, path: "/approve").first }
        let confirm = try http.get("/auth/approve?token=\(approveToken)")
        #expect(confirm.status == 200 && confirm.body.contains("Alice@Example.org") && confirm.body.contains("<form method=\"post\""))
        let pending = try http.postJSON("/auth/login", ["email": "alice@example.org", "password": "alice password"])
        #expect(pending.status == 403 && pending.object["error"] as? String == "pending_approval")
        let approved = try http.postJSON("/auth/approve", ["token": approveToken])
        #expect(approved.status == 200 && approved.object["message"] as? String == "User approved.")

        let wrong = try http.postJSON("/auth/login", ["email": "alice@example.org", "password": "wrong password"])
        let unknown = try http.postJSON("/auth/login", ["email": "nobody@example.org", "password": "wrong password"])
        #expect(wrong.status == 401 && unknown.status == 401 && wrong.body == unknown.body)

        let login = try http.postJSON("/auth/login", ["email": "ALICE@example.org", "password": "alice password"])
        #expect(login.status == 200)
        let token = try #require(login.object["token"] as? String)
        #expect(token.count == 64)
        #expect((login.object["user"] as? [String: Any])?["email"] as? String == "Alice@Example.org")
        let session = try http.get("/auth/session", headers: ["Authorization": "Bearer \(token)"])
        #expect(session.status == 200 && session.object["valid"] as? Bool == true)
        #expect(try http.request("POST", "/auth/logout", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        #expect(try http.get("/auth/session", headers: ["Authorization": "Bearer \(token)"]).status == 401)

        // Password reset: same answer for unknown addresses; the link works once and ends sessions.
        let second = try #require(try http.postJSON("/auth/login", ["email": "alice@example.org", "password": "alice password"]).object["token"] as? String)
        let forgot = try http.postJSON("/auth/forgot-password", ["email": "alice@example.org"])
        let forgotUnknown = try http.postJSON("/auth/forgot-password", ["email": "nobody@example.org"])
        #expect(forgot.status == 200 && forgot.body == forgotUnknown.body)
        let resetToken = try waitFor { MailStub.links(server.stderr, path: "/reset").first }
        let reset = try http.postJSON("/auth/reset-password", ["token": resetToken, "password": "a new password"])
        #expect(reset.status == 200)
        #expect(try http.postJSON("/auth/reset-password", ["token": resetToken, "password": "third password"]).status == 400)
        #expect(try http.get("/auth/session", headers: ["Authorization": "Bearer \(second)"]).status == 401)
        #expect(try http.postJSON("/auth/login", ["email": "alice@example.org", "password": "a new password"]).status == 200)

        // Tokens at rest are hashes: no live token in the database files; in the output only as mail-stub lines.
        let live = [verifyToken, approveToken, resetToken, token, second]
        let dbBytes = try databaseText()
        for t in live {
            #expect(!dbBytes.contains(t), "raw token in the database")
            #expect(dbBytes.contains(AuthToken.hash(presented: t)!) || t == token || t == second)
            for line in server.stderr.split(separator: "\n") where line.contains(t) {
                #expect(line.hasPrefix("[email-stub]"), "token outside the mail stub: \(line)")
            }
        }
    }

    @Test func rateLimitsArePerEndpoint() throws {
        let server = try startServer(["--rate-limit", "login=3/60s"])
        defer { server.stop() }
        let http = CookieSession(base: server.baseURL)
        for _ in 0..<3 {
            #expect(try http.postJSON("/auth/login", ["email": "a@example.org", "password": "whatever1"]).status == 401)
        }
        let limited = try http.postJSON("/auth/login", ["email": "a@example.org", "password": "whatever1"])
        #expect(limited.status == 429 && limited.object["error"] as? String == "rate_limited" && limited.headers["retry-after"] != nil)
        // Exhausting login does not block the other endpoints.
        #expect(try http.get("/auth/verify?token=\(String(repeating: "ab", count: 32))").status == 400)
        #expect(try http.postJSON("/auth/forgot-password", ["email": "a@example.org"]).status == 200)
    }

    @Test func cliManagesUsersAndChecksTokensFromStdin() throws {
        try initAdmin()
        let again = try Tool.run("rg-auth", ["init", "--email", "admin@example.org", "--db", db], env: ["RG_AUTH_ADMIN_PASSWORD": "admin password 1"])
        #expect(again.status == 0 && again.err.contains("already exists"))
        let add = try Tool.run("rg-auth", ["user", "add", "--email", "Bob@Example.org", "--name", "Bob", "--org", "Pool", "--role", "operator", "--db", db],
                               stdin: Data("bob password\n".utf8))
        #expect(add.status == 0, "\(add.err)")
        #expect(add.out.contains("\"type\":\"user\"") && add.out.contains("\"role\":\"operator\"") && !add.out.contains("argon2"))
        let duplicate = try Tool.run("rg-auth", ["user", "add", "--email", "bob@example.org", "--name", "B", "--org", "P", "--db", db], stdin: Data("bob password\n".utf8))
        #expect(duplicate.status == 3)
        let weak = try Tool.run("rg-auth", ["user", "add", "--email", "c@example.org", "--name", "C", "--org", "P", "--db", db], stdin: Data("short\n".utf8))
        #expect(weak.status == 2)
        #expect(try Tool.run("rg-auth", ["user", "set-role", "bob@example.org", "viewer", "--db", db]).out.contains("\"role\":\"viewer\""))
        let list = try Tool.run("rg-auth", ["user", "list", "--db", db])
        #expect(list.status == 0 && list.out.split(separator: "\n").count == 2)
        #expect(try Tool.run("rg-auth", ["user", "disable", "bob@example.org", "--db", db]).out.contains("\"status\":\"disabled\""))
        #expect(try Tool.run("rg-auth", ["user", "approve", "bob@example.org", "--db", db]).out.contains("\"status\":\"approved\""))
        #expect(try Tool.run("rg-auth", ["user", "reset-password", "bob@example.org", "--db", db], stdin: Data("new bob password\n".utf8)).status == 0)

        let server = try startServer()
        defer { server.stop() }
        let http = CookieSession(base: server.baseURL)
        let token = try #require(try http.postJSON("/auth/login", ["email": "bob@example.org", "password": "new bob password"]).object["token"] as? String)
        let check = try Tool.run("rg-auth", ["token", "check", "--db", db], stdin: Data((token + "\n").utf8))
        #expect(check.status == 0 && check.out.contains("\"valid\":true") && check.out.contains("\"kind\":\"session\""))
        let bad = try Tool.run("rg-auth", ["token", "check", "--db", db], stdin: Data((String(repeating: "0", count: 64) + "\n").utf8))
        #expect(bad.status == 3 && bad.out.contains("\"valid\":false"))
        #expect(try Tool.run("rg-auth", ["user", "deny", "nobody@example.org", "--db", db]).status == 3)
    }

    @Test func refusesANonLoopbackListenerWithoutAllowRemote() throws {
        let r = try Tool.run("rg-auth", ["serve", "--listen", "0.0.0.0:0", "--db", db])
        #expect(r.status == 2 && r.err.contains("--allow-remote"))
    }

    func databaseText() throws -> String {
        var text = ""
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: db + suffix) {
            text += String(decoding: try Data(contentsOf: URL(fileURLWithPath: db + suffix)), as: UTF8.self)
        }
        return text
    }
}

/// Polls `body` until it returns a value (mail is sent by a background task), up to 20 s.
func waitFor<T>(_ what: String = #function, _ body: () throws -> T?) throws -> T {
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
        if let value = try body() { return value }
        Thread.sleep(forTimeInterval: 0.05)
    }
    throw TestFailure("timed out waiting (\(what))")
}
