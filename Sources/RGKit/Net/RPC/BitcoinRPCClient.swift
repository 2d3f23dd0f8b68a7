import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A JSON-RPC client for Bitcoin Core (or anything that speaks its dialect, such as
/// `rg-feed rpc`).
///
/// - HTTP/1.1 keep-alive through AsyncHTTPClient's pool: one connection is reused call after
///   call (the reference template manager opened a new TCP connection per template), a second
///   one only while a longpoll is outstanding.
/// - A refused connection fails the call at once (the pool's own connect retries are off), so
///   the caller's backoff decides when to try again and the outage is reported as it happens.
/// - Replies are read in either dialect whatever the HTTP status (`JSONRPCReply`).
/// - With a cookie file, a 401 makes the client re-read the file and, if the node rewrote it
///   (it does on every start), repeat the call once with the new password.
/// - Every call has a deadline: `timeout`, or `longPollTimeout` for a longpoll.
public final class BitcoinRPCClient: Sendable {
    public struct Configuration: Sendable {
        public var endpoint: RPCEndpoint
        public var auth: RPCAuthSource
        /// Deadline of an ordinary call, connect to last byte.
        public var timeout: Duration = .seconds(30)
        /// Deadline of a longpoll `getblocktemplate` (Core answers within about a minute on a
        /// busy mainnet, or when a block arrives).
        public var longPollTimeout: Duration = .seconds(150)
        public var connectTimeout: Duration = .seconds(5)
        /// Largest reply body accepted (a mainnet template is a few MB).
        public var maxReplyBytes = 64 << 20
        /// The dialect requests are sent in; replies are accepted in either.
        public var version: JSONRPCVersion = .v2

        public init(endpoint: RPCEndpoint, auth: RPCAuthSource) {
            self.endpoint = endpoint
            self.auth = auth
        }
    }

    /// A call's result, with the wall-clock time its last byte arrived.
    public struct Reply: Sendable {
        public var value: JSONValue
        public var receivedMs: Int64
    }

    public let configuration: Configuration
    private let http: HTTPClient
    private let state = LockedState()
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger = Logger(label: "rg.rpc")) {
        self.configuration = configuration
        self.logger = logger
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds))
        http.connectionPool.retryConnectionEstablishment = false
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 4
        // Below the server's idle timeout (Core's rpcservertimeout is 30 s), so the pool drops
        // an idle connection before the server does and never sends on a closing one.
        http.connectionPool.idleTimeout = .seconds(20)
        http.httpVersion = .http1Only
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        self.http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: http)
        if case .userPassword(let credentials) = configuration.auth { state.set(credentials: credentials, cookie: nil) }
    }

    /// Closes the pool's connections. Call once, when done.
    public func shutdown() async {
        try? await http.shutdown()
    }

    public var endpoint: String { configuration.endpoint.authority }

    /// Calls `method` with already-encoded `params` (a JSON array or object) and returns the
    /// `result`. Throws `RPCError` for every failure, RPC errors included.
    public func call(_ method: String, params: some Collection<UInt8> = Array("[]".utf8), timeout: Duration? = nil) async throws(RPCError) -> Reply {
        let deadline = timeout ?? configuration.timeout
        var credentials = try currentCredentials(method: method)
        var reloadedCookie = false
        while true {
            let id = state.nextID()
            let body = JSONRPCRequest.encode(method: method, params: params, id: id, version: configuration.version)
            let (status, replyBody, receivedMs) = try await send(body, credentials: credentials, method: method, timeout: deadline)
            if status == 401, case .cookieFile = configuration.auth, !reloadedCookie {
                reloadedCookie = true
                if let fresh = try reloadCookie(method: method), fresh != credentials {
                    logger.info("cookie file rewritten; retrying with the new cookie", metadata: ["rpc.method": "\(method)"])
                    credentials = fresh
                    continue
                }
            }
            do throws(RPCError) {
                let value = try JSONRPCReply.parse(status: status, body: replyBody, expectedID: id, method: method, endpoint: endpoint)
                return Reply(value: value, receivedMs: receivedMs)
            } catch {
                if error.kind == .unauthorized {
                    throw RPCError(.unauthorized, "the node refused the credentials from \(configuration.auth)", method: method, endpoint: endpoint)
                }
                throw error
            }
        }
    }

    // MARK: credentials

    private func currentCredentials(method: String) throws(RPCError) -> RPCCredentials {
        if let credentials = state.credentials { return credentials }
        guard let fresh = try reloadCookie(method: method) else {
            throw RPCError(.cookieUnavailable, "no RPC credentials", method: method, endpoint: endpoint)
        }
        return fresh
    }

    /// Reads the cookie file; nil when the source is not a cookie file.
    private func reloadCookie(method: String) throws(RPCError) -> RPCCredentials? {
        guard case .cookieFile(let path) = configuration.auth else { return nil }
        guard let bytes = FileManagerLite.read(path) else {
            throw RPCError(.cookieUnavailable, "cannot read the cookie file \(path): \(String(cString: strerror(errno))) (has the node started?)", method: method, endpoint: endpoint)
        }
        do {
            let credentials = try RPCCookie.parse(bytes)
            state.set(credentials: credentials, cookie: path)
            return credentials
        } catch {
            throw RPCError(.cookieUnavailable, "\(path): \(error)", method: method, endpoint: endpoint)
        }
    }

    // MARK: transport

    private func send(_ body: [UInt8], credentials: RPCCredentials, method: String, timeout: Duration) async throws(RPCError) -> (Int, [UInt8], Int64) {
        var request = HTTPClientRequest(url: configuration.endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: credentials.basicAuthorization)
        request.headers.add(name: "User-Agent", value: "ReserveGrid")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.nanoseconds), logger: nil)
            var buffer = try await response.body.collect(upTo: configuration.maxReplyBytes)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return (Int(response.status.code), bytes, WallClock.milliseconds())
        } catch {
            throw classify(error, method: method, timeout: timeout)
        }
    }

    /// Maps AsyncHTTPClient and NIO errors to what happened, in words.
    func classify(_ error: any Error, method: String, timeout: Duration) -> RPCError {
        func make(_ kind: RPCError.Kind, _ message: String) -> RPCError { RPCError(kind, message, method: method, endpoint: endpoint) }
        if error is CancellationError { return make(.cancelled, "") }
        if error is NIOTooManyBytesError {
            return make(.malformedReply, "reply larger than \(configuration.maxReplyBytes) bytes")
        }
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return make(.connectTimeout, "no TCP connection within \(configuration.connectTimeout)")
            case .deadlineExceeded, .readTimeout, .getConnectionFromPoolTimeout: return make(.timeout, "within \(timeout)")
            case .remoteConnectionClosed: return make(.connectionClosed, "")
            case .cancelled: return make(.cancelled, "")
            default: return make(.transport, "\(e)")
            }
        }
        if let e = error as? NIOConnectionError {
            if let dns = e.dnsAError ?? e.dnsAAAAError, e.connectionErrors.isEmpty {
                return make(.transport, "cannot resolve \(e.host): \(dns)")
            }
            for failure in e.connectionErrors {
                if let io = failure.error as? IOError, io.errnoCode == ECONNREFUSED { return make(.connectionRefused, "") }
            }
            return make(.transport, "\(e)")
        }
        if let e = error as? IOError {
            switch e.errnoCode {
            case ECONNREFUSED: return make(.connectionRefused, "")
            case ECONNRESET, EPIPE: return make(.connectionClosed, "connection reset")
            default: return make(.transport, "\(e)")
            }
        }
        if let e = error as? ChannelError {
            switch e {
            case .connectTimeout: return make(.connectTimeout, "no TCP connection within \(configuration.connectTimeout)")
            case .ioOnClosedChannel, .eof, .alreadyClosed, .outputClosed, .inputClosed: return make(.connectionClosed, "")
            default: return make(.transport, "\(e)")
            }
        }
        return make(.transport, "\(error)")
    }
}

/// The client's mutable bits: the next request id and the credentials in use.
private final class LockedState: @unchecked Sendable {
    private let lock = Lock()
    private var id: Int64 = 0
    private var current: RPCCredentials?

    func nextID() -> Int64 { lock.withLock { id += 1; return id } }
    var credentials: RPCCredentials? { lock.withLock { current } }
    func set(credentials: RPCCredentials, cookie: String?) { lock.withLock { current = credentials } }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000
    }

    public var milliseconds: Int64 { nanoseconds / 1_000_000 }
}
