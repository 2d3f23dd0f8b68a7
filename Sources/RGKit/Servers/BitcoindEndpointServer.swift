import Dispatch
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP side of `rg-feed rpc`: a bitcoind-compatible JSON-RPC endpoint over HTTP/1.1
/// (keep-alive, pipelining) on NIO.
///
/// Written on NIO's HTTP/1 codec rather than a web framework because each limit must hold at
/// the socket: connections are counted per IP and refused at accept (`ConnectionLimiter`, with a
/// 503); a body is refused as soon as its `Content-Length` (or its running size) passes the cap,
/// before it is buffered; an unauthenticated request's body is never buffered; the idle and
/// request deadlines are per connection and never cut a longpoll that is legitimately waiting.
///
/// Authentication is HTTP Basic against every configured credential (user/password and/or the
/// cookie), compared in constant time over SHA-256 digests; a failure is a 401 with an empty
/// body after a short delay, as Core does.
public final class BitcoindEndpointServer: Sendable {
    public struct Configuration: Sendable {
        public var listen: ListenAddress
        /// Accepted credentials; at least one.
        public var credentials: [RPCCredentials]
        public var maxConnections = 64
        public var maxConnectionsPerIP = 32
        /// Largest request body (a 4 MB block is 8 MB of hex).
        public var maxBodyBytes = 16 << 20
        public var maxBatch = 100
        /// A connection with no request in progress is closed after this.
        public var idleTimeout: Duration = .seconds(30)
        /// A request must arrive whole (head and body) within this.
        public var requestTimeout: Duration = .seconds(30)
        /// A longpoll is answered with the unchanged template after this.
        public var longPollTimeout: Duration = .seconds(60)
        /// Delay before a 401 (slows password guessing, as Core's 250 ms).
        public var authFailureDelay: Duration = .milliseconds(250)

        public init(listen: ListenAddress, credentials: [RPCCredentials]) {
            self.listen = listen
            self.credentials = credentials
        }
    }

    public let configuration: Configuration
    public let board: TemplateBoard
    let limiter: ConnectionLimiter
    let logger: Logger
    let credentialDigests: [Bytes32]
    /// Block checks and record writes run here, off the event loops, one at a time.
    let blockQueue = DispatchQueue(label: "rg.rpc.blocks")
    let blockSink: @Sendable (BlockRecord) throws -> Void
    private let firstCall = FirstCall()
    private let channels = ChannelSet()
    private let serverChannel = LockedBox<(any Channel)?>(nil)

    /// `blockSink` records each accepted block before the client hears "accepted"; if it throws
    /// (stdout closed), the client gets an RPC error instead.
    public init(configuration: Configuration, board: TemplateBoard, logger: Logger, blockSink: @escaping @Sendable (BlockRecord) throws -> Void) {
        self.configuration = configuration
        self.board = board
        self.logger = logger
        self.blockSink = blockSink
        limiter = ConnectionLimiter(maxConnections: configuration.maxConnections, maxPerIP: configuration.maxConnectionsPerIP)
        credentialDigests = configuration.credentials.map { SHA256Hash.hash(Array("\($0.user):\($0.password)".utf8)) }
    }

    /// Binds and starts accepting; returns the bound port (useful with port 0).
    public func start() async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.initialize(channel) }
            }
        let channel = try await bootstrap.bind(host: configuration.listen.host, port: configuration.listen.port).get()
        serverChannel.set(channel)
        let port = channel.localAddress?.port ?? configuration.listen.port
        logger.notice("listening", metadata: ["address": "\(ListenAddress(host: configuration.listen.host, port: port))"])
        return port
    }

    /// Stops accepting, answers waiting longpolls with -9 "Shutting down", gives in-flight
    /// replies a moment, then closes every connection.
    public func shutdown() async {
        if let channel = serverChannel.take() { try? await channel.close() }
        board.shutdown()
        for _ in 0..<50 where channels.busyCount > 0 { try? await Task.sleep(for: .milliseconds(10)) }
        for channel in channels.all { try? await channel.close() }
    }

    public var activeConnections: Int { limiter.active }

    /// Runs `action` once, when the first authenticated request arrives (at once if one has).
    public func onFirstCall(_ action: @escaping @Sendable () -> Void) {
        firstCall.set(action)
    }

    func noteAuthenticatedCall() {
        firstCall.fire()
    }

    /// Connections admitted since start (a keep-alive client adds one, not one per call).
    public var acceptedConnections: Int { channels.insertedCount }

    private func initialize(_ channel: any Channel) throws {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        if let refusal = limiter.admit(address) {
            logger.debug("connection refused", metadata: ["peer": "\(address)", "reason": "\(refusal.rawValue)"])
            let body = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            channel.writeAndFlush(channel.allocator.buffer(string: body)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        let id = channels.insert(channel)
        channel.closeFuture.whenComplete { [limiter, channels] _ in
            limiter.release(address)
            channels.remove(id)
        }
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
        try channel.pipeline.syncOperations.addHandler(BitcoindConnectionHandler(server: self, connectionID: id))
    }

    func setBusy(_ id: Int, _ busy: Bool) { channels.setBusy(id, busy) }

    /// Whether the `Authorization` header carries one of the accepted credentials.
    func isAuthorized(_ header: String?) -> Bool {
        guard let header, let given = RPCCredentials.parseBasicAuthorization(header) else { return false }
        let digest = SHA256Hash.hash(Array("\(given.user):\(given.password)".utf8))
        var match = false
        for allowed in credentialDigests {
            // Every credential is compared, so the time does not say which one matched.
            let equal = digest.withUnsafeBytes { a in allowed.withUnsafeBytes { b in ConstantTime.equals(a, b) } }
            match = match || equal
        }
        return match
    }

    // MARK: answering

    /// One HTTP reply.
    struct Reply: Sendable {
        var status: HTTPResponseStatus
        var body: [UInt8]
        var headers: [(String, String)] = []
        var close = false
    }

    /// Answers a JSON-RPC body (one request or a batch).
    func answer(_ body: [UInt8], on loop: any EventLoop) -> EventLoopFuture<Reply> {
        switch JSONRPCServerParser.parse(body, maxBatch: configuration.maxBatch) {
        case .single(.failure(let bad)):
            return loop.makeSucceededFuture(Reply(status: HTTPResponseStatus(statusCode: JSONRPCResponse.httpStatus(forError: bad.fault.code, version: bad.version)),
                                                  body: JSONRPCResponse.error(bad.fault, id: bad.idJSON, version: bad.version)))
        case .single(.success(let call)):
            return perform(call, on: loop).map { outcome in
                if call.isNotification { return Reply(status: .noContent, body: []) }
                switch outcome {
                case .success(let result):
                    return Reply(status: .ok, body: JSONRPCResponse.result(result, id: call.idJSON, version: call.version))
                case .failure(let fault):
                    return Reply(status: HTTPResponseStatus(statusCode: JSONRPCResponse.httpStatus(forError: fault.code, version: call.version)),
                                 body: JSONRPCResponse.error(fault, id: call.idJSON, version: call.version))
                }
            }
        case .batch(let items):
            let futures: [EventLoopFuture<[UInt8]?>] = items.map { item in
                switch item {
                case .failure(let bad):
                    return loop.makeSucceededFuture(JSONRPCResponse.error(bad.fault, id: bad.idJSON, version: bad.version))
                case .success(let call):
                    return perform(call, on: loop).map { outcome in
                        if call.isNotification { return nil }
                        switch outcome {
                        case .success(let result): return JSONRPCResponse.result(result, id: call.idJSON, version: call.version)
                        case .failure(let fault): return JSONRPCResponse.error(fault, id: call.idJSON, version: call.version)
                        }
                    }
                }
            }
            return EventLoopFuture.whenAllSucceed(futures, on: loop).map { replies in
                let present = replies.compactMap { $0 }
                if present.isEmpty { return Reply(status: .noContent, body: []) }
                var out: [UInt8] = [UInt8(ascii: "[")]
                for (index, reply) in present.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: reply)
                }
                out.append(UInt8(ascii: "]"))
                return Reply(status: .ok, body: out)
            }
        }
    }

    /// Runs one call: its result JSON or its fault.
    func perform(_ call: JSONRPCCall, on loop: any EventLoop) -> EventLoopFuture<Result<[UInt8], JSONRPCFault>> {
        switch BitcoindMethods.route(call, latest: board.latest, tip: board.chainTip, network: board.network) {
        case .result(let bytes):
            return loop.makeSucceededFuture(.success(bytes))
        case .fault(let fault):
            return loop.makeSucceededFuture(.failure(fault))
        case .longPoll(let id):
            let timeout = TimeAmount.nanoseconds(configuration.longPollTimeout.nanoseconds)
            return board.waitForChange(from: id, on: loop, timeout: timeout).map { outcome in
                switch outcome {
                case .template(let snapshot): return .success(snapshot.gbtJSON)
                case .shuttingDown: return .failure(JSONRPCFault(RPCErrorCode.clientNotConnected, "Shutting down"))
                }
            }
        case .submit(let hex):
            return onBlockQueue(loop) { [self] in submit(hex) }
        case .propose(let hex):
            return onBlockQueue(loop) { [self] in
                switch board.submit(hex: hex, purpose: .proposal) {
                case .accepted: return .success(Array("null".utf8))
                case .sideBranch: return .success(jsonString("inconclusive"))
                case .rejected(let reason): return .success(jsonString(reason))
                case .decodeFailed(let message): return .failure(JSONRPCFault(RPCErrorCode.deserializationError, message))
                }
            }
        }
    }

    private func onBlockQueue(_ loop: any EventLoop, _ work: @escaping @Sendable () -> Result<[UInt8], JSONRPCFault>) -> EventLoopFuture<Result<[UInt8], JSONRPCFault>> {
        let promise = loop.makePromise(of: Result<[UInt8], JSONRPCFault>.self)
        blockQueue.async { promise.succeed(work()) }
        return promise.futureResult
    }

    /// Checks a block and, when accepted, records it before answering null.
    private func submit(_ hex: [UInt8]) -> Result<[UInt8], JSONRPCFault> {
        switch board.submit(hex: hex) {
        case .decodeFailed(let message):
            logger.notice("submitblock: block does not decode", metadata: ["detail": "\(message)"])
            return .failure(JSONRPCFault(RPCErrorCode.deserializationError, message))
        case .rejected(let reason):
            logger.notice("submitblock: block rejected", metadata: ["reason": "\(reason)"])
            return .success(jsonString(reason))
        case .sideBranch(let hash):
            logger.notice("submitblock: block valid but not on the best chain", metadata: ["hash": "\(hash)"])
            return .success(jsonString("inconclusive"))
        case .accepted(let hash, let height, let prev, let templateID):
            let record = BlockRecord(height: height, hash: hash, prevHash: prev, templateID: templateID, channelID: nil, worker: nil,
                                     foundMs: WallClock.milliseconds(), blockHex: hex)
            do {
                try blockSink(record)
            } catch {
                logger.error("submitblock: could not record the block", metadata: ["hash": "\(hash)", "error": "\(error)"])
                return .failure(JSONRPCFault(RPCErrorCode.internalError, "block not recorded: \(error)"))
            }
            logger.notice("submitblock: block accepted", metadata: ["hash": "\(hash)", "height": "\(height)", "template.id": "\(templateID ?? "none")"])
            return .success(Array("null".utf8))
        }
    }

    private func jsonString(_ text: String) -> [UInt8] {
        var w = JSONWriter(capacity: text.utf8.count + 2)
        w.string(text)
        return w.bytes
    }
}

/// One connection: reads a request (head, body up to the cap), checks credentials, answers,
/// and keeps the connection for the next request until the idle deadline.
final class BitcoindConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// Head read; `body` is nil when the body is being discarded (`refusal` says why).
        case receiving(head: HTTPRequestHead, body: ByteBuffer?, refusal: Refusal?, received: Int)
        case answering
        case closed
    }

    private enum Refusal { case unauthorized, methodNotAllowed }

    private let server: BitcoindEndpointServer
    private let connectionID: Int
    private var state = State.idle
    private var deadline: Scheduled<Void>?

    init(server: BitcoindEndpointServer, connectionID: Int) {
        self.server = server
        self.connectionID = connectionID
    }

    func handlerAdded(context: ChannelHandlerContext) { armDeadline(context, server.configuration.idleTimeout) }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        state = .closed
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        state = .closed
        context.fireChannelInactive()
    }

    /// Closes the connection at `after` unless re-armed (idle between requests, or a request
    /// that does not arrive whole in time). Not armed while answering: a longpoll has its own.
    private func armDeadline(_ context: ChannelHandlerContext, _ after: Duration) {
        deadline?.cancel()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(after.nanoseconds)) {
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let config = server.configuration
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            armDeadline(context, config.requestTimeout)
            server.setBusy(connectionID, true)
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > config.maxBodyBytes {
                respondTooLarge(context, head: head)
                return
            }
            let refusal: Refusal?
            if head.method != .POST {
                refusal = .methodNotAllowed
            } else if !server.isAuthorized(head.headers.first(name: "authorization")) {
                refusal = .unauthorized
            } else {
                refusal = nil
            }
            state = .receiving(head: head, body: refusal == nil ? context.channel.allocator.buffer(capacity: 0) : nil, refusal: refusal, received: 0)
        case (.body(var part), .receiving(let head, var body, let refusal, let received)):
            let total = received + part.readableBytes
            guard total <= config.maxBodyBytes else {
                respondTooLarge(context, head: head)
                return
            }
            state = .answering   // drop our reference while appending (no copy-on-write)
            body?.writeBuffer(&part)
            state = .receiving(head: head, body: body, refusal: refusal, received: total)
        case (.end, .receiving(let head, let body, let refusal, _)):
            deadline?.cancel()
            state = .answering
            switch refusal {
            case .methodNotAllowed:
                write(context, head: head, BitcoindEndpointServer.Reply(status: .methodNotAllowed, body: Array("JSONRPC server handles only POST requests".utf8), headers: [("Allow", "POST")]))
            case .unauthorized:
                server.logger.notice("rpc: wrong or missing credentials", metadata: ["peer": "\(context.channel.remoteAddress?.ipAddress ?? "?")"])
                context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(config.authFailureDelay.nanoseconds)) {
                    self.write(context, head: head, BitcoindEndpointServer.Reply(status: .unauthorized, body: [], headers: [("WWW-Authenticate", "Basic realm=\"jsonrpc\"")]))
                }
            case nil:
                server.noteAuthenticatedCall()
                var buffer = body ?? context.channel.allocator.buffer(capacity: 0)
                let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                server.answer(bytes, on: context.eventLoop).assumeIsolated().whenComplete { result in
                    switch result {
                    case .success(let reply): self.write(context, head: head, reply)
                    case .failure(let error):
                        self.write(context, head: head, BitcoindEndpointServer.Reply(
                            status: .internalServerError, body: JSONRPCResponse.error(JSONRPCFault(RPCErrorCode.internalError, "\(error)"), id: Array("null".utf8), version: .v1)))
                    }
                }
            }
        default:
            // After a refusal that closes the connection, or bytes in an unexpected order.
            break
        }
    }

    private func respondTooLarge(_ context: ChannelHandlerContext, head: HTTPRequestHead) {
        state = .answering
        let limit = server.configuration.maxBodyBytes
        let body = JSONRPCResponse.error(JSONRPCFault(RPCErrorCode.invalidRequest, "request body larger than \(limit) bytes"), id: Array("null".utf8), version: .v1)
        write(context, head: head, BitcoindEndpointServer.Reply(status: .payloadTooLarge, body: body, close: true))
    }

    private func write(_ context: ChannelHandlerContext, head: HTTPRequestHead, _ reply: BitcoindEndpointServer.Reply) {
        guard case .answering = state, context.channel.isActive else { return }
        let keepAlive = head.isKeepAlive && !reply.close
        var response = HTTPResponseHead(version: head.version, status: reply.status)
        if !reply.body.isEmpty || reply.status != .noContent {
            response.headers.add(name: "Content-Type", value: "application/json")
            response.headers.add(name: "Content-Length", value: String(reply.body.count))
        }
        for (name, value) in reply.headers { response.headers.add(name: name, value: value) }
        if !keepAlive { response.headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        if !reply.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: reply.body)))), promise: nil)
        }
        state = keepAlive ? .idle : .closed
        server.setBusy(connectionID, false)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
        if keepAlive { armDeadline(context, server.configuration.idleTimeout) } else { deadline?.cancel() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        server.logger.debug("rpc connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}

/// The open connections, for a graceful shutdown.
final class ChannelSet: @unchecked Sendable {
    private let lock = Lock()
    private var next = 0
    private var channels: [Int: any Channel] = [:]
    private var busy: Set<Int> = []

    func insert(_ channel: any Channel) -> Int {
        lock.withLock { next += 1; channels[next] = channel; return next }
    }
    var insertedCount: Int { lock.withLock { next } }
    func remove(_ id: Int) { lock.withLock { channels[id] = nil; busy.remove(id) } }
    func setBusy(_ id: Int, _ value: Bool) { lock.withLock { if value { busy.insert(id) } else { busy.remove(id) } } }
    var all: [any Channel] { lock.withLock { Array(channels.values) } }
    var busyCount: Int { lock.withLock { busy.count } }
}

/// An action run once, on the first event, whichever of the two comes first.
final class FirstCall: @unchecked Sendable {
    private let lock = Lock()
    private var fired = false
    private var action: (@Sendable () -> Void)?

    func set(_ new: @escaping @Sendable () -> Void) {
        let runNow: Bool = lock.withLock {
            if fired { return true }
            action = new
            return false
        }
        if runNow { new() }
    }

    func fire() {
        let pending: (@Sendable () -> Void)? = lock.withLock {
            guard !fired else { return nil }
            fired = true
            defer { action = nil }
            return action
        }
        pending?()
    }
}

/// A value behind a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = Lock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ new: Value) { lock.withLock { value = new } }
    func take() -> Value where Value: ExpressibleByNilLiteral { lock.withLock { let v = value; value = nil; return v } }
}
