import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Default per-endpoint limits (requests per client address per window); each endpoint has
/// its own window. Overridden with `--rate-limit ENDPOINT=N/WINDOW`.
public enum AuthRateLimits {
    public static let defaults: [String: RateLimiter.Rule] = [
        "register": .init(limit: 5, windowMs: 60_000),
        "verify": .init(limit: 10, windowMs: 60_000),
        "approve": .init(limit: 10, windowMs: 60_000),
        "login": .init(limit: 10, windowMs: 60_000),
        "session": .init(limit: 300, windowMs: 60_000),
        "logout": .init(limit: 60, windowMs: 60_000),
        "forgot_password": .init(limit: 3, windowMs: 60_000),
        "reset_password": .init(limit: 5, windowMs: 60_000),
    ]

    /// Applies `endpoint=N/window` overrides to the defaults.
    public static func rules(overrides: [String]) throws(ToolError) -> [String: RateLimiter.Rule] {
        var rules = defaults
        for text in overrides {
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let rule = RateLimiter.Rule(parsing: String(parts[1])) else {
                throw ToolError(.usage, "--rate-limit \(text): expected ENDPOINT=N/WINDOW such as login=10/60s")
            }
            let name = String(parts[0]).replacingOccurrences(of: "-", with: "_")
            guard defaults[name] != nil else {
                throw ToolError(.usage, "--rate-limit \(text): unknown endpoint \(name) (one of \(defaults.keys.sorted().joined(separator: ", ")))")
            }
            rules[name] = rule
        }
        return rules
    }
}

/// Which address a request counts against.
public struct ClientAddressPolicy: Sendable {
    /// Use the first `X-Forwarded-For` address (only behind a reverse proxy you run).
    public var trustProxy: Bool
    public init(trustProxy: Bool = false) { self.trustProxy = trustProxy }

    public func address(_ request: Request, _ context: ClientRequestContext) -> String {
        if trustProxy, let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").first {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return context.peerAddress
    }
}

/// The rg-auth HTTP API under `/auth/`, with the reference's response shapes: successes
/// `{"ok":true,"message":…}`, errors `{"error":code,"detail":…}`, and the same answer for
/// registration and password reset whether or not the address has an account.
public struct AuthAPI: Sendable {
    public let service: AuthService
    public let limiter: RateLimiter
    public let clients: ClientAddressPolicy
    let now: @Sendable () -> Int64

    public init(service: AuthService, limiter: RateLimiter, clients: ClientAddressPolicy = .init(),
                now: @escaping @Sendable () -> Int64 = { WallClock.milliseconds() }) {
        self.service = service
        self.limiter = limiter
        self.clients = clients
        self.now = now
    }

    struct RegisterBody: Decodable { var email: String; var name: String; var org: String; var password: String }
    struct LoginBody: Decodable { var email: String; var password: String }
    struct EmailBody: Decodable { var email: String }
    struct TokenBody: Decodable { var token: String }
    struct ResetBody: Decodable { var token: String; var password: String }

    func limited(_ endpoint: String, _ request: Request, _ context: ClientRequestContext) -> Response? {
        if case .limited(let retry) = limiter.check(endpoint: endpoint, client: clients.address(request, context), nowMs: now()) {
            return HTTPBody.rateLimited(retryAfterMs: retry)
        }
        return nil
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T? {
        let bytes = try await HTTPBody.collect(request)
        if request.isJSON || bytes.first == UInt8(ascii: "{") {
            return try? JSONDecoder().decode(T.self, from: Data(bytes))
        }
        // Forms (the approve/deny confirmation page posts one).
        let form = FormData(bytes)
        let object = form.fields
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }

    static func failure(_ f: AuthFailure) -> Response {
        HTTPBody.error(f.rawValue, f.detail, status: HTTPResponse.Status(code: f.httpStatus))
    }

    static func ok(_ message: String, status: HTTPResponse.Status = .ok) -> Response {
        HTTPBody.jsonObject(["ok": true, "message": message], status: status)
    }

    static let badBody = HTTPBody.error("invalid_request", "the body must be JSON with the documented fields", status: .badRequest)

    static func userJSON(_ u: StoredUser) -> [String: Any] {
        ["id": u.id, "email": u.email, "name": u.name, "org": u.org, "role": u.role.rawValue, "status": u.status.rawValue]
    }

    /// Adds the routes to `router` under `/auth`.
    public func register(on router: Router<ClientRequestContext>) {
        let group = router.group("auth")
        group.get("health") { _, _ in HTTPBody.text("ok") }

        group.post("register") { request, context in
            if let r = limited("register", request, context) { return r }
            guard let body = try await Self.decode(RegisterBody.self, request) else { return Self.badBody }
            switch try await service.register(email: body.email, name: body.name, org: body.org, password: body.password) {
            case .success: return Self.ok("Registration successful. Check your email to verify.", status: .created)
            case .failure(let f): return Self.failure(f)
            }
        }

        group.get("verify") { request, context in
            if let r = limited("verify", request, context) { return r }
            switch try await service.verify(token: request.query("token") ?? "") {
            case .success: return Self.ok("Email verified. An administrator will review your account.")
            case .failure(let f): return Self.failure(f)
            }
        }

        for (path, approve) in [("approve", true), ("deny", false)] {
            group.get(RouterPath(stringLiteral: path)) { request, context in
                if let r = limited("approve", request, context) { return r }
                let token = request.query("token") ?? ""
                guard let found = try await service.peekDecision(token: token), found.kind == (approve ? .approve : .deny) else {
                    return HTTPBody.html(AuthPages.message(title: "Link not valid", text: AuthFailure.invalidToken.detail), status: .badRequest)
                }
                return HTTPBody.html(AuthPages.confirmDecision(user: found.user, approve: approve, token: token, action: "/auth/\(path)"))
            }
            group.post(RouterPath(stringLiteral: path)) { request, context in
                if let r = limited("approve", request, context) { return r }
                guard let body = try await Self.decode(TokenBody.self, request) else { return Self.badBody }
                switch try await service.decide(token: body.token, approve: approve) {
                case .success(let user):
                    if !request.isJSON {
                        return HTTPBody.html(AuthPages.message(title: approve ? "Approved" : "Denied", text: "\(user.email) is now \(user.status.rawValue)."))
                    }
                    return Self.ok(approve ? "User approved." : "User denied.")
                case .failure(let f): return Self.failure(f)
                }
            }
        }

        group.post("login") { request, context in
            if let r = limited("login", request, context) { return r }
            guard let body = try await Self.decode(LoginBody.self, request) else { return Self.badBody }
            switch try await service.login(email: body.email, password: body.password) {
            case .success(let session):
                return HTTPBody.jsonObject(["ok": true, "token": session.token, "expires_ms": session.expiresMs, "user": Self.userJSON(session.user)])
            case .failure(let f): return Self.failure(f)
            }
        }

        group.post("logout") { request, context in
            if let r = limited("logout", request, context) { return r }
            if let token = request.bearerToken { try await service.logout(token: token) }
            return HTTPBody.jsonObject(["ok": true])
        }

        group.get("session") { request, context in
            if let r = limited("session", request, context) { return r }
            guard let token = request.bearerToken, let found = try await service.session(token: token) else {
                return HTTPBody.jsonObject(["valid": false], status: .unauthorized)
            }
            return HTTPBody.jsonObject(["valid": true, "expires_ms": found.expiresMs, "user": Self.userJSON(found.user)])
        }

        group.post("forgot-password") { request, context in
            if let r = limited("forgot_password", request, context) { return r }
            guard let body = try await Self.decode(EmailBody.self, request) else { return Self.badBody }
            try await service.forgotPassword(email: body.email)
            return Self.ok("If that address has an account, a reset link is on its way.")
        }

        group.post("reset-password") { request, context in
            if let r = limited("reset_password", request, context) { return r }
            guard let body = try await Self.decode(ResetBody.self, request) else { return Self.badBody }
            switch try await service.resetPassword(token: body.token, password: body.password) {
            case .success: return Self.ok("Password updated. Sign in again.")
            case .failure(let f): return Self.failure(f)
            }
        }
    }
}

/// The few HTML pages rg-auth serves itself (the approve/deny confirmation). Values are
/// HTML-escaped; the page posts the token back, so the GET that a mail scanner or link
/// preview makes cannot decide anything.
public enum AuthPages {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    public static func message(title: String, text: String) -> String {
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(title))</title></head><body><h1>\(escape(title))</h1><p>\(escape(text))</p></body></html>"
    }

    public static func confirmDecision(user: StoredUser, approve: Bool, token: String, action: String) -> String {
        let verb = approve ? "Approve" : "Deny"
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(verb) \(escape(user.email))</title></head><body>
            <h1>\(verb) this account?</h1>
            <dl><dt>Name</dt><dd>\(escape(user.name))</dd><dt>E-mail</dt><dd>\(escape(user.email))</dd><dt>Organisation</dt><dd>\(escape(user.org))</dd></dl>
            <form method="post" action="\(escape(action))"><input type="hidden" name="token" value="\(escape(token))"><button type="submit">\(verb)</button></form>
            </body></html>
            """
    }
}
