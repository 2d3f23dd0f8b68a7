import Foundation
import RGKit
import Testing

/// Mail over SMTP with STARTTLS and AUTH to a real server on loopback (Python's aiosmtpd with a
/// self-signed certificate), from a running `rg-auth serve`.
@Suite(.timeLimit(.minutes(10)), .serialized) struct SMTPDeliveryTests {
    static var python: String? { TestPython.path }

    @Test(.enabled(if: SMTPDeliveryTests.python != nil || TestPython.isCI,
                   "needs the test venv with aiosmtpd: run scripts/setup-test-env.sh"))
    func registrationMailIsDeliveredOverSTARTTLSAndNoTokenIsLogged() throws {
        let python = try #require(Self.python, "CI must have the test venv (scripts/setup-test-env.sh)")
        let dir = try ScratchDirectory()
        let cert = dir.path("cert.pem"), key = dir.path("key.pem"), passwordFile = dir.path("smtp-password")
        try "s3cret smtp pass\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let openssl = try Tool.runExternal("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                                               "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                                                               "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        #expect(openssl.status == 0, "\(openssl.err)")

        let smtp = Process()
        smtp.executableURL = URL(fileURLWithPath: python)
        smtp.arguments = [Repository.root.appendingPathComponent("Tests/Support/smtp_server.py").path, "--cert", cert, "--key", key,
                          "--out", dir.path("mail"), "--user", "rg-mailer", "--password-file", passwordFile]
        let smtpIn = Pipe(), smtpOut = Pipe()
        smtp.standardInput = smtpIn
        smtp.standardOutput = smtpOut
        try smtp.run()
        defer { try? smtpIn.fileHandleForWriting.close(); smtp.waitUntilExit() }
        var first = ""
        while !first.contains("\n") {
            let chunk = smtpOut.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first += String(decoding: chunk, as: UTF8.self)
        }
        let port = try #require(first.firstMatch(of: /port ([0-9]+)/).map { String($0.1) }, "smtp server said: \(first)")

        let db = dir.path("var/rg.sqlite")
        let admin = try Tool.run("rg-auth", ["init", "--email", "admin@example.org", "--db", db], env: ["RG_AUTH_ADMIN_PASSWORD": "admin password 1"])
        #expect(admin.status == 0)
        let env = ["RG_SMTP_HOST": "localhost", "RG_SMTP_PORT": port, "RG_SMTP_USER": "rg-mailer", "RG_SMTP_PASSWORD_FILE": passwordFile,
                   "RG_SMTP_CA_FILE": cert, "RG_MAIL_FROM": "pool@example.org", "RG_LOG_LEVEL": "debug"]
        let server = try ServerProcess("rg-auth", ["serve", "--listen", "127.0.0.1:0", "--db", db], env: env, stderrPath: dir.path("auth.log"))
        defer { server.stop() }
        let http = CookieSession(base: server.baseURL)
        #expect(try http.postJSON("/auth/register", ["email": "carol@example.org", "name": "Carol", "org": "Pool", "password": "carol password"]).status == 201)

        let mailFile = dir.path("mail/1.eml")
        try waitFor { FileManager.default.fileExists(atPath: mailFile) ? true : nil }
        let mail = try String(contentsOfFile: mailFile, encoding: .utf8)
        let envelope = try String(contentsOfFile: dir.path("mail/1.json"), encoding: .utf8)
        #expect(envelope.contains("\"tls\": true") && envelope.contains("\"authenticated\": true") && envelope.contains("carol@example.org"))
        #expect(mail.contains("Subject: ReserveGrid: confirm your e-mail address") && mail.contains("From: pool@example.org"))
        let token = try #require(MailStub.links(mail, path: "/verify").first)

        // With real mail configured the token is nowhere in the process's output or the database.
        #expect(!server.stderr.contains(token))
        #expect(!server.stderr.contains("[email-stub]"))
        #expect(!server.stderr.contains("s3cret"))
        var dbText = ""
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: db + suffix) {
            dbText += String(decoding: try Data(contentsOf: URL(fileURLWithPath: db + suffix)), as: UTF8.self)
        }
        #expect(!dbText.contains(token))
        #expect(try http.get("/auth/verify?token=\(token)").status == 200)
        // The admin's approval request goes out by SMTP too.
        try waitFor { FileManager.default.fileExists(atPath: dir.path("mail/2.eml")) ? true : nil }
        #expect(try String(contentsOfFile: dir.path("mail/2.eml"), encoding: .utf8).contains("/approve?token="))
    }
}

extension Tool {
    /// Runs a system program (not one of ours) to completion.
    static func runExternal(_ path: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: o, stderr: e)
    }
}
