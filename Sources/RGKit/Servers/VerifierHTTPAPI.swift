import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// `rg-verify serve`'s HTTP API (Hummingbird), on its own port:
///
/// | route | auth | answer |
/// |---|---|---|
/// | `GET /health` | — | `ok` while the process serves |
/// | `GET /ready` | — | 200/503 + JSON: a policy is loaded and, when a mempool source is configured, its last reading is fresh. Readiness does not depend on traffic: an idle verifier is ready. |
/// | `GET /metrics` | — | Prometheus text |
/// | `GET /verdicts` | key | a page of verdict records, from the database (`--db`) or the in-memory ring |
/// | `GET /verdicts.csv` | key | the same page as CSV (`VerdictCSV`) |
/// | `GET /stats` | key | the `summary` record over the whole database, or over every verdict since start-up |
/// | `GET /policy` | key | the policy in force |
/// | `POST /policy` | key | TOML body: validated, written atomically to the policy file, put in force; 400 naming the key otherwise |
///
/// "key" means `Authorization: Bearer <RG_API_SECRET>`, compared in constant time. With no
/// secret configured those routes answer 403: never open by default.
public struct VerifierHTTPAPI: Sendable {
    public struct Configuration: Sendable {
        public var address: ListenAddress
        public var tls: TLSConfiguration?
        /// nil = protected routes answer 403.
        public var apiSecret: String?
        public var maxBodyBytes: Int
        /// Bound on one request's work (reading the body, a database query).
        public var requestTimeout: Duration
        /// An HTTP connection idle this long is closed.
        public var idleTimeout: TimeAmount
        public var maxConnections: Int
        public var maxConnectionsPerIP: Int

        public init(address: ListenAddress, tls: TLSConfiguration? = nil, apiSecret: String? = nil, maxBodyBytes: Int = 64 << 10,
                    requestTimeout: Duration = .seconds(10), idleTimeout: TimeAmount = .seconds(30),
                    maxConnections: Int = 64, maxConnectionsPerIP: Int = 32) {
            self.address = address
            self.tls = tls
            self.apiSecret = apiSecret
            self.maxBodyBytes = maxBodyBytes
            self.requestTimeout = requestTimeout
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
            self.maxConnectionsPerIP = maxConnectionsPerIP
        }
    }

    public let configuration: Configuration
    public let live: LivePolicy
    public let store: VerdictStore?
    public let recent: RecentVerdicts
    public let mempool: MempoolMonitor?

    public init(configuration: Configuration, live: LivePolicy, store: VerdictStore?, recent: RecentVerdicts, mempool: MempoolMonitor?) {
        self.configuration = configuration
        self.live = live
        self.store = store
        self.recent = recent
        self.mempool = mempool
    }

    public static let defaultPageSize = 100

    // MARK: the application

    /// The Hummingbird application: a `Service` to run in the tool's `ServiceGroup`.
    public func application(logger: Logger, onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }) throws(ToolError) -> some ApplicationProtocol {
        let limiter = ConnectionLimiter(maxConnections: configuration.maxConnections, maxPerIP: configuration.maxConnectionsPerIP)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionCapHandler(limiter: limiter)], idleTimeout: configuration.idleTimeout)
        var server: HTTPServerBuilder = .http1(configuration: http1)
        if let tls = configuration.tls {
            do { server = try .tls(.http1(configuration: http1), tlsConfiguration: tls) } catch {
                throw ToolError(.usage, "HTTP TLS: \(error)")
            }
        }
        let address = configuration.address
        let secure = configuration.tls != nil
        return Application(
            router: router(),
            server: server,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                if let bound = channel.localAddress {
                    logger.notice("listening", metadata: ["service": "http", "address": "\(VerifierTCPServer.describe(bound))", "tls": "\(secure ? "on" : "off")"])
                    onListening(bound)
                }
            },
            logger: logger)
    }

    /// The routes, for the application and for router-level tests.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("health") { _, _ in Self.text("ok\n") }
        router.get("ready") { _, _ in readiness() }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: MetricsRegistry.exposition())))
        }
        let protected = router.group().add(middleware: APIKeyMiddleware(secret: configuration.apiSecret))
        protected.get("verdicts") { request, _ in try await verdicts(request, csv: false) }
        protected.get("verdicts.csv") { request, _ in try await verdicts(request, csv: true) }
        protected.get("stats") { _, _ in try await stats() }
        protected.get("policy") { _, _ in policyDocument() }
        protected.post("policy") { request, _ in try await replacePolicy(request) }
        return router
    }

    // MARK: handlers

    func readiness() -> Response {
        let policy = live.policy
        let now = WallClock.milliseconds()
        let latest = mempool?.latest
        let age = latest.map { now - $0.atMs }
        let fresh = mempool.map { m in age.map { $0 <= m.maxAgeMs } ?? false }
        // A policy is always loaded once the server runs (start-up refuses an unusable one).
        let ready = fresh ?? true
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.field("ready", ready)
        w.field("policy_loaded", true)
        w.field("policy_hash", policy.hash)
        w.key("mempool")
        if let mempool {
            w.beginObject()
            w.field("configured", true)
            w.field("fresh", fresh)
            w.field("tx_count", latest?.txCount)
            w.field("age_ms", age)
            w.field("max_age_ms", mempool.maxAgeMs)
            w.field("last_error", mempool.latestError)
            w.endObject()
        } else {
            w.null()
        }
        w.endObject()
        return Self.json(w.bytes, status: ready ? .ok : .serviceUnavailable)
    }

    func verdicts(_ request: Request, csv: Bool) async throws -> Response {
        let query = request.uri.queryParameters
        var queryFilter = VerdictFilter()
        let limit: Int
        do {
            queryFilter.sinceMs = try Self.int(query["since_ms"], "since_ms")
            queryFilter.untilMs = try Self.int(query["until_ms"], "until_ms")
            queryFilter.reasonCode = query["reason_code"].map(String.init)
            queryFilter.feeTier = query["fee_tier"].map(String.init)
            if let accepted = query["accepted"] {
                guard accepted == "true" || accepted == "false" else { throw BadQuery("accepted must be true or false") }
                queryFilter.accepted = accepted == "true"
            }
            let asked = try Self.int(query["limit"], "limit") ?? Int64(csv ? 1000 : Self.defaultPageSize)
            guard asked >= 1 else { throw BadQuery("limit must be ≥ 1") }
            limit = Int(min(asked, Int64(VerdictStore.maxPageSize)))
        } catch let error as BadQuery {
            return Self.problem(.badRequest, "bad_query", error.message)
        }
        let filter = queryFilter
        let after = query["after"].map(String.init)
        var records: [[UInt8]] = []
        var rows: [VerdictRecord] = []
        var next: String?
        let source: String
        if let store {
            var parsedCursor: VerdictCursor?
            if let after {
                guard let parsed = VerdictCursor(after) else {
                    return Self.problem(.badRequest, "bad_query", "after must be a cursor like 1764000000000.42 (the \"next\" of the previous page)")
                }
                parsedCursor = parsed
            }
            let cursor = parsedCursor
            let page = try await withDeadline(configuration.requestTimeout) { try await store.page(filter, after: cursor, limit: limit) }
            for verdict in page.verdicts {
                if csv { rows.append(verdict.record) } else { records.append(verdict.encoded()) }
            }
            next = page.next?.description
            source = "database"
        } else {
            var sequence: Int64?
            if let after {
                guard let parsed = Int64(after) else {
                    return Self.problem(.badRequest, "bad_query", "after must be the integer \"next\" of the previous page")
                }
                sequence = parsed
            }
            let page = recent.page(filter, after: sequence, limit: limit)
            for entry in page.entries {
                if csv { rows.append(entry.record) } else { records.append(entry.record.encoded()) }
            }
            next = page.next.map(String.init)
            source = "memory"
        }
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("RG-Verdicts-Source")!] = source
        if let next { headers[HTTPField.Name("RG-Next")!] = next }
        if csv {
            var text = VerdictCSV.header + "\n"
            for row in rows { text += VerdictCSV.row(row) + "\n" }
            headers[.contentType] = "text/csv; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        var w = JSONWriter(capacity: 256 + records.reduce(0) { $0 + $1.count + 1 })
        w.beginObject()
        w.field("source", source)
        w.key("verdicts")
        w.beginArray()
        for record in records { w.raw(record) }
        w.endArray()
        w.field("next", next)
        w.endObject()
        var response = Self.json(w.bytes)
        for field in headers { response.headers.append(field) }
        return response
    }

    func stats() async throws -> Response {
        let summary: VerdictSummary
        let source: String
        if let store {
            summary = try await withDeadline(configuration.requestTimeout) { try await store.summary() }
            source = "database"
        } else {
            summary = recent.summary
            source = "memory"
        }
        var response = Self.json(summary.encoded())
        response.headers[HTTPField.Name("RG-Stats-Source")!] = source
        return response
    }

    func policyDocument() -> Response {
        let policy = live.policy
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.field("policy_file", live.path)
        w.field("policy_hash", policy.hash)
        w.key("policy")
        policy.writeJSON(to: &w)
        w.field("toml", policy.canonicalTOML)
        w.endObject()
        return Self.json(w.bytes)
    }

    func replacePolicy(_ request: Request) async throws -> Response {
        let limit = configuration.maxBodyBytes
        let body: ByteBuffer
        do {
            body = try await withDeadline(configuration.requestTimeout) { try await request.body.collect(upTo: limit) }
        } catch is NIOTooManyBytesError {
            return Self.problem(.contentTooLarge, "body_too_large", "the policy must be at most \(limit) bytes")
        }
        let toml = Array(body.readableBytesView)
        let live = self.live
        do {
            // Validating and fsyncing the file blocks: done on the I/O thread pool, not on a
            // thread of Swift's cooperative pool.
            let result = try await NIOThreadPool.singleton.runIfActive { () -> Result<Policy, PolicyReplaceError> in
                do throws(PolicyReplaceError) { return .success(try live.replace(toml: toml)) } catch { return .failure(error) }
            }
            let policy = try result.get()
            var w = JSONWriter(capacity: 256)
            w.beginObject()
            w.field("ok", true)
            w.field("policy_file", live.path)
            w.field("policy_hash", policy.hash)
            w.endObject()
            return Self.json(w.bytes)
        } catch let error as PolicyReplaceError {
            switch error {
            case .invalid(let policyError):
                var w = JSONWriter(capacity: 256)
                w.beginObject()
                w.field("ok", false)
                w.field("code", policyError.code.rawValue)
                w.field("key", policyError.key)
                w.field("line", policyError.line)
                w.field("error", policyError.description)
                w.endObject()
                return Self.json(w.bytes, status: .badRequest)
            case .write(let toolError):
                return Self.problem(.internalServerError, "policy_write_failed", toolError.message)
            }
        }
    }

    // MARK: helpers

    struct BadQuery: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func int(_ text: Substring?, _ name: String) throws -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text) else { throw BadQuery("\(name) must be an integer, got \"\(text.prefix(40))\"") }
        return value
    }

    static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(bytes.count + 1)
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }

    /// `{"error":code,"detail":…}` with a status.
    static func problem(_ status: HTTPResponse.Status, _ code: String, _ detail: String) -> Response {
        var w = JSONWriter(capacity: 64 + detail.utf8.count)
        w.beginObject()
        w.field("error", code)
        w.field("detail", detail)
        w.endObject()
        return json(w.bytes, status: status)
    }
}

/// Runs `operation`, giving up with a 503 after `timeout`.
func withDeadline<T: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw HTTPError(.serviceUnavailable, message: "the request took longer than \(timeout)")
        }
        return value
    }
}

/// Guards the protected routes with `Authorization: Bearer <secret>`. Both sides are hashed
/// to 32 bytes and compared in constant time, so neither the secret's bytes nor its length
/// leak through timing. With no secret configured every request gets 403: an API key the
/// operator forgot to set must not mean an open API. The header is never logged.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let digest: [UInt8]?

    init(secret: String?) {
        digest = secret.flatMap { $0.isEmpty ? nil : SHA256Hash.hash(Array($0.utf8)).bytes }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let digest else {
            return VerifierHTTPAPI.problem(.forbidden, "forbidden",
                                           "no API key is configured on this server (set RG_API_SECRET or RG_API_SECRET_FILE); this route stays closed")
        }
        guard let header = request.headers[.authorization], let token = Self.bearerToken(header),
              ConstantTime.equals(SHA256Hash.hash(Array(token.utf8)).bytes, digest) else {
            var response = VerifierHTTPAPI.problem(.unauthorized, "unauthorized", "missing or wrong API key (Authorization: Bearer <key>)")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"rg-verify\""
            return response
        }
        return try await next(request, context)
    }

    static func bearerToken(_ header: String) -> Substring? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].drop { $0 == " " }
    }
}

extension Policy {
    /// The policy as a JSON object with the TOML keys (what `GET /policy` shows).
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("protocol_version", protocolVersion)
        w.field("required_prevhash_len", requiredPrevhashLength)
        w.field("min_avg_fee_lo", minAvgFeeLow)
        w.field("min_avg_fee_mid", minAvgFeeMid)
        w.field("min_avg_fee_hi", minAvgFeeHigh)
        w.field("low_mempool_tx", lowMempoolTx)
        w.field("high_mempool_tx", highMempoolTx)
        w.field("min_total_fees", minTotalFees)
        w.field("max_tx_count", maxTxCount)
        w.field("reject_empty_templates", rejectEmptyTemplates)
        w.field("reject_coinbase_zero", rejectCoinbaseZero)
        w.field("unknown_mempool_as_high", unknownMempoolAsHigh)
        w.field("max_weight_ratio", maxWeightRatio)
        w.field("max_template_age_secs", maxTemplateAgeSecs)
        w.field("max_sigops_cost", maxSigopsCost)
        w.field("max_coinbase_sigops", maxCoinbaseSigops)
        w.key("warn_only")
        w.beginArray()
        for code in warnOnly.sorted() { w.string(code.rawValue) }
        w.endArray()
        w.endObject()
    }
}
