import ArgumentParser
import RGKit

/// `rg-auth user …`: account management for scripts and operators.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, list and manage operator accounts.",
        subcommands: [Add.self, List.self, Approve.self, Deny.self, Disable.self, SetRole.self, ResetPassword.self])

    struct Common: ParsableArguments {
        @OptionGroup(title: "Store") var store: StoreOptions
        @OptionGroup(title: "Mail") var mail: MailOptions
        @OptionGroup(title: "Accounts") var account: AccountOptions
        @OptionGroup var logging: LoggingOptions

        func context() throws -> AuthContext {
            try AuthContext(store: store, mail: mail, account: account, logger: logging.bootstrap())
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an approved account; the password is read from standard input or asked.")
        @Option(name: .long, help: ArgumentHelp("E-mail address.", valueName: "address")) var email: String
        @Option(name: .long, help: ArgumentHelp("Display name.", valueName: "name")) var name: String
        @Option(name: .long, help: ArgumentHelp("Organisation.", valueName: "org")) var org: String
        @Option(name: .long, help: ArgumentHelp("admin, operator or viewer (default viewer).", valueName: "role")) var role = "viewer"
        @OptionGroup var common: Common

        func run() async throws {
            guard let role = UserRole(rawValue: role) else { throw ToolError(.usage, "--role \(role): expected admin, operator or viewer") }
            let context = try common.context()
            let password = try PasswordInput.read(prompt: "Password for \(email): ")
            let user = try check(try await context.service.createUser(email: email, name: name, org: org, password: password, role: role))
            printRecord(UserRecord.encode(user))
            await context.finish()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every account as a user record (NDJSON), newest first.")
        @Option(name: .long, help: ArgumentHelp("Only accounts in this status.", valueName: "status")) var status: String?
        @OptionGroup var common: Common

        func run() async throws {
            let filter: UserStatus?
            if let status {
                guard let s = UserStatus(rawValue: status) else {
                    throw ToolError(.usage, "--status \(status): expected one of \(UserStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter = s
            } else { filter = nil }
            let context = try common.context()
            for user in try await context.service.users.users(status: filter, limit: 10_000) { printRecord(UserRecord.encode(user)) }
            await context.finish()
        }
    }

    static func setStatus(_ email: String, _ status: UserStatus, _ common: Common) async throws {
        let context = try common.context()
        let user = try await context.user(email)
        let updated = try check(try await context.service.operatorSetStatus(userID: user.id, to: status))
        printRecord(UserRecord.encode(updated))
        await context.finish()
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve an account (mails the user).")
        @Argument(help: ArgumentHelp("The account's e-mail address.", valueName: "email")) var email: String
        @OptionGroup var common: Common
        func run() async throws { try await UserCommand.setStatus(email, .approved, common) }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny an account (mails the user; ends its sessions).")
        @Argument(help: ArgumentHelp("The account's e-mail address.", valueName: "email")) var email: String
        @OptionGroup var common: Common
        func run() async throws { try await UserCommand.setStatus(email, .denied, common) }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @Argument(help: ArgumentHelp("The account's e-mail address.", valueName: "email")) var email: String
        @OptionGroup var common: Common
        func run() async throws { try await UserCommand.setStatus(email, .disabled, common) }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change an account's role.")
        @Argument(help: ArgumentHelp("The account's e-mail address.", valueName: "email")) var email: String
        @Argument(help: ArgumentHelp("admin, operator or viewer.", valueName: "role")) var role: String
        @OptionGroup var common: Common
        func run() async throws {
            guard let role = UserRole(rawValue: role) else { throw ToolError(.usage, "role \(role): expected admin, operator or viewer") }
            let context = try common.context()
            let user = try await context.user(email)
            guard let updated = try await context.service.users.setRole(userID: user.id, to: role, nowMs: WallClock.milliseconds()) else {
                throw ToolError(.inputRejected, "no user with e-mail \(email)")
            }
            printRecord(UserRecord.encode(updated))
            await context.finish()
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password (standard input or asked) and end every session of the account.")
        @Argument(help: ArgumentHelp("The account's e-mail address.", valueName: "email")) var email: String
        @OptionGroup var common: Common
        func run() async throws {
            let context = try common.context()
            let user = try await context.user(email)
            let password = try PasswordInput.read(prompt: "New password for \(user.email): ")
            try check(try await context.service.setPassword(userID: user.id, password: password))
            printRecord(UserRecord.encode(user))
            await context.finish()
        }
    }
}

/// `rg-auth token check`: what a token is, read from standard input (never an argument).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Inspect tokens.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a token on standard input; print a token record; exit 3 when it is not valid.",
            discussion: "The record names the token's kind (session, verify, approve, deny, password_reset), its user and expiry. Checking does not spend it.")
        @OptionGroup var common: UserCommand.Common

        func run() async throws {
            let context = try common.context()
            let raw = (readLine() ?? "").trimmingCharacters(in: [" ", "\r", "\t"])
            var w = JSONWriter(capacity: 256)
            w.beginObject()
            w.field("type", "token")
            let found = try await context.service.describe(token: raw)
            w.field("valid", found != nil)
            w.field("kind", found?.kind.rawValue)
            w.field("user_id", found?.user.id)
            w.field("email", found?.user.email)
            w.field("role", found?.user.role.rawValue)
            w.field("status", found?.user.status.rawValue)
            w.field("expires_ms", found?.expiresMs)
            w.endObject()
            printRecord(w.bytes)
            await context.finish()
            if found == nil { throw ToolError(.inputRejected, "") }
        }
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
