import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Where and how to deliver over SMTP. The password comes from `RG_SMTP_PASSWORD` (or
/// `RG_SMTP_PASSWORD_FILE`), never from a flag.
public struct SMTPConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var security: SMTPSecurity
    public var user: String?
    public var password: String?
    /// A PEM file of CA certificates to trust instead of the system's (a private relay, tests).
    public var caFile: String?
    /// The name sent in EHLO.
    public var heloName: String
    /// Whole-conversation deadline for one message.
    public var timeout: TimeAmount

    public init(host: String, port: Int = 587, security: SMTPSecurity = .starttls, user: String? = nil, password: String? = nil,
                caFile: String? = nil, heloName: String = "localhost", timeout: TimeAmount = .seconds(30)) {
        self.host = host
        self.port = port
        self.security = security
        self.user = user
        self.password = password
        self.caFile = caFile
        self.heloName = heloName
        self.timeout = timeout
    }
}

public struct MailDeliveryError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Sends one message over SMTP with NIO: a line decoder, the `SMTPSession` state machine in a
/// handler, and a NIOSSL client handler inserted in front when STARTTLS is accepted.
public enum SMTPClient {
    public static func send(_ message: String, from: String, to recipient: String, configuration c: SMTPConfiguration) async throws -> String {
        let tlsContext: NIOSSLContext?
        if c.security == .plain {
            tlsContext = nil
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile = c.caFile { tls.trustRoots = .file(caFile) }
            tls.minimumTLSVersion = .tlsv12
            tlsContext = try NIOSSLContext(configuration: tls)
        }
        let credentials: (user: String, password: String)? = c.user.map { ($0, c.password ?? "") }
        let session = SMTPSession(security: c.security, heloName: c.heloName, credentials: credentials,
                                  envelopeFrom: from, recipient: recipient, message: message)
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: String.self)
        let host = c.host
        let security = c.security
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SMTPChannelHandler(session: session, tlsContext: tlsContext, serverHostname: host, promise: promise)
                    if security == .tls, let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: Self.sniName(host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: c.host, port: c.port).get()
        } catch {
            promise.fail(error)
            throw MailDeliveryError("cannot connect to \(c.host):\(c.port): \(error)")
        }
        let deadline = channel.eventLoop.scheduleTask(in: c.timeout) {
            promise.fail(MailDeliveryError("SMTP conversation with \(host) timed out"))
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            let result = try await promise.futureResult.get()
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// SNI is only sent for names, not IP literals.
    static func sniName(_ host: String) -> String? {
        host.contains(":") || host.split(separator: ".").allSatisfy({ Int($0) != nil }) ? nil : host
    }
}

/// Lines ending in CRLF (or LF), at most 4096 bytes each.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    static let maxLine = 4096

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLine { throw MailDeliveryError("SMTP reply line longer than \(Self.maxLine) bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

final class SMTPChannelHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = String
    typealias OutboundOut = ByteBuffer

    private var session: SMTPSession
    private var parser = SMTPReplyParser()
    private let tlsContext: NIOSSLContext?
    private let serverHostname: String
    private let promise: EventLoopPromise<String>
    private var finished = false

    init(session: SMTPSession, tlsContext: NIOSSLContext?, serverHostname: String, promise: EventLoopPromise<String>) {
        self.session = session
        self.tlsContext = tlsContext
        self.serverHostname = serverHostname
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        do {
            guard let reply = try parser.feed(line) else { return }
            perform(session.received(reply), context: context)
        } catch {
            finish(.failure(MailDeliveryError("bad SMTP reply: \(error)")), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            perform(session.tlsEstablished(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(MailDeliveryError("the SMTP server closed the connection")), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(MailDeliveryError("SMTP connection error: \(error)")), context: context)
        context.close(promise: nil)
    }

    private func perform(_ action: SMTPSession.Action, context: ChannelHandlerContext) {
        switch action {
        case .send(let line):
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: line + "\r\n")), promise: nil)
            // Accepted is delivered, whatever happens to QUIT.
            if let accepted = session.deliveredReply { finish(.success(accepted), context: context) }
        case .sendData(let block):
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: block)), promise: nil)
        case .startTLS:
            guard let tlsContext else {
                finish(.failure(MailDeliveryError("STARTTLS without a TLS context")), context: context)
                return
            }
            do {
                let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: SMTPClient.sniName(serverHostname))
                try context.pipeline.syncOperations.addHandler(handler, position: .first)
            } catch {
                finish(.failure(MailDeliveryError("cannot start TLS: \(error)")), context: context)
            }
        case .delivered(let text):
            finish(.success(text), context: context)
        case .failed(let why):
            finish(.failure(MailDeliveryError(why)), context: context)
            context.close(promise: nil)
        case .wait:
            break
        }
    }

    private func finish(_ result: Result<String, any Error>, context: ChannelHandlerContext) {
        guard !finished else { return }
        finished = true
        promise.completeWith(result)
    }
}
