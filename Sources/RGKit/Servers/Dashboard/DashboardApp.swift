import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache

/// Settings of `rg-stat serve`.
public struct DashboardConfiguration: Sendable {
    /// The policy file the editor shows and writes (the one `rg-verify --policy` watches).
    public var policyPath: String
    /// Mark cookies `Secure`. Browsers accept Secure cookies from http://localhost and
    /// 127.0.0.1 too, so this stays on unless the dashboard is reached over plain HTTP on
    /// another name (then `--insecure-cookies`, and put TLS in front of it).
    public var secureCookies = true
    public var pageSize = 50

    public init(policyPath: String) { self.policyPath = policyPath }
}

/// The operator dashboard: server-rendered pages (Mustache), a JSON API under `/api/`, and
/// `/metrics`, over the same SQLite database the tools write. Sessions are HttpOnly,
/// SameSite=Strict cookies holding a session token (the store keeps its hash); every form
/// carries a CSRF token (HMAC of the session token; before sign-in, a double-submit cookie);
/// roles are checked on the server for every page and action.
public final class DashboardApp: Sendable {
    public let store: DashboardStore
    public let auth: AuthService
    public let limiter: RateLimiter
    public let clients: ClientAddressPolicy
    public let configuration: DashboardConfiguration
    let library: MustacheLibrary
    let logger: Logger
    let now: @Sendable () -> Int64

    static let sessionCookie = "rg_session"
    static let csrfCookie = "rg_csrf"

    public init(database: RGDatabase, auth: AuthService, limiter: RateLimiter, clients: ClientAddressPolicy = .init(),
                configuration: DashboardConfiguration, logger: Logger, now: @escaping @Sendable () -> Int64 = { WallClock.milliseconds() }) throws {
        store = DashboardStore(database)
        self.auth = auth
        self.limiter = limiter
        self.clients = clients
        self.configuration = configuration
        self.logger = logger
        self.now = now
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all { try library.register(text, named: name) }
        self.library = library
    }

    // MARK: visitors, sessions, CSRF

    /// Who is asking: the signed-in user (if any) and the CSRF token their forms must carry.
    struct Visitor {
        var user: StoredUser?
        var sessionToken: String?
        var csrf: String
        /// A fresh anonymous CSRF cookie to set on the response.
        var newCSRFCookie: String?
        var isAPI = false
    }

    func visitor(_ request: Request) async throws -> Visitor {
        if let token = request.cookies[Self.sessionCookie]?.value ?? request.bearerToken,
           let found = try await auth.session(token: token) {
            return Visitor(user: found.user, sessionToken: token, csrf: Self.csrf(forSession: token))
        }
        if let existing = request.cookies[Self.csrfCookie]?.value, existing.count == 64, existing.allSatisfy(\.isHexDigit) {
            return Visitor(user: nil, sessionToken: nil, csrf: existing)
        }
        let fresh = SecureRandom.bytes(count: 32).hex
        return Visitor(user: nil, sessionToken: nil, csrf: fresh, newCSRFCookie: fresh)
    }

    /// HMAC-SHA256(session token, "csrf"): bound to the session, unknown to other sites, and
    /// nothing to store.
    static func csrf(forSession token: String) -> String {
        HMACSHA256.authenticate(key: Array(token.utf8), data: Array("rg-dashboard-csrf".utf8)).hex
    }

    /// The form's token matches (constant time), and an Origin header, when sent, is ours.
    func csrfValid(_ form: FormData, _ visitor: Visitor, _ request: Request) -> Bool {
        if let origin = request.headers[.origin], origin != "null" {
            let host = request.head.authority ?? ""
            let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
            if originHost != host { return false }
        }
        guard let presented = form["csrf"] else { return false }
        if visitor.user == nil && visitor.newCSRFCookie != nil { return false }   // no cookie came with the form
        return ConstantTime.equals(Array(presented.utf8), Array(visitor.csrf.utf8))
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    // MARK: rendering

    func page(_ name: String, _ values: [String: Any], _ visitor: Visitor, title: String, nav: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var context = values
        context["title"] = title
        context["csrf"] = visitor.csrf
        if let user = visitor.user {
            context["user"] = ["email": user.email, "role": user.role.rawValue, "isAdmin": user.role == .admin] as [String: Any]
            context["isAdmin"] = user.role == .admin
            context["role"] = user.role.rawValue
        }
        if let nav { context["nav" + nav] = true }
        let html = library.render(context, withTemplate: name) ?? "template \(name) missing"
        var response = HTTPBody.html(html, status: status)
        if let fresh = visitor.newCSRFCookie { response.setCookie(cookie(Self.csrfCookie, fresh, maxAge: 86_400)) }
        return response
    }

    func fragment(_ name: String, _ values: [String: Any]) -> Response {
        HTTPBody.html(library.render(values, withTemplate: name) ?? "")
    }

    func message(_ visitor: Visitor, heading: String, text: String, link: (String, String)? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = ["heading": heading, "text": text]
        if let link { values["link"] = ["href": link.0, "label": link.1] }
        return page("message", values, visitor, title: heading, status: status)
    }

    func forbidden(_ visitor: Visitor, _ why: String) -> Response {
        message(visitor, heading: "Not allowed", text: why, status: .forbidden)
    }

    func csrfRefused(_ visitor: Visitor) -> Response {
        message(visitor, heading: "Form refused", text: "The form's security token is missing or wrong (CSRF check). Reload the page and try again.", status: .forbidden)
    }

    func limited(_ endpoint: String, _ request: Request, _ context: ClientRequestContext) -> Int64? {
        if case .limited(let retry) = limiter.check(endpoint: endpoint, client: clients.address(request, context), nowMs: now()) { return retry }
        return nil
    }

    func tooMany(_ visitor: Visitor, retryAfterMs: Int64) -> Response {
        var r = message(visitor, heading: "Slow down", text: "Too many attempts from your address; try again in a minute.", status: .tooManyRequests)
        r.headers[.retryAfter] = "\(max(1, (retryAfterMs + 999) / 1000))"
        return r
    }

    // MARK: the router

    public func router() -> Router<ClientRequestContext> {
        let router = Router(context: ClientRequestContext.self)
        router.add(middleware: AccessLogMiddleware(logger: logger))
        router.add(middleware: SecurityHeadersMiddleware())

        router.get("static/app.css") { _, _ in Self.asset(DashboardAssets.css, type: "text/css; charset=utf-8") }
        router.get("static/app.js") { _, _ in Self.asset(DashboardAssets.js, type: "text/javascript; charset=utf-8") }
        router.get("healthz") { _, _ in HTTPBody.text("ok\n") }
        router.get("metrics") { _, _ in try await self.metrics() }

        addAuthPages(router)
        addPages(router)
        addAPI(router)
        return router
    }

    static func asset(_ text: String, type: String) -> Response {
        var r = HTTPBody.text(text, contentType: type)
        r.headers[.cacheControl] = "public, max-age=300"
        return r
    }

    /// Runs `body` for a signed-in user (of at least `role`); otherwise redirects to /login
    /// (pages) or answers 401/403.
    func signedIn(_ request: Request, role: UserRole = .viewer, api: Bool = false,
                  _ body: (StoredUser, Visitor) async throws -> Response) async throws -> Response {
        let visitor = try await visitor(request)
        guard let user = visitor.user else {
            if api || request.headers[HTTPField.Name("X-Requested-With")!] == "fetch" {
                return HTTPBody.error("unauthorized", "sign in first", status: .unauthorized)
            }
            return Response.redirect(to: "/login")
        }
        guard user.role >= role else {
            if api { return HTTPBody.error("forbidden", "requires role \(role.rawValue)", status: .forbidden) }
            return forbidden(visitor, "This needs the \(role.rawValue) role; yours is \(user.role.rawValue).")
        }
        return try await body(user, visitor)
    }

    // MARK: metrics

    func metrics() async throws -> Response {
        let t = now()
        let totals = try await store.totals()
        let o = try await store.overview(nowMs: t)
        func label(_ s: String) -> String { s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") }
        var out = "# HELP rg_stat_verdicts_total Verdicts stored, by outcome.\n# TYPE rg_stat_verdicts_total counter\n"
        for v in totals.verdictsByOutcome {
            out += "rg_stat_verdicts_total{accepted=\"\(v.accepted)\",reason_code=\"\(label(v.reason))\"} \(v.count)\n"
        }
        out += "# HELP rg_stat_shares_total Shares stored, by outcome (ok or the reason code).\n# TYPE rg_stat_shares_total counter\n"
        for (reason, n) in totals.sharesByReason.sorted(by: { $0.key < $1.key }) { out += "rg_stat_shares_total{reason_code=\"\(label(reason))\"} \(n)\n" }
        out += "# HELP rg_stat_templates_total Distinct templates judged.\n# TYPE rg_stat_templates_total counter\nrg_stat_templates_total \(totals.templates)\n"
        out += "# HELP rg_stat_blocks_total Blocks found.\n# TYPE rg_stat_blocks_total counter\nrg_stat_blocks_total \(totals.blocks)\n"
        out += "# HELP rg_stat_channels_open Channels without a close time.\n# TYPE rg_stat_channels_open gauge\nrg_stat_channels_open \(o.activeChannels)\n"
        out += "# HELP rg_stat_hashrate_hashes_per_second Pool hashrate from the last ten minutes of accepted shares.\n# TYPE rg_stat_hashrate_hashes_per_second gauge\nrg_stat_hashrate_hashes_per_second \(o.measuredHashrate)\n"
        out += "# HELP rg_stat_verdicts_last_hour Verdicts in the last hour.\n# TYPE rg_stat_verdicts_last_hour gauge\nrg_stat_verdicts_last_hour \(o.verdictsLastHour)\n"
        out += "# HELP rg_stat_last_verdict_timestamp_seconds When the newest verdict was made.\n# TYPE rg_stat_last_verdict_timestamp_seconds gauge\nrg_stat_last_verdict_timestamp_seconds \(Double(o.lastVerdictMs ?? 0) / 1000)\n"
        out += "# HELP rg_stat_users Accounts by status.\n# TYPE rg_stat_users gauge\n"
        for status in UserStatus.allCases { out += "rg_stat_users{status=\"\(status.rawValue)\"} \(totals.usersByStatus[status.rawValue] ?? 0)\n" }
        return HTTPBody.text(out, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
