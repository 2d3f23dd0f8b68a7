import Logging
import NIOCore

/// One miner connection after the Noise handshake: SV2 frames in, SV2 frames out.
///
/// States: handshaking → awaiting SetupConnection → ready (channels may be opened) → closed.
/// Bad input closes this connection only (every other miner keeps mining):
/// - a frame that does not decode (unknown type, wrong channel bit, short or long payload);
/// - a message that is wrong for the state (anything before SetupConnection, a second
///   SetupConnection, a message only a server sends);
/// - an oversized or undecryptable frame (the Noise codec fails closed before we see it).
/// Where SV2 defines an error for the case it is sent first (SetupConnection.Error for a bad
/// setup); the channels' `close` records are written as for any disconnect.
final class GatewayConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = SV2Frame
    typealias OutboundOut = SV2Frame

    enum State { case handshaking, awaitingSetup, ready, closed }
    /// Why the connection ended, for the channels' close records.
    enum CloseReason: String { case disconnected, badInput = "bad_input", noChannelInTime = "no_channel_in_time", shutdown = "gateway_shutdown" }

    let id: ConnectionID
    let peer: String?
    private unowned let server: GatewayServer
    private var state = State.handshaking
    private var context: ChannelHandlerContext?
    let eventLoop: any EventLoop
    private var openTimer: Scheduled<Void>?
    private var openedAChannel = false
    private var registered = false
    private var closeReason = CloseReason.disconnected
    private var needsFlush = false

    init(id: ConnectionID, server: GatewayServer, peer: String?, eventLoop: any EventLoop) {
        self.id = id
        self.server = server
        self.peer = peer
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        openTimer?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is NoiseHandshakeCompleted, state == .handshaking {
            state = .awaitingSetup
            registered = true
            server.register(self)
            let timeout = server.configuration.channelOpenTimeout
            openTimer = context.eventLoop.scheduleTask(in: timeout) { [self] in
                guard !openedAChannel, let context = self.context else { return }
                server.logger.info("closing a connection that opened no channel in time",
                                   metadata: ["connection.id": "\(id)", "peer": "\(peer ?? "?")", "timeout": "\(timeout)"])
                close(context: context, reason: .noChannelInTime)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .closed else { return }
        let frame = unwrapInboundIn(data)
        let message: SV2Message
        do {
            message = try SV2Message(frame: frame)
        } catch {
            // A share we cannot decode still names its channel and sequence number (the first
            // 8 bytes): answer it with SubmitShares.Error before closing, so the miner knows why.
            if state == .ready, frame.payload.count >= 8,
               frame.msgType == SV2MessageType.submitSharesStandard.rawValue || frame.msgType == SV2MessageType.submitSharesExtended.rawValue {
                let p = frame.payload
                let channel = UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24
                let sequence = UInt32(p[4]) | UInt32(p[5]) << 8 | UInt32(p[6]) << 16 | UInt32(p[7]) << 24
                write(context: context, .submitSharesError(SubmitSharesError(channelID: channel, sequenceNumber: sequence, errorCode: .invalidShare)))
                context.flush()
            }
            refuse(context: context, "undecodable frame (msg_type 0x\(String(frame.msgType, radix: 16))): \(error)")
            return
        }
        switch state {
        case .handshaking, .closed:
            return
        case .awaitingSetup:
            guard case .setupConnection(let setup) = message else {
                refuse(context: context, "\(message.messageType.name) before SetupConnection")
                return
            }
            self.setup(setup, context: context)
        case .ready:
            switch message {
            case .submitSharesStandard, .submitSharesExtended:
                share(message, context: context)
            case .openStandardMiningChannel, .openExtendedMiningChannel:
                openedAChannel = true
                openTimer?.cancel()
                server.handle(message, from: self)
            case .updateChannel, .closeChannel:
                server.handle(message, from: self)
            default:
                refuse(context: context, "\(message.messageType.name) is not a message a miner sends after setup")
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    private func setup(_ setup: SetupConnection, context: ChannelHandlerContext) {
        guard setup.protocol == .mining else {
            fail(context: context, SetupConnectionError(flags: 0, errorCode: .unsupportedProtocol),
                 "SetupConnection for protocol \(setup.protocol); this gateway speaks mining only")
            return
        }
        guard setup.minVersion <= 2, setup.maxVersion >= 2 else {
            fail(context: context, SetupConnectionError(flags: 0, errorCode: .protocolVersionMismatch),
                 "SetupConnection for versions \(setup.minVersion)…\(setup.maxVersion); this gateway speaks version 2")
            return
        }
        // Work selection (custom jobs) is the job-declaration protocol's business, not ours.
        let unsupported = setup.flags & SetupConnection.MiningFlags.requiresWorkSelection.rawValue
        guard unsupported == 0 else {
            fail(context: context, SetupConnectionError(flags: unsupported, errorCode: .unsupportedFeatureFlags),
                 "SetupConnection requires work selection, which this gateway does not offer")
            return
        }
        state = .ready
        write(context: context, .setupConnectionSuccess(SetupConnectionSuccess(usedVersion: 2, flags: 0)))
        context.flush()
    }

    private func share(_ message: SV2Message, context: ChannelHandlerContext) {
        let result = server.submit(message, from: self)
        if result.accepted && server.sink.defersAcks {
            // Success only once the share's row is committed.
            let loop = context.eventLoop
            let response = result.response
            server.sink.submit(.share(result.share)) { [self] in
                loop.execute { self.send([response]) }
            }
        } else {
            write(context: context, result.response)
            needsFlush = true
            server.sink.submit(.share(result.share))
        }
    }

    /// Writes and flushes messages (runs on this connection's event loop).
    func send(_ messages: [SV2Message]) {
        guard let context, state != .closed else { return }
        for m in messages { write(context: context, m) }
        context.flush()
    }

    private func write(context: ChannelHandlerContext, _ message: SV2Message) {
        context.write(wrapOutboundOut(message.frame), promise: nil)
    }

    /// Bad input: log it, close this connection.
    private func refuse(context: ChannelHandlerContext, _ why: String) {
        server.logger.notice("closing connection: \(why)", metadata: ["connection.id": "\(id)", "peer": "\(peer ?? "?")"])
        close(context: context, reason: .badInput)
    }

    private func fail(context: ChannelHandlerContext, _ error: SetupConnectionError, _ why: String) {
        write(context: context, .setupConnectionError(error))
        context.flush()
        refuse(context: context, why)
    }

    private func close(context: ChannelHandlerContext, reason: CloseReason) {
        guard state != .closed else { return }
        closeReason = reason
        state = .closed
        context.close(promise: nil)
    }

    /// Drain: CloseChannel for every channel, then close once written.
    func closeGracefully(channelIDs: [UInt32], reason: String) -> EventLoopFuture<Void> {
        eventLoop.flatSubmit { [self] in
            guard let context, state != .closed else { return eventLoop.makeSucceededVoidFuture() }
            let code = (try? Str0_255(reason)) ?? .empty
            for id in channelIDs { write(context: context, .closeChannel(CloseChannel(channelID: id, reasonCode: code))) }
            state = .closed
            closeReason = .shutdown
            let promise = eventLoop.makePromise(of: Void.self)
            context.flush()
            context.close(promise: promise)
            return promise.futureResult
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        openTimer?.cancel()
        if registered { server.connectionClosed(self, reason: closeReason) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Noise failures (bad MAC, oversized frame, handshake timeout) and socket errors.
        server.logger.notice("closing connection: \(error)", metadata: ["connection.id": "\(id)", "peer": "\(peer ?? "?")"])
        if state != .closed {
            closeReason = error is NoiseError ? .badInput : .disconnected
            state = .closed
            context.close(promise: nil)
        }
    }
}
