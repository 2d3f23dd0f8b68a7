import Foundation
import Logging
import Testing
@testable import RGKit

/// The account flows against a real SQLite store, with an injected clock; mail goes through the
/// real sendmail transport into a file the test reads.
@Suite(.serialized) struct AuthServiceTests {
    let dir = TemporaryDirectory()
    let clock = TestClock(1_764_000_000_000)
    var mailFile: String { dir.file("mail.txt") }

    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var ms: Int64
        init(_ ms: Int64) { self.ms = ms }
        var now: Int64 { lock.withLock { ms } }
        func advance(_ delta: Int64) { lock.withLock { ms += delta } }
    }

    func service() throws -> (AuthService, MailOutbox) {
        let database = try RGDatabase(path: dir.file("rg.sqlite"))
        let outbox = MailOutbox(transport: .sendmail(command: "cat >> '\(mailFile)'; echo '=====' >> '\(mailFile)'"), from: "pool@example.org",
                                logger: Logger(label: "test"))
        var configuration = AuthConfiguration(siteURL: "https://dash.example", mailFrom: "pool@example.org")
        configuration.adminNotify = []
        let clock = self.clock
        return (try AuthService(database: database, configuration: configuration, outbox: outbox, logger: Logger(label: "test"), now: { clock.now }), outbox)
    }

    func mails(_ outbox: MailOutbox) async -> String {
        await outbox.drain()
        return (try? String(contentsOfFile: mailFile, encoding: .utf8)) ?? ""
    }

    func token(_ text: String, _ path: String) -> String? { text.matches(of: /\?token=([0-9a-f]{64})/).last { text[..<$0.range.lowerBound].hasSuffix(path) }.map { String($0.1) } }

    @Test func fullLifecycle() async throws {
        let (auth, outbox) = try service()
        let admin = try #require(try await auth.createUser(email: "root@example.org", name: "Root", org: "Pool", password: "root password", role: .admin).get())
        #expect(try await auth.register(email: "Dana@Example.org", name: "Dana", org: "Pool", password: "dana password").failure == nil)
        #expect(try await auth.register(email: "dana@example.org", name: "Eve", org: "X", password: "eve password").failure == nil)
        #expect(try await auth.register(email: "not-an-address", name: "X", org: "Y", password: "whatever1").failure == .invalidEmail)
        #expect(try await auth.register(email: "x@example.org", name: "", org: "Y", password: "whatever1").failure == .invalidName)
        #expect(try await auth.register(email: "x@example.org", name: "X", org: "Y", password: "short").failure == .weakPassword)
        #expect(try await auth.login(email: "dana@example.org", password: "dana password").failure == .emailNotVerified)

        // Mail can only be read after the outbox drained; a fresh service continues with the same store.
        let text = await mails(outbox)
        #expect(text.contains("Subject: ReserveGrid: registration attempt"))          // the duplicate got a notice, not an account
        let verify = try #require(token(text, "/verify"))
        #expect(text.contains("https://dash.example/verify?token=\(verify)"))
        let (auth2, outbox2) = try service()
        #expect(try await auth2.verify(token: verify).success?.status == .pendingApproval)
        #expect(try await auth2.verify(token: verify).failure == .invalidToken)
        #expect(try await auth2.login(email: "dana@example.org", password: "dana password").failure == .pendingApproval)
        let text2 = await mails(outbox2)
        let approve = try #require(token(text2, "/approve"))
        let deny = try #require(token(text2, "/deny"))
        #expect(text2.contains("To: root@example.org"))

        let (auth3, outbox3) = try service()
        #expect(try await auth3.peekDecision(token: approve)?.user.email == "Dana@Example.org")
        #expect(try await auth3.decide(token: approve, approve: false).failure == .invalidToken)   // an approve link cannot deny
        #expect(try await auth3.decide(token: approve, approve: true).success?.status == .approved)
        #expect(try await auth3.decide(token: deny, approve: false).failure == .invalidToken)      // the decision is spent
        let session = try #require(try await auth3.login(email: "DANA@example.org", password: "dana password").success)
        #expect(try await auth3.session(token: session.token)?.user.email == "Dana@Example.org")
        #expect(try await auth3.login(email: "dana@example.org", password: "wrong password").failure == .invalidCredentials)
        #expect(try await auth3.login(email: "ghost@example.org", password: "wrong password").failure == .invalidCredentials)

        // Admin operations need the admin role; disabling ends the sessions.
        let dana = try #require(try await auth3.user(email: "dana@example.org"))
        #expect(try await auth3.adminSetRole(actor: dana, userID: admin.id, to: .viewer).failure == .forbidden)
        #expect(try await auth3.adminSetRole(actor: admin, userID: dana.id, to: .operator).success?.role == .operator)
        #expect(try await auth3.adminSetStatus(actor: admin, userID: admin.id, to: .disabled).failure == .conflict)
        #expect(try await auth3.adminSetStatus(actor: admin, userID: dana.id, to: .disabled).success?.status == .disabled)
        #expect(try await auth3.session(token: session.token) == nil)
        #expect(try await auth3.login(email: "dana@example.org", password: "dana password").failure == .accessDenied)
        #expect(try await auth3.adminSetStatus(actor: admin, userID: dana.id, to: .approved).success?.status == .approved)

        // Password reset: one hour, single use, ends every session.
        let s1 = try #require(try await auth3.login(email: "dana@example.org", password: "dana password").success)
        try await auth3.forgotPassword(email: "dana@example.org")
        try await auth3.forgotPassword(email: "nobody@example.org")
        let text3 = await mails(outbox3)
        let reset = try #require(token(text3, "/reset"))
        let (auth4, outbox4) = try service()
        #expect(try await auth4.resetPassword(token: reset, password: "tiny").failure == .weakPassword)
        #expect(try await auth4.resetPassword(token: reset, password: "brand new password").failure == nil)
        #expect(try await auth4.resetPassword(token: reset, password: "another password").failure == .invalidToken)
        #expect(try await auth4.session(token: s1.token) == nil)
        let s2 = try #require(try await auth4.login(email: "dana@example.org", password: "brand new password").success)
        await outbox4.drain()

        // At rest: hashes only.
        let hashes = try await auth4.users.tokenHashes()
        for raw in [verify, approve, deny, reset, session.token, s1.token] { #expect(!hashes.contains(raw)) }
        #expect(hashes.contains(AuthToken.hash(presented: s2.token)!))
    }

    @Test func linksAndSessionsExpire() async throws {
        let (auth, outbox) = try service()
        _ = try await auth.createUser(email: "ops@example.org", name: "Ops", org: "Pool", password: "ops password", role: .operator)
        try await auth.forgotPassword(email: "ops@example.org")
        let reset = try #require(token(await mails(outbox), "/reset"))
        let (auth2, outbox2) = try service()
        let session = try #require(try await auth2.login(email: "ops@example.org", password: "ops password").success)
        clock.advance(3_600_001)
        #expect(try await auth2.resetPassword(token: reset, password: "new password 1").failure == .invalidToken)
        #expect(try await auth2.session(token: session.token) != nil)
        clock.advance(7 * 86_400_000)
        #expect(try await auth2.session(token: session.token) == nil)
        #expect(try await auth2.users.purgeTokens(nowMs: clock.now) >= 2)
        await outbox2.drain()
    }
}

extension Result {
    var success: Success? { if case .success(let s) = self { s } else { nil } }
    var failure: Failure? { if case .failure(let f) = self { f } else { nil } }
}
