import ArgumentParser
import RGKit

/// `rg-auth init`: creates the first admin, once.
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the first admin account (first run); does nothing when an admin exists.",
        discussion: """
            The password comes from RG_AUTH_ADMIN_PASSWORD or RG_AUTH_ADMIN_PASSWORD_FILE, else from \
            standard input (first line), else it is asked on the terminal. Prints the admin's user record.
            """)

    @Option(name: .long, help: ArgumentHelp("Admin e-mail address (also RG_AUTH_ADMIN_EMAIL).", valueName: "address"))
    var email: String?
    @Option(name: .long, help: ArgumentHelp("Admin display name (default Administrator).", valueName: "name"))
    var name = "Administrator"
    @Option(name: .long, help: ArgumentHelp("Organisation (default: the e-mail's domain).", valueName: "org"))
    var org: String?
    @OptionGroup(title: "Store") var store: StoreOptions
    @OptionGroup(title: "Mail") var mail: MailOptions
    @OptionGroup(title: "Accounts") var account: AccountOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap()
        guard let email = Setting.string(email, env: "RG_AUTH_ADMIN_EMAIL"), let address = EmailAddress(email) else {
            throw ToolError(.usage, "--email (or RG_AUTH_ADMIN_EMAIL) must be a valid e-mail address")
        }
        let context = try AuthContext(store: store, mail: mail, account: account, logger: logger)
        defer { Task { await context.finish() } }
        if try await context.service.users.countUsers(role: .admin, status: .approved) > 0 {
            FileHandleStderr.write("rg-auth: an admin already exists; nothing to do\n")
            if let existing = try await context.service.user(email: address.address), existing.role == .admin { printRecord(UserRecord.encode(existing)) }
            return
        }
        let password = try Setting.secret(env: "RG_AUTH_ADMIN_PASSWORD") ?? PasswordInput.read(prompt: "Password for \(address.address): ")
        let domain = address.address.split(separator: "@").last.map(String.init) ?? "local"
        let user = try check(try await context.service.createUser(email: address.address, name: name, org: org ?? domain, password: password, role: .admin))
        printRecord(UserRecord.encode(user))
        await context.finish()
    }
}
