import ArgumentParser
import Hummingbird
import Logging
import RGKit

/// `rg-stat serve`: the operator dashboard over the store.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the operator dashboard (HTML), its JSON API under /api/, and /metrics.",
        discussion: """
            Pages: Overview, Verdicts, Templates, Policy (editor that validates, shows the diff and \
            writes the file atomically so rg-verify reloads it), Miners, Users (admins), and the account \
            pages (login, register, verify, forgot, reset). Accounts are the same as rg-auth's (same \
            --db). Create the first admin with rg-auth init. Mail settings as for rg-auth.
            """)

    @OptionGroup(title: "Listening") var listen: ListenOptions
    @OptionGroup(title: "Store") var store: StoreOptions
    @Option(name: .long, help: ArgumentHelp("The policy file to show and edit (also RG_POLICY; default config/policy.toml).", valueName: "path"))
    var policy: String?
    @Flag(name: .long, help: "Leave the Secure attribute off the cookies (only when reached over plain HTTP by a name other than localhost).")
    var insecureCookies = false
    @OptionGroup(title: "Mail") var mail: MailOptions
    @OptionGroup(title: "Accounts") var account: AccountOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "rg-stat")
        let address = try listen.address(env: "RG_DASHBOARD_LISTEN", default: "127.0.0.1:8084")
        let limits = try listen.limits()
        let database = try store.open(.create)
        let outbox = try mail.outbox(logger: logger)
        let defaultSite = "http://\(address.host == "127.0.0.1" ? "localhost" : address.host):\(address.port)"
        let authConfiguration = try account.configuration(mailFrom: mail.from, defaultSite: defaultSite)
        let auth: AuthService
        do { auth = try AuthService(database: database, configuration: authConfiguration, outbox: outbox, logger: logger) } catch {
            throw ToolError(.failure, "\(error)")
        }
        var configuration = DashboardConfiguration(policyPath: Setting.string(policy, env: "RG_POLICY", default: "config/policy.toml") ?? "config/policy.toml")
        configuration.secureCookies = !insecureCookies
        let app = try DashboardApp(database: database, auth: auth, limiter: try account.rateLimiter(),
                                   clients: ClientAddressPolicy(trustProxy: account.trustProxy), configuration: configuration, logger: logger)
        logger.info("dashboard starting", metadata: ["db": "\(store.path)", "policy.file": "\(configuration.policyPath)", "mail": "\(outbox.transport.description)"])
        let siteConfigured = account.siteURL != nil || Setting.string(nil, env: "RG_SITE_URL") != nil
        let housekeeping = Task { await auth.purgeTokensPeriodically() }
        defer { housekeeping.cancel() }
        try await HTTPServerRunner.run(tool: "rg-stat", responder: app.router().buildResponder(), address: address, limits: limits, logger: logger) { port in
            // Links in mail point at this dashboard unless --site-url says otherwise (a proxy).
            if !siteConfigured { auth.setSiteURL("http://\(address.host == "127.0.0.1" ? "localhost" : address.host):\(port)") }
        }
        await outbox.drain()
    }
}
