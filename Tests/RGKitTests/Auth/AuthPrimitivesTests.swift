import Foundation
import Testing
@testable import RGKit

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher()

    @Test func hashIsAnArgon2idPHCStringWithTheOWASPParametersAndVerifies() throws {
        let salt = Array("0123456789abcdef".utf8)
        let phc = try hasher.hash(password: Array("hunter2 hunter2".utf8), salt: salt)
        #expect(phc.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(Argon2Parameters(phc: phc) == .owaspMinimum)
        #expect(hasher.verify(password: Array("hunter2 hunter2".utf8), phc: phc))
        #expect(!hasher.verify(password: Array("hunter2 hunter3".utf8), phc: phc))
        #expect(try hasher.hash(password: Array("hunter2 hunter2".utf8), salt: salt) == phc)   // deterministic for a salt
    }

    @Test func malformedOrForeignHashesNeverVerify() {
        for phc in ["", "$argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$abc", "$argon2id$v=19$m=x", "plain text", "$argon2id$$$$$"] {
            #expect(!hasher.verify(password: Array("password".utf8), phc: phc))
        }
    }

    @Test func weakerStoredParametersNeedARehash() throws {
        let weak = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1))
        let phc = try weak.hash(password: Array("password1".utf8), salt: Array(repeating: 7, count: 16))
        #expect(hasher.needsRehash(phc))
        #expect(!hasher.needsRehash(try hasher.hash(password: Array("password1".utf8), salt: Array(repeating: 7, count: 16))))
    }

    @Test func passwordLengthRule() {
        #expect(PasswordHasher.weakness(of: "1234567") != nil)
        #expect(PasswordHasher.weakness(of: "12345678") == nil)
        #expect(PasswordHasher.weakness(of: String(repeating: "x", count: 1025)) != nil)
    }
}

@Suite struct EmailAddressTests {
    @Test(arguments: ["alice@example.org", "Alice.B+tag@Sub.Example.ORG", " bob@example.co ", "x@münchen.de"])
    func accepts(_ text: String) throws {
        let address = try #require(EmailAddress(text))
        #expect(address.key == address.address.lowercased())
        #expect(!address.address.hasPrefix(" "))
    }

    @Test(arguments: ["", "alice", "alice@", "@example.org", "a@b", "a@b.c", "a b@example.org", "a@@example.org", "a@example..org",
                      ".a@example.org", "a@-example.org", "a@example.org\r\nBcc: x@y.zz", "a<b@example.org", String(repeating: "a", count: 65) + "@example.org"])
    func refuses(_ text: String) {
        #expect(EmailAddress(text) == nil)
    }

    @Test func caseDoesNotMakeADifferentAccount() {
        #expect(EmailAddress("Alice@Example.org")?.key == EmailAddress("alice@EXAMPLE.ORG")?.key)
    }
}

@Suite struct AuthTokenTests {
    @Test func rawIsHexOfTheBytesAndOnlyItsSHA256IsKept() {
        let bytes = (0..<32).map { UInt8($0) }
        let token = AuthToken(randomBytes: bytes)
        #expect(token.raw == bytes.hex)
        #expect(token.hash == SHA256Hash.hash(bytes).hex)
        #expect(AuthToken.hash(presented: token.raw) == token.hash)
        #expect(AuthToken.hash(presented: token.raw.uppercased()) == token.hash)
    }

    @Test(arguments: ["", "abc", String(repeating: "g", count: 64), String(repeating: "a", count: 63), String(repeating: "a", count: 65), "' OR 1=1 --"])
    func presentedGarbageNeverReachesAQuery(_ text: String) {
        #expect(AuthToken.hash(presented: text) == nil)
    }
}

@Suite struct RateLimiterTests {
    @Test func eachEndpointHasItsOwnWindowPerAddress() {
        let limiter = RateLimiter(rules: ["login": .init(limit: 3, windowMs: 60_000), "verify": .init(limit: 2, windowMs: 60_000)])
        let t: Int64 = 1_000_000_020_000
        for _ in 0..<3 { #expect(limiter.check(endpoint: "login", client: "10.0.0.1", nowMs: t) == .allowed) }
        guard case .limited(let retry) = limiter.check(endpoint: "login", client: "10.0.0.1", nowMs: t) else {
            Issue.record("fourth login allowed"); return
        }
        #expect(retry > 0 && retry <= 60_000)
        #expect(limiter.check(endpoint: "verify", client: "10.0.0.1", nowMs: t) == .allowed)     // another endpoint
        #expect(limiter.check(endpoint: "login", client: "10.0.0.2", nowMs: t) == .allowed)      // another address
        #expect(limiter.check(endpoint: "unlisted", client: "10.0.0.1", nowMs: t) == .allowed)
    }

    @Test func theWindowSlides() {
        let limiter = RateLimiter(rules: ["login": .init(limit: 4, windowMs: 60_000)])
        let start: Int64 = 6_000_000        // a window boundary
        for _ in 0..<4 { #expect(limiter.check(endpoint: "login", client: "a", nowMs: start + 50_000) == .allowed) }
        // 15 s into the next window, 3/4 of the previous window still counts: 4 × 0.75 = 3, room for 1.
        #expect(limiter.check(endpoint: "login", client: "a", nowMs: start + 75_000) == .allowed)
        #expect(limiter.check(endpoint: "login", client: "a", nowMs: start + 75_000) != .allowed)
        // 45 s in, 1/4 of the previous window counts (1) plus the 1 made in this one: room for 2.
        for _ in 0..<2 { #expect(limiter.check(endpoint: "login", client: "a", nowMs: start + 105_000) == .allowed) }
        #expect(limiter.check(endpoint: "login", client: "a", nowMs: start + 105_000) != .allowed)
        // Two windows later nothing counts.
        #expect(limiter.check(endpoint: "login", client: "a", nowMs: start + 200_000) == .allowed)
    }

    @Test func aFullTableRefusesNewAddressesInsteadOfFailingOpen() {
        let limiter = RateLimiter(rules: ["login": .init(limit: 10, windowMs: 60_000)], maxTrackedKeys: 2)
        #expect(limiter.check(endpoint: "login", client: "a", nowMs: 1000) == .allowed)
        #expect(limiter.check(endpoint: "login", client: "b", nowMs: 1000) == .allowed)
        #expect(limiter.check(endpoint: "login", client: "c", nowMs: 1000) != .allowed)
        #expect(limiter.check(endpoint: "login", client: "c", nowMs: 200_000) == .allowed)   // old entries expired and were purged
    }

    @Test func rulesParse() {
        #expect(RateLimiter.Rule(parsing: "10/60s") == .init(limit: 10, windowMs: 60_000))
        #expect(RateLimiter.Rule(parsing: "5/m") == .init(limit: 5, windowMs: 60_000))
        #expect(RateLimiter.Rule(parsing: "100/1h") == .init(limit: 100, windowMs: 3_600_000))
        #expect(RateLimiter.Rule(parsing: "7") == .init(limit: 7, windowMs: 60_000))
        #expect(RateLimiter.Rule(parsing: "x/1s") == nil && RateLimiter.Rule(parsing: "1/0s") == nil && RateLimiter.Rule(parsing: "1/5d") == nil)
    }
}

@Suite struct SMTPSessionTests {
    func reply(_ code: Int, _ lines: String...) -> SMTPReply { SMTPReply(code: code, lines: lines.isEmpty ? [""] : lines) }

    @Test func startTLSThenAuthThenOneMessage() {
        var s = SMTPSession(security: .starttls, heloName: "pool.example", credentials: (user: "u", password: "p"),
                            envelopeFrom: "a@example.org", recipient: "b@example.org", message: "Subject: x\r\n\r\n.leading dot\r\n")
        #expect(s.received(reply(220, "mx ESMTP")) == .send("EHLO pool.example"))
        #expect(s.received(reply(250, "mx", "PIPELINING", "STARTTLS", "8BITMIME")) == .send("STARTTLS"))
        #expect(s.received(reply(220, "go ahead")) == .startTLS)
        #expect(s.tlsEstablished() == .send("EHLO pool.example"))
        #expect(s.received(reply(250, "mx", "AUTH PLAIN LOGIN")) == .send("AUTH PLAIN AHUAcA=="))
        #expect(s.received(reply(235, "ok")) == .send("MAIL FROM:<a@example.org>"))
        #expect(s.received(reply(250)) == .send("RCPT TO:<b@example.org>"))
        #expect(s.received(reply(250)) == .send("DATA"))
        #expect(s.received(reply(354)) == .sendData("Subject: x\r\n\r\n..leading dot\r\n.\r\n"))
        #expect(s.received(reply(250, "queued as 1")) == .send("QUIT"))
        #expect(s.deliveredReply == "queued as 1")
        #expect(s.received(reply(221)) == .delivered("queued as 1"))
    }

    @Test func refusesToContinueWithoutSTARTTLS() {
        var s = SMTPSession(security: .starttls, heloName: "h", credentials: nil, envelopeFrom: "a@x.org", recipient: "b@x.org", message: "")
        _ = s.received(reply(220))
        guard case .failed(let why) = s.received(reply(250, "mx", "AUTH PLAIN")) else { Issue.record("continued without TLS"); return }
        #expect(why.contains("STARTTLS"))
    }

    @Test func neverSendsCredentialsInTheClear() {
        var s = SMTPSession(security: .plain, heloName: "h", credentials: (user: "u", password: "p"), envelopeFrom: "a@x.org", recipient: "b@x.org", message: "")
        _ = s.received(reply(220))
        guard case .failed = s.received(reply(250, "mx", "AUTH PLAIN")) else { Issue.record("sent AUTH without TLS"); return }
    }

    @Test func aRejectionFailsWithTheServersWords() {
        var s = SMTPSession(security: .plain, heloName: "h", credentials: nil, envelopeFrom: "a@x.org", recipient: "b@x.org", message: "")
        _ = s.received(reply(220))
        _ = s.received(reply(250, "mx"))
        #expect(s.received(reply(550, "no such user")) == .failed("MAIL FROM: 550 no such user"))
    }

    @Test func replyParserJoinsContinuationLinesAndRefusesGarbage() throws {
        var p = SMTPReplyParser()
        #expect(try p.feed("250-mx.example") == nil)
        #expect(try p.feed("250-STARTTLS") == nil)
        #expect(try p.feed("250 SIZE 100") == SMTPReply(code: 250, lines: ["mx.example", "STARTTLS", "SIZE 100"]))
        #expect(throws: SMTPReplyParser.ParseError.self) { try p.feed("hello") }
        var q = SMTPReplyParser()
        _ = try q.feed("250-a")
        #expect(throws: SMTPReplyParser.ParseError.self) { try q.feed("251 b") }
    }
}

@Suite struct MailMessageTests {
    @Test func rendersHeadersWithCRLFAndNoInjectedHeaders() {
        let m = MailMessage(from: "pool@example.org", to: "a@example.org", subject: "Hi\r\nBcc: evil@example.org", body: "line 1\nline 2")
        let text = m.rendered(dateMs: 0, messageID: "1@example.org")
        #expect(text.hasPrefix("From: pool@example.org\r\nTo: a@example.org\r\nSubject: HiBcc: evil@example.org\r\nDate: Thu, 1 Jan 1970 00:00:00 +0000\r\n"))
        #expect(text.hasSuffix("\r\n\r\nline 1\r\nline 2\r\n"))
        #expect(!text.contains("\nBcc:"))
    }

    @Test func datesAreRFC5322() {
        #expect(MailMessage.rfc5322Date(ms: 1_764_088_618_000) == "Tue, 25 Nov 2025 16:36:58 +0000")
        #expect(MailMessage.rfc5322Date(ms: 951_782_400_000) == "Tue, 29 Feb 2000 00:00:00 +0000")
    }

    @Test func nonASCIIIsEncoded() {
        let text = MailMessage(from: "a@x.org", to: "b@x.org", subject: "Grüße", body: "Grüße").rendered(dateMs: 0, messageID: "m")
        #expect(text.contains("Subject: =?UTF-8?B?R3LDvMOfZQ==?="))
        #expect(text.contains("Content-Transfer-Encoding: base64\r\n\r\nR3LDvMOfZQ==\r\n"))
    }
}

@Suite struct PolicyDiffTests {
    @Test func showsOnlyChangedLines() {
        let old = "[policy]\na = 1\nb = 2\nc = 3\n"
        let new = "[policy]\na = 1\nb = 5\nc = 3\nd = 4\n"
        #expect(PolicyDiff.text(from: old, to: new) == "-b = 2\n+b = 5\n+d = 4")
        #expect(PolicyDiff.text(from: old, to: old).isEmpty)
    }
}
