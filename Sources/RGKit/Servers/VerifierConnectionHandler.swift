import Logging
import NIOCore
import NIOPosix

/// What every connection of one `rg-verify serve` shares.
public struct VerifierConnectionContext: Sendable {
    public var verifier: TemplateVerifier
    public var worker: VerdictWorker
    public var metrics: VerifierMetrics
    public var threadPool: NIOThreadPool
    /// Requests read but not yet answered, per connection; reading pauses at this many.
    public var maxPendingRequests: Int
    /// Lines up to this size are parsed on the event loop (a compact propose takes a few µs);
    /// longer ones (full templates, MBs) are parsed on the thread pool, one at a time per
    /// connection, so one big template never stalls the other connections on its loop.
    public var inlinePrepareBytes: Int
    public var logger: Logger

    public init(verifier: TemplateVerifier, worker: VerdictWorker, metrics: VerifierMetrics, threadPool: NIOThreadPool = .singleton,
                maxPendingRequests: Int = 1024, inlinePrepareBytes: Int = 64 << 10, logger: Logger) {
        self.verifier = verifier
        self.worker = worker
        self.metrics = metrics
        self.threadPool = threadPool
        self.maxPendingRequests = maxPendingRequests
        self.inlinePrepareBytes = inlinePrepareBytes
        self.logger = logger
    }
}

/// One verifier connection: reads NDJSON lines (from `NDJSONLineDecoder`), answers each in
/// the order it arrived — verdicts, heartbeat acks and error replies alike — and applies
/// backpressure: it stops reading while `maxPendingRequests` answers are outstanding or the
/// peer is not reading its replies (the channel is not writable).
///
/// Every line gets a sequence number. Its processing (parse, classify, prepare) finishes in
/// sequence order — inline for small lines, on the thread pool for big ones — and a template
/// goes to the verdict worker only when every earlier line of the connection has, so a tip
/// at height H is never judged after H+1 sent behind it on the same connection.
final class VerifierConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How a judged template is answered.
    enum ReplyShape: Sendable {
        case propose(id: UInt64, VerifierWire.Dialect)
        /// A full `template` record: answered with its verdict record (without the template,
        /// which the client already has).
        case record
    }

    /// The result of processing one line.
    enum Processed: Sendable {
        case heartbeat
        /// An error reply; `dialect` is what the line showed, when it parsed far enough to tell.
        case error(code: String, detail: String, id: UInt64?, dialect: VerifierWire.Dialect?)
        case judge(VerdictEmitter.Item, ReplyShape)
    }

    private enum Stage {
        case processing
        case processed(Processed)
    }

    private struct Reply {
        var bytes: [UInt8]?
        var filled: Bool
        var startedNs: UInt64
    }

    private let shared: VerifierConnectionContext
    private var context: ChannelHandlerContext?
    private var loopSelf: NIOLoopBound<VerifierConnectionHandler>?
    /// Replies in sequence order; `replyBase` is the sequence number of the first.
    private var replies = CircularBuffer<Reply>(initialCapacity: 16)
    private var replyBase = 0
    /// Lines not yet handed on, in sequence order; `stageBase` is the first one's number.
    private var stages = CircularBuffer<Stage>(initialCapacity: 16)
    private var stageBase = 0
    private var offloaded = 0
    private var dialect: VerifierWire.Dialect?
    private var readPending = false
    /// Reading has stopped for good (shutdown, or an over-long line); close once all is answered.
    private var closeWhenDrained = false
    /// Lines still buffered after an over-long one are not answered: the stream is out of step.
    private var refusingInput = false
    /// Output is closed; input is read and dropped until the peer closes.
    private var draining = false
    private var active = true

    init(_ shared: VerifierConnectionContext) {
        self.shared = shared
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        loopSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        loopSelf = nil
        active = false
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        context.fireChannelInactive()
    }

    // MARK: reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a graceful-shutdown request, lines already read from the socket are still
        // answered; nothing more is read.
        guard !refusingInput else { return }
        let line = unwrapInboundIn(data)
        let started = MonotonicClock.nanoseconds()
        guard line.readableBytesView.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }   // blank line: no reply
        let bytes = Array(line.readableBytesView)
        let sequence = replyBase + replies.count
        replies.append(Reply(bytes: nil, filled: false, startedNs: started))
        precondition(stageBase + stages.count == sequence)
        if bytes.count <= shared.inlinePrepareBytes {
            stages.append(.processed(Self.process(bytes, verifier: shared.verifier, started: started)))
            advance()
        } else {
            stages.append(.processing)
            offloaded += 1
            let verifier = shared.verifier
            let loopSelf = self.loopSelf!
            shared.threadPool.runIfActive(eventLoop: context.eventLoop) {
                Self.process(bytes, verifier: verifier, started: MonotonicClock.nanoseconds())
            }.whenComplete { result in
                let handler = loopSelf.value
                handler.offloaded -= 1
                switch result {
                case .success(let processed): handler.setStage(sequence, .processed(processed))
                case .failure:
                    handler.setStage(sequence, .processed(.error(code: "shutting_down", detail: "the verifier is shutting down", id: nil, dialect: nil)))
                }
                handler.advance()
                handler.readIfAllowed()
            }
        }
    }

    /// Parses, classifies and prepares one line: pure, so it can run on any thread.
    static func process(_ bytes: [UInt8], verifier: TemplateVerifier, started: UInt64) -> Processed {
        switch VerifierWire.classify(bytes) {
        case .heartbeat:
            return .heartbeat
        case .unknownMessage(let name):
            return .error(code: "unknown_msg_type", detail: "unknown msg_type \"\(name)\" (this server answers template_propose and heartbeat)",
                          id: nil, dialect: .envelope)
        case .unsupportedRecord(let type):
            return .error(code: "unsupported_record", detail: "a \"\(type)\" record cannot be judged; send a template record or a TemplatePropose",
                          id: nil, dialect: .bare)
        case .malformed(let code, let message, let id):
            return .error(code: code, detail: message, id: id, dialect: nil)
        case .judge(let document, let dialect):
            let prepared = verifier.prepare(document: document)
            switch prepared {
            case .template:
                let shape: ReplyShape = document.root["type"] == nil ? .propose(id: VerifierWire.proposeID(document) ?? 0, dialect) : .record
                return .judge(VerdictEmitter.Item(prepared, prepareNs: MonotonicClock.nanoseconds() - started), shape)
            case .invalid(let code, let message):
                return .error(code: code, detail: message, id: VerifierWire.proposeID(document), dialect: dialect)
            case .passThrough:
                return .error(code: "unsupported_record", detail: "not a template", id: nil, dialect: dialect)
            }
        }
    }

    private func setStage(_ sequence: Int, _ stage: Stage) {
        let index = sequence - stageBase
        guard index >= 0, index < stages.count else { return }
        stages[stages.index(stages.startIndex, offsetBy: index)] = stage
    }

    /// Hands on every processed line at the head, in order. The connection's dialect is the
    /// one its first parsed line showed; replies that are not verdicts follow it.
    private func advance() {
        while let first = stages.first, case .processed(let processed) = first {
            let sequence = stageBase
            stages.removeFirst()
            stageBase += 1
            switch processed {
            case .heartbeat:
                if dialect == nil { dialect = .envelope }
                shared.metrics.heartbeats.increment()
                fill(sequence, bytes: VerifierWire.heartbeatAck())
            case .error(let code, let detail, let id, let shown):
                if dialect == nil, let shown { dialect = shown }
                shared.metrics.requestError(code)
                fill(sequence, bytes: VerifierWire.error(code: code, detail: detail, id: id, dialect: dialect ?? .bare))
            case .judge(let item, let shape):
                if dialect == nil {
                    if case .propose(_, let shown) = shape { dialect = shown } else { dialect = .bare }
                }
                let loopSelf = self.loopSelf!
                shared.worker.submit(VerdictWorker.Job(item) { outcome in
                    loopSelf.eventLoop.execute {
                        loopSelf.value.complete(sequence, outcome, shape)
                    }
                })
            }
        }
    }

    private func complete(_ sequence: Int, _ outcome: VerdictWorker.Outcome, _ shape: ReplyShape) {
        guard active else { return }
        let bytes: [UInt8]
        switch outcome {
        case .result(.verdict(let record, let judgement)):
            switch shape {
            case .propose(let id, let d):
                bytes = VerifierWire.verdict(record, id: judgement.proposeID ?? id, policy: judgement.policy, dialect: d)
            case .record:
                bytes = record.encoded(checks: judgement.evaluation.checks, template: nil)
            }
        case .result(.invalid(let code, let message)):
            shared.metrics.requestError(code)
            bytes = VerifierWire.error(code: code, detail: message, id: nil, dialect: dialect ?? .bare)
        case .result(.passThrough):
            shared.metrics.requestError("unsupported_record")
            bytes = VerifierWire.error(code: "unsupported_record", detail: "not a template", id: nil, dialect: dialect ?? .bare)
        case .failed(let code, let message):
            shared.metrics.requestError(code)
            var id: UInt64?
            if case .propose(let proposeID, _) = shape { id = proposeID }
            bytes = VerifierWire.error(code: code, detail: message, id: id, dialect: dialect ?? .bare)
        }
        fill(sequence, bytes: bytes)
    }

    // MARK: writing

    private func fill(_ sequence: Int, bytes: [UInt8]?) {
        let index = sequence - replyBase
        guard index >= 0, index < replies.count else { return }
        let i = replies.index(replies.startIndex, offsetBy: index)
        replies[i].bytes = bytes
        replies[i].filled = true
        flush()
    }

    /// Writes every answered reply at the head of the queue, in order, with one flush.
    private func flush() {
        guard let context, active else { return }
        var wrote = false
        let now = MonotonicClock.nanoseconds()
        while let first = replies.first, first.filled {
            replies.removeFirst()
            replyBase += 1
            if let bytes = first.bytes {
                var buffer = context.channel.allocator.buffer(capacity: bytes.count + 1)
                buffer.writeBytes(bytes)
                buffer.writeInteger(UInt8(ascii: "\n"))
                context.write(wrapOutboundOut(buffer), promise: nil)
                wrote = true
            }
            shared.metrics.requestTimer.recordNanoseconds(Int64(now &- first.startedNs))
        }
        if wrote { context.flush() }
        if closeWhenDrained && replies.isEmpty && stages.isEmpty {
            closeGracefully(context: context)
            return
        }
        readIfAllowed()
    }

    /// Sends FIN after the last reply and reads (discarding) until the peer closes. Closing a
    /// socket with unread input makes the kernel send RST, and an RST can destroy replies the
    /// peer has not read yet — the very answers a graceful close exists to deliver.
    private func closeGracefully(context: ChannelHandlerContext) {
        guard !draining else { return }
        draining = true
        refusingInput = true
        let channel = context.channel
        context.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        context.eventLoop.scheduleTask(in: Self.lingerTimeout) { channel.close(promise: nil) }
        readIfAllowed()
    }

    /// How long a closing connection waits for its peer to close before closing outright.
    static let lingerTimeout: TimeAmount = .seconds(2)

    // MARK: backpressure

    private var mayRead: Bool {
        guard let context else { return false }
        if draining { return true }
        guard !closeWhenDrained else { return false }
        return replies.count < shared.maxPendingRequests && offloaded == 0 && context.channel.isWritable
    }

    private func readIfAllowed() {
        guard readPending, mayRead, let context else { return }
        readPending = false
        context.read()
    }

    func read(context: ChannelHandlerContext) {
        if mayRead {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        readIfAllowed()
        context.fireChannelWritabilityChanged()
    }

    // MARK: errors, idling, shutdown

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let tooLong = error as? NDJSONLineTooLong {
            guard !refusingInput else { return }
            // Answer everything before it, then say why, then close this connection only.
            refusingInput = true
            shared.metrics.closedConnection(.lineTooLong)
            replies.append(Reply(bytes: nil, filled: false, startedNs: MonotonicClock.nanoseconds()))
            stages.append(.processed(.error(code: "line_too_long", detail: "\(tooLong.description); closing the connection", id: nil, dialect: nil)))
            closeWhenDrained = true
            advance()
            flush()
            return
        }
        // Bytes a peer sends after its over-long line, while the connection closes, are dropped.
        if refusingInput, error is ByteToMessageDecoderError { return }
        shared.logger.debug("connection error", metadata: ["peer": "\(context.remoteAddress?.description ?? "?")", "error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all {
            // Idle means no byte moved either way; a connection still waiting on us is not idle.
            guard replies.isEmpty && stages.isEmpty else { return }
            shared.metrics.closedConnection(.idleTimeout)
            var buffer = context.channel.allocator.buffer(capacity: 128)
            buffer.writeBytes(VerifierWire.error(code: "idle_timeout", detail: "no traffic within the idle timeout; closing", id: nil, dialect: dialect ?? .bare))
            buffer.writeInteger(UInt8(ascii: "\n"))
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            closeGracefully(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: read nothing more, answer what is in hand, then close.
            closeWhenDrained = true
            flush()
            promise?.succeed()
            return
        }
        context.triggerUserOutboundEvent(event, promise: promise)
    }
}
