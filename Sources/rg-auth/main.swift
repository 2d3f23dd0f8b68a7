import ArgumentParser
import Logging
import RGKit

/// `rg-auth`: operator accounts in the ReserveGrid store, from the command line and over HTTP.
struct RGAuth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-auth",
        abstract: "Operator accounts: first-run setup, user management, and the auth HTTP API.",
        discussion: """
            Accounts live in the SQLite store (--db, RG_DB). Passwords are read from standard input \
            or asked on the terminal, never taken from flags; the first admin's password may also \
            come from RG_AUTH_ADMIN_PASSWORD or RG_AUTH_ADMIN_PASSWORD_FILE. Mail goes over SMTP \
            when RG_SMTP_HOST is set (STARTTLS by default), through --sendmail, or else to stderr \
            prefixed [email-stub].

            Exit status: 0 ok; 1 runtime failure; 2 usage or configuration error; 3 refused \
            (invalid token, unknown user, conflicting state).
            """,
        subcommands: [Init.self, UserCommand.self, TokenCommand.self, Serve.self])
}

/// `--log-level`, on every subcommand.
struct LoggingOptions: ParsableArguments {
    static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    @Option(help: ArgumentHelp("Log level on stderr: \(LoggingOptions.levels.joined(separator: "|")) (also RG_LOG_LEVEL; default info).", valueName: "level"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, !Self.levels.contains(logLevel.lowercased()) {
            throw ValidationError("--log-level \(logLevel): expected one of \(Self.levels.joined(separator: ", "))")
        }
    }

    func bootstrap() -> Logger {
        ToolLogging.bootstrap(tool: "rg-auth", level: logLevel)
        return Logger(label: "rg-auth")
    }
}

/// The store, the mail outbox and the account service, as every subcommand needs them.
struct AuthContext {
    let service: AuthService
    let outbox: MailOutbox

    init(store: StoreOptions, mail: MailOptions, account: AccountOptions, logger: Logger) throws(ToolError) {
        let database = try store.open(.create)
        outbox = try mail.outbox(logger: logger)
        let configuration = try account.configuration(mailFrom: mail.from)
        do {
            service = try AuthService(database: database, configuration: configuration, outbox: outbox, logger: logger)
        } catch {
            throw ToolError(.failure, "\(error)")
        }
    }

    func user(_ email: String) async throws -> StoredUser {
        guard let user = try await service.user(email: email) else { throw ToolError(.inputRejected, "no user with e-mail \(email)") }
        return user
    }

    /// Waits for queued mail before the process exits.
    func finish() async { await outbox.drain() }
}

func printRecord(_ bytes: [UInt8]) {
    print(String(decoding: bytes, as: UTF8.self))
}

func check<T>(_ result: Result<T, AuthFailure>) throws -> T {
    switch result {
    case .success(let value): return value
    case .failure(let f): throw ToolError(f == .weakPassword || f == .invalidEmail || f == .invalidName || f == .invalidOrg ? .usage : .inputRejected, "\(f.rawValue): \(f.detail)")
    }
}

await RGAuth.mainWithToolExits(tool: "rg-auth")
