import ArgumentParser
import Hummingbird
import Logging
import RGKit

/// `rg-auth serve`: the auth HTTP API.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the auth HTTP API (register, verify, approve/deny, login, logout, session, password reset).",
        discussion: """
            Routes under /auth/: GET health; POST register {email,name,org,password}; GET verify?token=; \
            GET approve?token= and deny?token= (a confirmation page) and POST approve/deny {token}; POST login \
            {email,password} → {ok,token,user}; POST logout and GET session with Authorization: Bearer; POST \
            forgot-password {email}; POST reset-password {token,password}. Rate limits are per endpoint and \
            per client address. SIGINT/SIGTERM stop gracefully after queued mail is sent.
            """)

    @OptionGroup(title: "Listening") var listen: ListenOptions
    @OptionGroup(title: "Store") var store: StoreOptions
    @OptionGroup(title: "Mail") var mail: MailOptions
    @OptionGroup(title: "Accounts") var account: AccountOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap()
        let address = try listen.address(env: "RG_AUTH_LISTEN", default: "127.0.0.1:3030")
        let limits = try listen.limits()
        let context = try AuthContext(store: store, mail: mail, account: account, logger: logger)
        let api = AuthAPI(service: context.service, limiter: try account.rateLimiter(), clients: ClientAddressPolicy(trustProxy: account.trustProxy))
        let router = Router(context: ClientRequestContext.self)
        router.add(middleware: AccessLogMiddleware(logger: logger))
        router.add(middleware: SecurityHeadersMiddleware())
        api.register(on: router)
        logger.info("auth API starting", metadata: ["mail": "\(context.outbox.transport.description)", "db": "\(store.path)"])
        let housekeeping = Task { await context.service.purgeTokensPeriodically() }
        defer { housekeeping.cancel() }
        try await HTTPServerRunner.run(tool: "rg-auth", responder: router.buildResponder(), address: address, limits: limits, logger: logger)
        await context.finish()
    }
}
