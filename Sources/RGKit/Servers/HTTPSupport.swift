import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The request context of ReserveGrid's HTTP servers: the client's address (for per-IP rate
/// limits) and a small body limit — no endpoint takes more than a policy file.
public struct ClientRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (no port), or "unknown".
    public let peerAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    public var maxUploadSize: Int { HTTPServerLimits.maxBodyBytes }
}

/// Caps and timeouts every ReserveGrid HTTP server applies.
public struct HTTPServerLimits: Sendable {
    /// Largest request body read (policy files are a few KiB).
    public static let maxBodyBytes = 256 * 1024
    public var maxConnections: Int = 512
    public var maxConnectionsPerIP: Int = 64
    public var idleTimeout: TimeAmount = .seconds(30)

    public init(maxConnections: Int = 512, maxConnectionsPerIP: Int = 64, idleTimeoutSeconds: Int = 30) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerIP = maxConnectionsPerIP
        idleTimeout = .seconds(Int64(idleTimeoutSeconds))
    }
}

/// Headers every response gets: no MIME sniffing, no framing, no referrer (links carry
/// tokens), a content security policy that allows only our own scripts and styles, and no
/// caching of anything but static files.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// One line per request at info: method, path (never the query, which may carry a token),
/// status and time. The reference logged whole mails with live tokens; we log no token at all.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    public init(logger: Logger) { self.logger = logger }
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = MonotonicClock.nanoseconds()
        var status = 500
        defer {
            let ms = Double(MonotonicClock.nanoseconds() - started) / 1e6
            logger.info("request", metadata: ["http.method": "\(request.method)", "http.path": "\(Self.safePath(request.uri.path))",
                                              "http.status": "\(status)", "http.ms": "\((ms * 10).rounded() / 10)"])
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as HTTPResponseError {
            status = error.status.code
            throw error
        }
    }

    /// Paths never carry tokens in our routes, but a 64-hex segment is masked anyway.
    static func safePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.count >= 32 && $0.allSatisfy(\.isHexDigit) ? "…" : String($0) }.joined(separator: "/")
    }
}

/// Small helpers for bodies and responses.
public enum HTTPBody {
    /// Reads the whole body up to the limit; 413 beyond it.
    public static func collect(_ request: Request, limit: Int = HTTPServerLimits.maxBodyBytes) async throws -> [UInt8] {
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw HTTPError(.contentTooLarge, message: "request body larger than \(limit) bytes")
        }
    }

    /// `snakeCase` turns Swift property names into the API's snake_case field names (types
    /// with explicit CodingKeys keep theirs).
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, snakeCase: Bool = false) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static func jsonObject(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    public static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        text(html, status: status, contentType: "text/html; charset=utf-8")
    }

    /// `{"error": code, "detail": text}`, the reference's error shape.
    public static func error(_ code: String, _ detail: String, status: HTTPResponse.Status) -> Response {
        jsonObject(["error": code, "detail": detail], status: status)
    }

    public static func rateLimited(retryAfterMs: Int64) -> Response {
        var response = error("rate_limited", "too many requests; try again later", status: .tooManyRequests)
        response.headers[.retryAfter] = "\(max(1, (retryAfterMs + 999) / 1000))"
        return response
    }
}

/// `application/x-www-form-urlencoded` bodies (`+` is a space, `%XX` a byte).
public struct FormData: Sendable {
    public private(set) var fields: [String: String] = [:]

    public init(_ bytes: [UInt8]) {
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let kv = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(kv[0]) else { continue }
            fields[key] = kv.count > 1 ? (Self.decode(kv[1]) ?? "") : ""
        }
    }

    public subscript(_ name: String) -> String? { fields[name] }

    static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Request {
    /// A query parameter, percent-decoded.
    public func query(_ name: String) -> String? {
        uri.queryParameters[name[...]].map(String.init)
    }

    /// The token after `Bearer ` in Authorization.
    public var bearerToken: String? {
        guard let value = headers[.authorization], value.lowercased().hasPrefix("bearer ") else { return nil }
        return String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    /// True when the body is JSON (by Content-Type).
    public var isJSON: Bool { headers[.contentType]?.lowercased().hasPrefix("application/json") == true }
}

/// Binds, serves and stops one Hummingbird application with the limits above; logs
/// `listening on http://HOST:PORT` on stderr once bound (tests read the port from it).
public enum HTTPServerRunner {
    public static func run<Responder: HTTPResponder>(tool: String, responder: Responder, address: ListenAddress, limits: HTTPServerLimits,
                                                     logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    where Responder.Context == ClientRequestContext {
        let limiter = ConnectionLimiter(maxConnections: limits.maxConnections, maxPerIP: limits.maxConnectionsPerIP)
        var configuration = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionCapHandler(limiter: limiter)], idleTimeout: limits.idleTimeout)
        configuration.httpDecoder.maxHeaderFieldCount = 100
        let app = Application(
            responder: responder,
            server: .http1(configuration: configuration),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                FileHandleStderr.write("\(tool): listening on http://\(address.host.contains(":") ? "[\(address.host)]" : address.host):\(port)\n")
                await onListening(port)
            },
            logger: logger)
        try await app.runService()
    }
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
