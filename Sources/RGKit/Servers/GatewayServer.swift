import Logging
import NIOCore
import NIOPosix

/// The SV2 gateway server (`rg-gate serve`): miners connect over TCP, complete the Noise NX
/// handshake, SetupConnection, open channels and submit shares; `GatewayCore` decides
/// everything, this class moves bytes.
///
/// Pipeline per connection:
///
///     ConnectionCapHandler → NoiseHandshakeHandler → (NoiseFrameCodec, added on completion)
///       → GatewayConnectionHandler
///
/// Concurrency: the core is one value guarded by `lock`. A share is judged on its
/// connection's event loop under the lock (no executor hop; the lock is held for one
/// validation, about a microsecond), and its answer is written from that loop. Messages for
/// other connections (a new tip's jobs, a retarget) are handed to each connection's event loop
/// in one `execute` per loop while the lock is held, so their order is the core's order.
///
/// Records go to a `GatewayRecordSink` (stdout NDJSON, and the store with `--db`); with a store,
/// an accepted share's Success is sent only once its row is committed.
public final class GatewayServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var listen: ListenAddress
        public var maxConnections: Int = 20_000
        /// 0: no per-address cap.
        public var maxConnectionsPerIP: Int = 0
        public var handshakeTimeout: TimeAmount = .seconds(10)
        /// After the handshake, a connection must open a channel within this time.
        public var channelOpenTimeout: TimeAmount = .seconds(30)
        public var certificateValiditySeconds: UInt32 = 86_400
        /// How often the core's clock ticks (stale-hold expiry, vardiff for silent miners).
        public var tickInterval: TimeAmount = .milliseconds(100)

        public init(listen: ListenAddress) { self.listen = listen }
    }

    /// Counters for `/metrics` (guarded by the core lock).
    struct Stats {
        var sharesAccepted: UInt64 = 0
        var sharesRejected = [UInt64](repeating: 0, count: ShareReason.allCases.count)
        var blocksFound: UInt64 = 0
        var templates: UInt64 = 0
        var templatesRefused: UInt64 = 0
        var jobs: UInt64 = 0
        var policyOverrides: UInt64 = 0
        var connectionsClosedForBadInput: UInt64 = 0
        var handshakesCompleted: UInt64 = 0
        var lastJobLatencyMs: Int64?
    }

    public let configuration: Configuration
    let logger: Logger
    let sink: GatewayRecordSink
    let limiter: ConnectionLimiter
    private let group: MultiThreadedEventLoopGroup
    let lock = Lock()
    private var core: GatewayCore
    private var connections: [ConnectionID: GatewayConnectionHandler] = [:]
    private var responder: NoiseResponder.Configuration
    private var nextConnectionID: ConnectionID = 1
    private var serverChannel: (any Channel)?
    private var tickTask: RepeatedTask?
    private var draining = false
    var stats = Stats()
    let clock: @Sendable () -> Int64

    /// - Parameter responder: the static key and authority key every handshake uses.
    public init(configuration: Configuration, core: GatewayCore, responder: NoiseResponder.Configuration, sink: GatewayRecordSink,
                logger: Logger, threads: Int? = nil, clock: @escaping @Sendable () -> Int64 = { WallClock.milliseconds() }) {
        self.configuration = configuration
        self.core = core
        self.responder = responder
        self.sink = sink
        self.logger = logger
        self.clock = clock
        limiter = ConnectionLimiter(maxConnections: configuration.maxConnections, maxPerIP: configuration.maxConnectionsPerIP)
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads ?? System.coreCount))
    }

    // MARK: lifecycle

    /// Binds and starts serving; returns the bound port.
    public func start() async throws -> Int {
        let server = self
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4_096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Small per-connection read buffers: 10,000 miners must fit in ~200 MiB. A share
            // frame is 70 bytes on the wire; NIO grows the buffer if a peer sends more.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65_536))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try server.initialize(channel)
                }
            }
        let channel = try await bootstrap.bind(host: configuration.listen.host, port: configuration.listen.port).get()
        lock.withLock { serverChannel = channel }
        let tick = configuration.tickInterval
        tickTask = group.next().scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in server.tick() }
        return channel.localAddress?.port ?? configuration.listen.port
    }

    private func initialize(_ channel: any Channel) throws {
        let (id, responder, refused) = lock.withLock { () -> (ConnectionID, NoiseResponder.Configuration, Bool) in
            let id = nextConnectionID
            nextConnectionID += 1
            return (id, self.responder, draining)
        }
        if refused {
            channel.close(promise: nil)
            return
        }
        let peer = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" }
        let handler = GatewayConnectionHandler(id: id, server: self, peer: peer, eventLoop: channel.eventLoop)
        try channel.pipeline.syncOperations.addHandlers([
            ConnectionCapHandler(limiter: limiter),
            NoiseHandshakeHandler(responder: responder, handshakeTimeout: configuration.handshakeTimeout,
                                  maxPayloadLength: SV2MessageType.largestPayloadLength(sentBy: .client)),
            handler,
        ])
    }

    /// True once the listener is bound and until shutdown.
    public var isListening: Bool { lock.withLock { serverChannel != nil && !draining } }
    /// True when miners would get work right now.
    public var hasJob: Bool { lock.withLock { core.currentTemplate != nil } }
    public var connectionCount: Int { lock.withLock { connections.count } }

    /// SIGHUP: new handshakes use this authority key (and the same static key).
    public func replaceAuthority(_ authority: AuthorityKeyPair) {
        lock.withLock {
            responder = NoiseResponder.Configuration(staticKey: responder.staticKey, authority: authority,
                                                     certificateValiditySeconds: responder.certificateValiditySeconds)
        }
    }

    /// SIGTERM: stop accepting, tell every miner its channels are closing, close every connection
    /// after its last bytes are written, then stop the event loops.
    public func drain(reason: String = "gateway-shutting-down") async {
        let (listener, handlers) = lock.withLock { () -> ((any Channel)?, [GatewayConnectionHandler]) in
            draining = true
            return (serverChannel, Array(connections.values))
        }
        tickTask?.cancel()
        try? await listener?.close()
        var futures: [EventLoopFuture<Void>] = []
        for handler in handlers {
            let ids = lock.withLock { core.channelIDs(connection: handler.id) }
            futures.append(handler.closeGracefully(channelIDs: ids, reason: reason))
        }
        for f in futures { try? await f.get() }
        try? await group.shutdownGracefully()
    }

    // MARK: events

    private func tick() {
        let now = clock()
        lock.withLock {
            let actions = core.tick(nowMs: now, handoff: handoff)
            if !actions.isEmpty { dispatch(actions) }
        }
    }

    /// A template record arrived without a verdict (inline holds it, observe sends it).
    public func templateArrived(_ t: JobTemplate) {
        let now = clock()
        lock.withLock {
            stats.templates += 1
            dispatch(core.templateArrived(t, nowMs: now, handoff: handoff))
        }
    }

    /// A verdict record with its template: the usual input.
    public func judgedTemplateArrived(_ t: JobTemplate, accepted: Bool, reasonCode: String?, blocksCannotBeValid: Bool = false) {
        let now = clock()
        lock.withLock {
            stats.templates += 1
            dispatch(core.judgedTemplateArrived(t, accepted: accepted, reasonCode: reasonCode, blocksCannotBeValid: blocksCannotBeValid,
                                                nowMs: now, handoff: handoff))
        }
    }

    /// A verdict for a template that came earlier on its own.
    public func verdictArrived(templateID: String, accepted: Bool, reasonCode: String?, blocksCannotBeValid: Bool = false) {
        let now = clock()
        lock.withLock {
            dispatch(core.verdictArrived(templateID: templateID, accepted: accepted, reasonCode: reasonCode,
                                         blocksCannotBeValid: blocksCannotBeValid, nowMs: now, handoff: handoff))
        }
    }

    /// Makes work from a template with this gateway's payout and coinbase (outside the lock:
    /// it hashes every transaction id into the merkle branch).
    public func prepare(_ template: BlockTemplate, templateID: String, receivedMs: Int64?) throws(Coinbase.Error) -> JobTemplate {
        try core.prepare(template, templateID: templateID, receivedMs: receivedMs)
    }

    public func templateRefused() { lock.withLock { stats.templatesRefused += 1 } }

    func register(_ handler: GatewayConnectionHandler) {
        lock.withLock {
            connections[handler.id] = handler
            stats.handshakesCompleted += 1
        }
    }

    func connectionClosed(_ handler: GatewayConnectionHandler, reason: GatewayConnectionHandler.CloseReason) {
        let now = clock()
        lock.withLock {
            guard connections.removeValue(forKey: handler.id) != nil else { return }
            if reason == .badInput { stats.connectionsClosedForBadInput += 1 }
            dispatch(core.connectionClosed(handler.id, nowMs: now, reason: reason.rawValue))
        }
    }

    /// A decoded miner message other than a share.
    func handle(_ message: SV2Message, from handler: GatewayConnectionHandler) {
        let now = clock()
        lock.withLock {
            dispatch(core.handle(message, connection: handler.id, peer: handler.peer, nowMs: now))
        }
    }

    /// The share path. Returns what the connection must answer and the record to keep.
    func submit(_ message: SV2Message, from handler: GatewayConnectionHandler) -> (response: SV2Message, share: ShareRecord, block: BlockRecord?, accepted: Bool) {
        let now = clock()
        let (outcome, worker) = lock.withLock { () -> (ShareOutcome, String?) in
            let outcome: ShareOutcome
            let worker: String?
            switch message {
            case .submitSharesStandard(let s):
                worker = core.worker(channelID: s.channelID)
                outcome = core.submitStandard(s, connection: handler.id, nowMs: now)
            case .submitSharesExtended(let s):
                worker = core.worker(channelID: s.channelID)
                outcome = core.submitExtended(s, connection: handler.id, nowMs: now)
            default:
                preconditionFailure("only shares take the share path")
            }
            if let reason = outcome.reason { stats.sharesRejected[reason.index] += 1 } else { stats.sharesAccepted += 1 }
            if let block = outcome.block {
                stats.blocksFound += 1
                sink.submit(.block(block))          // ahead of the share record and the Success
                logger.notice("block found", metadata: ["block.hash": "\(block.hash)", "block.height": "\(block.height ?? -1)",
                                                        "channel.id": "\(outcome.channelID)"])
            }
            if !outcome.actions.isEmpty { dispatch(outcome.actions) }
            return (outcome, worker)
        }
        // Outside the lock: the record (its hash spelled in hex) concerns this share only, and
        // the other event loop's shares wait for the lock.
        let record: ShareRecord
        switch message {
        case .submitSharesStandard(let s):
            record = outcome.record(worker: worker, nonce: s.nonce, ntime: s.ntime, version: s.version, extranonce: nil)
        case .submitSharesExtended(let s):
            record = outcome.record(worker: worker, nonce: s.nonce, ntime: s.ntime, version: s.version, extranonce: s.extranonce.bytes)
        default:
            preconditionFailure("only shares take the share path")
        }
        return (outcome.response, record, outcome.block, outcome.accepted)
    }

    /// Hands each run of a new tip's jobs to the event loops as the core makes it (called with
    /// the lock held, from inside the core's call).
    private var handoff: GatewayActionHandoff { { [unowned self] run in dispatch(run) } }

    /// Performs the core's actions. Called with the lock held, so the order of messages to a
    /// connection is the order the core produced them in: one `execute` per loop per call, and
    /// a loop runs them in order.
    private func dispatch(_ actions: [GatewayAction]) {
        // Batches per event loop, mutated in place: copying a loop's batch out of a dictionary
        // to append to it made a new tip's fan-out quadratic in the number of channels.
        var batches: [(loop: any EventLoop, sends: [(GatewayConnectionHandler, [SV2Message])])] = []
        var batchOfLoop: [ObjectIdentifier: Int] = [:]
        var pending: [ConnectionID: (batch: Int, index: Int)] = [:]
        var records: [GatewayRecord] = []
        var fannedOut: JobRecord?
        // The core emits a connection's messages back to back (a job, then its SetNewPrevHash):
        // the run of one connection needs one lookup, not one per message.
        var previous: (connection: ConnectionID, batch: Int, index: Int)?
        for action in actions {
            switch action {
            case .send(let connection, let message):
                if let p = previous, p.connection == connection {
                    batches[p.batch].sends[p.index].1.append(message)
                    continue
                }
                guard let handler = connections[connection] else { continue }
                if let slot = pending[connection] {
                    batches[slot.batch].sends[slot.index].1.append(message)
                    previous = (connection, slot.batch, slot.index)
                } else {
                    let key = ObjectIdentifier(handler.eventLoop)
                    let batch: Int
                    if let existing = batchOfLoop[key] {
                        batch = existing
                    } else {
                        batch = batches.count
                        batches.append((handler.eventLoop, []))
                        batchOfLoop[key] = batch
                    }
                    pending[connection] = (batch, batches[batch].sends.count)
                    previous = (connection, batch, batches[batch].sends.count)
                    var messages: [SV2Message] = []
                    messages.reserveCapacity(2)       // a new tip's pair without regrowing
                    messages.append(message)
                    batches[batch].sends.append((handler, messages))
                }
            case .record(let record):
                switch record {
                case .block:
                    sink.submit(record)            // at once: ahead of anything queued after it
                    continue
                case .job(let j):
                    stats.jobs += 1
                    if j.channels > 0 { fannedOut = j }
                case .policyOverride(let o):
                    stats.policyOverrides += 1
                    logger.warning("stale-hold expired: released a template the policy did not accept",
                                   metadata: ["template.id": "\(o.templateID)", "reason_code": "\(o.reasonCode)", "held_ms": "\(o.heldMs)"])
                default:
                    break
                }
                records.append(record)
            case .notice(let notice):
                logger.debug("template \(notice.kind.rawValue)", metadata: ["template.id": "\(notice.templateID)",
                                                                             "reason": "\(notice.reason ?? "-")"])
            }
        }
        for (loop, sends) in batches {
            loop.execute {
                for (handler, messages) in sends { handler.send(messages) }
            }
        }
        if let fannedOut {
            // Earlier runs of this job went out in earlier calls, possibly to loops this last
            // run does not touch: every loop reports, after whatever it was handed before.
            let loops = Array(group.makeIterator())
            let completion = FanoutCompletion(job: fannedOut, queuedMs: clock(), loops: loops.count, server: self)
            for loop in loops { loop.execute { completion.loopFinished() } }
        }
        sink.submit(contentsOf: records)
    }

    /// The last event loop has written a job to each of its channels.
    /// `queuedMs`: when the core had made every job and the sends were handed to the loops.
    fileprivate func fanoutCompleted(_ job: JobRecord, queuedMs: Int64) {
        let now = clock()
        let arrival = job.templateReceivedMs ?? job.issuedMs
        lock.withLock { stats.lastJobLatencyMs = now - arrival }
        logger.info("job sent to every channel", metadata: [
            "job.id": "\(job.jobID)", "template.id": "\(job.templateID)", "channels": "\(job.channels)",
            "new_tip": "\(job.future)", "queued_ms": "\(queuedMs - arrival)", "sent_ms": "\(now - arrival)",
        ])
    }

    // MARK: status

    public func channelStatus() -> [GatewayChannelStatus] {
        let now = clock()
        return lock.withLock { core.status(nowMs: now) }
    }

    /// Channel snapshot records (written periodically by the shell).
    public func snapshot() -> [ChannelRecord] {
        let now = clock()
        return lock.withLock { core.snapshot(nowMs: now) }
    }

    /// The gateway's own Prometheus lines (`rg_gate_*`).
    public func metricsText() -> String {
        let now = clock()
        let (s, channels, connections, total, hasJob) = lock.withLock {
            (stats, core.channelCount, self.connections.count, core.totalHashrate(nowMs: now), core.currentTemplate != nil)
        }
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ lines: [(String, String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in lines { out += "\(name)\(labels) \(value)\n" }
        }
        var shareLines = [("{result=\"accepted\",reason_code=\"ok\"}", "\(s.sharesAccepted)")]
        for reason in ShareReason.allCases {
            shareLines.append(("{result=\"rejected\",reason_code=\"\(reason.rawValue)\"}", "\(s.sharesRejected[reason.index])"))
        }
        metric("rg_gate_shares_total", "counter", "Shares judged, by outcome.", shareLines)
        metric("rg_gate_blocks_found_total", "counter", "Shares that met the network target.", [("", "\(s.blocksFound)")])
        metric("rg_gate_templates_total", "counter", "Templates received on stdin.", [("", "\(s.templates)")])
        metric("rg_gate_templates_refused_total", "counter", "Templates that could not become work.", [("", "\(s.templatesRefused)")])
        metric("rg_gate_jobs_total", "counter", "Job batches issued.", [("", "\(s.jobs)")])
        metric("rg_gate_policy_overrides_total", "counter", "Stale-hold releases of unaccepted templates.", [("", "\(s.policyOverrides)")])
        metric("rg_gate_handshakes_total", "counter", "Completed Noise handshakes.", [("", "\(s.handshakesCompleted)")])
        metric("rg_gate_bad_input_closes_total", "counter", "Connections closed for bad input.", [("", "\(s.connectionsClosedForBadInput)")])
        metric("rg_gate_connections", "gauge", "Open miner connections (after the handshake).", [("", "\(connections)")])
        metric("rg_gate_channels", "gauge", "Open mining channels.", [("", "\(channels)")])
        metric("rg_gate_has_job", "gauge", "1 when miners have work.", [("", hasJob ? "1" : "0")])
        metric("rg_gate_hashrate_hashes_per_second", "gauge", "Pool hashrate: declared, and measured over each window.", [
            ("{source=\"declared\"}", "\(total.declared)"), ("{source=\"measured\",window=\"1m\"}", "\(total.oneMinute)"),
            ("{source=\"measured\",window=\"5m\"}", "\(total.fiveMinutes)"), ("{source=\"measured\",window=\"1h\"}", "\(total.oneHour)"),
        ])
        if let latency = s.lastJobLatencyMs {
            metric("rg_gate_last_job_latency_milliseconds", "gauge",
                   "Latest job: its template's arrival on stdin to the job written to the last channel.", [("", "\(latency)")])
        }
        return out
    }
}

/// Counts down the event loops a job's sends were handed to; the last to finish reports the
/// fan-out as complete (arrival to last write is what a new tip costs the pool).
private final class FanoutCompletion: @unchecked Sendable {
    private let job: JobRecord
    private let queuedMs: Int64
    private let server: GatewayServer
    private let lock = Lock()
    private var remaining: Int

    init(job: JobRecord, queuedMs: Int64, loops: Int, server: GatewayServer) {
        self.job = job
        self.queuedMs = queuedMs
        self.server = server
        remaining = loops
    }

    func loopFinished() {
        let last = lock.withLock { () -> Bool in
            remaining -= 1
            return remaining == 0
        }
        if last { server.fanoutCompleted(job, queuedMs: queuedMs) }
    }
}
