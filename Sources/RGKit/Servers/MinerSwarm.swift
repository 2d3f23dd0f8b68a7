import Histogram
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// `rg-miner swarm`: many SV2 miners on one or two event-loop threads, for load tests.
///
/// Each connection does the real protocol (TCP, Noise NX with the certificate check,
/// SetupConnection, one channel) and then submits real shares: headers built from its jobs
/// whose SHA-256d meets its target. The gateway is expected to hand out a trivial target
/// (`rg-gate --min-difficulty` far below 1), so a share costs a few hashes; the total rate is
/// paced by a token bucket per event loop, spread round-robin over its channels, with at most
/// `maxInFlight` unanswered shares per channel (so a slow gateway slows the swarm instead of
/// queueing without bound). Connects are paced too: at most `connectConcurrency` handshakes in
/// flight.
public final class MinerSwarm: @unchecked Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var authorityKey: XOnlyPublicKey
        public var connections: Int
        /// Shares per second over all channels; 0 only holds the connections.
        public var shareRate: Double
        public var durationMs: Int64
        public var threads: Int
        public var extended: Bool
        public var connectConcurrency: Int
        public var maxInFlight: Int
        public var handshakeTimeoutMs: Int64
        /// Called with every answered share (acceptance tests keep the acknowledged ones).
        public var onResult: (@Sendable (MinerSession.ShareResult, String) -> Void)?

        public init(host: String, port: Int, authorityKey: XOnlyPublicKey, connections: Int, shareRate: Double, durationMs: Int64,
                    threads: Int = 1, extended: Bool = false, connectConcurrency: Int = 256, maxInFlight: Int = 32,
                    handshakeTimeoutMs: Int64 = 30_000, onResult: (@Sendable (MinerSession.ShareResult, String) -> Void)? = nil) {
            self.host = host
            self.port = port
            self.authorityKey = authorityKey
            self.connections = connections
            self.shareRate = shareRate
            self.durationMs = durationMs
            self.threads = threads
            self.extended = extended
            self.connectConcurrency = connectConcurrency
            self.maxInFlight = maxInFlight
            self.handshakeTimeoutMs = handshakeTimeoutMs
            self.onResult = onResult
        }
    }

    let options: Options
    private let lock = Lock()
    // Guarded by `lock`:
    private var launched = 0
    private var inFlight = 0
    private var opened = 0
    private var failed = 0
    private var live = 0
    private var failureSamples: [String] = []
    private var firstConnectNs: UInt64 = 0
    private var lastOpenNs: UInt64 = 0
    private var loops: [SwarmLoop] = []

    public init(options: Options) { self.options = options }

    public func run(shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> SwarmReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, min(options.threads, 8)))
        let eventLoops = Array(group.makeIterator())
        let perLoopRate = options.shareRate / Double(eventLoops.count)
        let made = eventLoops.map { SwarmLoop(swarm: self, eventLoop: $0, shareRate: perLoopRate, loopCount: eventLoops.count) }
        lock.withLock {
            loops = made
            firstConnectNs = MinerConnectionHandler.monotonicNs()
        }
        launchMore()

        let started = MinerConnectionHandler.monotonicNs()
        var sharingStarted: UInt64?
        for loop in made { loop.start() }
        // Connections first (bounded by the duration too), then the sharing window.
        let deadline = started + UInt64(options.durationMs) * 1_000_000
        while MinerConnectionHandler.monotonicNs() < deadline && !shouldStop() {
            let (settled, liveNow) = lock.withLock { (opened + failed, live) }
            if sharingStarted == nil && settled >= options.connections {
                sharingStarted = MinerConnectionHandler.monotonicNs()
            }
            if settled >= options.connections && liveNow == 0 { break }    // the gateway went away
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        let sharingEnd = MinerConnectionHandler.monotonicNs()
        for loop in made { try? await loop.eventLoop.submit { loop.stopSharing() }.get() }
        // Answers for shares already sent: wait a little for them.
        let drainDeadline = MinerConnectionHandler.monotonicNs() + 2_000_000_000
        while MinerConnectionHandler.monotonicNs() < drainDeadline {
            var pending = 0
            for loop in made { pending += (try? await loop.eventLoop.submit { loop.pendingShares }.get()) ?? 0 }
            if pending == 0 { break }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        var parts: [SwarmLoop.Snapshot] = []
        for loop in made {
            if let part = try? await loop.eventLoop.submit({ loop.closeAll(); return loop.snapshot() }).get() { parts.append(part) }
        }
        try? await Task.sleep(nanoseconds: 50_000_000)
        try? await group.shutdownGracefully()

        var report = lock.withLock {
            SwarmReport(connections: options.connections, channelsOpened: opened, connectFailures: failed, failureSamples: failureSamples,
                        handshakeSeconds: Double(lastOpenNs &- firstConnectNs) / 1e9,
                        handshake: Histogram<UInt64>(highestTrackableValue: 600_000_000), submitted: 0, accepted: 0, rejected: 0,
                        rejectedByCode: [:], roundTrip: Histogram<UInt64>(highestTrackableValue: 600_000_000),
                        sharingSeconds: Double(sharingEnd &- (sharingStarted ?? sharingEnd)) / 1e9, tips: [], targetShareRate: options.shareRate)
        }
        var tips: [Bytes32: SwarmReport.Tip] = [:]
        var firstShareNs: UInt64?
        for part in parts {
            report.handshake.add(part.handshake)
            report.roundTrip.add(part.roundTrip)
            report.submitted += part.submitted
            report.accepted += part.accepted
            report.rejected += part.rejected
            for (code, n) in part.rejectedByCode { report.rejectedByCode[code, default: 0] += n }
            for (hash, tip) in part.tips {
                if var known = tips[hash] {
                    known.channels += tip.channels
                    known.firstUnixUs = min(known.firstUnixUs, tip.firstUnixUs)
                    known.lastUnixUs = max(known.lastUnixUs, tip.lastUnixUs)
                    tips[hash] = known
                } else {
                    tips[hash] = tip
                }
            }
            if let first = part.firstShareNs { firstShareNs = min(firstShareNs ?? first, first) }
        }
        // Shares may start before every connection is open (a long connect phase); count from the first.
        if let firstShareNs { report.sharingSeconds = Double(sharingEnd &- firstShareNs) / 1e9 }
        report.tips = tips.values.sorted { $0.firstUnixUs < $1.firstUnixUs }
        return report
    }

    /// Starts connects until `connectConcurrency` are in flight or all have been started.
    func launchMore() {
        while true {
            let next: (Int, SwarmLoop)? = lock.withLock {
                guard launched < options.connections, inFlight < options.connectConcurrency, !loops.isEmpty else { return nil }
                let index = launched
                launched += 1
                inFlight += 1
                return (index, loops[index % loops.count])
            }
            guard let (index, loop) = next else { return }
            loop.connect(index: index)
        }
    }

    func connectSettled(opened success: Bool, failure: String?) {
        lock.withLock {
            inFlight -= 1
            if success {
                opened += 1
                live += 1
                lastOpenNs = MinerConnectionHandler.monotonicNs()
            } else {
                failed += 1
                if let failure, failureSamples.count < 5, !failureSamples.contains(failure) { failureSamples.append(failure) }
            }
        }
        launchMore()
    }

    func connectionLost(wasOpen: Bool, reason: String?) {
        lock.withLock {
            if wasOpen { live -= 1 }
            if let reason, failureSamples.count < 5, !failureSamples.contains(reason) { failureSamples.append(reason) }
        }
    }
}

/// One event loop's share of the swarm. Everything here runs on `eventLoop`.
final class SwarmLoop: MinerConnectionDelegate, @unchecked Sendable {
    struct Snapshot: Sendable {
        var handshake: Histogram<UInt64>
        var roundTrip: Histogram<UInt64>
        var submitted: Int
        var accepted: Int
        var rejected: Int
        var rejectedByCode: [String: Int]
        var tips: [Bytes32: SwarmReport.Tip]
        var firstShareNs: UInt64?
    }

    private struct Connection {
        var handler: MinerConnectionHandler
        var startedNs: UInt64
        var open = false
        var work: MinerWork?
        var nextNonce: UInt32 = 0
        var tip: Bytes32?
    }

    unowned let swarm: MinerSwarm
    let eventLoop: EventLoop
    private let shareRate: Double
    /// Connection `tag` of this loop lives at slot `tag / loopCount` (tags are dealt round-robin
    /// over the loops): an array, not a dictionary, on the per-share path.
    private struct ConnectionTable {
        let loopCount: Int
        var slots: [Connection?] = []
        subscript(tag: Int) -> Connection? {
            get {
                let i = tag / loopCount
                return i < slots.count ? slots[i] : nil
            }
            set {
                let i = tag / loopCount
                if i >= slots.count { slots.append(contentsOf: repeatElement(nil, count: i - slots.count + 1)) }
                slots[i] = newValue
            }
        }
        mutating func removeValue(forKey tag: Int) -> Connection? {
            let c = self[tag]
            self[tag] = nil
            return c
        }
        var values: [Connection] { slots.compactMap { $0 } }
    }

    private var connections: ConnectionTable
    private var ready: [Int] = []
    private var cursor = 0
    private var tokens = 0.0
    private var lastTickNs: UInt64 = 0
    private var sharing = true
    private var ticker: RepeatedTask?
    private var handshake = Histogram<UInt64>(highestTrackableValue: 600_000_000)
    private var roundTrip = Histogram<UInt64>(highestTrackableValue: 600_000_000)
    private var submitted = 0
    private var accepted = 0
    private var rejected = 0
    private var rejectedByCode: [String: Int] = [:]
    private var tips: [Bytes32: SwarmReport.Tip] = [:]
    private var firstShareNs: UInt64?

    init(swarm: MinerSwarm, eventLoop: EventLoop, shareRate: Double, loopCount: Int) {
        self.connections = ConnectionTable(loopCount: max(1, loopCount))
        self.swarm = swarm
        self.eventLoop = eventLoop
        self.shareRate = shareRate
    }

    func start() {
        eventLoop.execute { [self] in
            lastTickNs = MinerConnectionHandler.monotonicNs()
            guard shareRate > 0 else { return }
            ticker = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(1), delay: .milliseconds(1)) { [self] _ in tick() }
        }
    }

    func connect(index: Int) {
        let options = swarm.options
        let configuration = MinerSession.Configuration(extended: options.extended, worker: "swarm.\(index)",
                                                       endpointHost: options.host, endpointPort: UInt16(clamping: options.port))
        let startedNs = MinerConnectionHandler.monotonicNs()
        MinerConnector.connect(host: options.host, port: options.port, on: eventLoop, authorityKey: options.authorityKey,
                               handshakeTimeout: .milliseconds(options.handshakeTimeoutMs),
                               makeHandler: { [self] loop in
                                   let handler = MinerConnectionHandler(configuration: configuration, eventLoop: loop, delegate: self, tag: index)
                                   connections[index] = Connection(handler: handler, startedNs: startedNs)
                                   return handler
                               })
            .whenFailure { [self] error in
                connections[index] = nil
                swarm.connectSettled(opened: false, failure: "connect: \(error)")
            }
    }

    func minerConnectionHandshakeCompleted(_ connection: MinerConnectionHandler) {
        guard let c = connections[connection.tag] else { return }
        _ = handshake.record((MinerConnectionHandler.monotonicNs() - c.startedNs) / 1_000)
    }

    func minerConnection(_ connection: MinerConnectionHandler, event: MinerSession.Event) {
        let tag = connection.tag
        switch event {
        case .channelOpened:
            connections[tag]?.open = true
            swarm.connectSettled(opened: true, failure: nil)
        case .workChanged:
            guard var c = connections[tag] else { return }
            let work = connection.session.work()
            if let prev = work?.prevHash, prev != c.tip {
                c.tip = prev
                let now = Self.unixUs()
                if var tip = tips[prev] {
                    tip.channels += 1
                    tip.lastUnixUs = max(tip.lastUnixUs, now)
                    tips[prev] = tip
                } else {
                    tips[prev] = SwarmReport.Tip(prevHash: BlockHash(wire: prev).displayHex, channels: 1, firstUnixUs: now, lastUnixUs: now)
                }
            }
            if c.work == nil && work != nil { ready.append(tag) }
            c.work = work
            connections[tag] = c
        case .results(let results):
            for result in results {
                _ = roundTrip.record(result.roundTripNs / 1_000)
                if result.accepted {
                    accepted += 1
                } else {
                    rejected += 1
                    rejectedByCode[result.errorCode ?? "unknown", default: 0] += 1
                }
                swarm.options.onResult?(result, connection.session.configuration.worker)
            }
        case .closed, .send:
            break
        }
    }

    func minerConnectionClosed(_ connection: MinerConnectionHandler, reason: String?) {
        guard let c = connections.removeValue(forKey: connection.tag) else { return }
        if c.open {
            swarm.connectionLost(wasOpen: true, reason: sharing ? reason : nil)
        } else {
            swarm.connectSettled(opened: false, failure: reason ?? "closed before the channel opened")
        }
    }

    static func unixUs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }

    /// Spends the tokens earned since the last tick on shares, round-robin over ready channels.
    private func tick() {
        guard sharing else { return }
        let now = MinerConnectionHandler.monotonicNs()
        tokens = min(tokens + shareRate * Double(now &- lastTickNs) / 1e9, max(1, shareRate * 0.05))
        lastTickNs = now
        guard !ready.isEmpty else { return }
        var touched: [Int: MinerConnectionHandler] = [:]
        var skipped = 0
        // A tick never hashes for more than about 20 ms (a target far from trivial would
        // otherwise starve the event loop's I/O).
        var budget = 64
        while tokens >= 1, skipped < ready.count, budget > 0 {
            if cursor >= ready.count { cursor = 0 }
            let tag = ready[cursor]
            cursor += 1
            guard var c = connections[tag], let work = c.work, c.handler.session.pendingCount < swarm.options.maxInFlight else {
                if connections[tag] == nil { ready.removeAll { $0 == tag }; cursor = 0 }
                skipped += 1
                continue
            }
            skipped = 0
            let start = c.nextNonce
            let end = start &+ 4_095 < start ? UInt32.max : start + 4_095
            guard case .found(let found, _) = NonceSearch.search(work, version: work.version, nonces: start...end) else {
                c.nextNonce = end &+ 1
                connections[tag] = c
                budget -= 1
                continue                               // a target this hard is not what the swarm is for; try again
            }
            c.nextNonce = found.nonce &+ 1
            connections[tag] = c
            if c.handler.submit(found, work: work, flush: false) {
                tokens -= 1
                submitted += 1
                if firstShareNs == nil { firstShareNs = now }
                touched[tag] = c.handler
            }
        }
        for handler in touched.values { handler.flush() }
    }

    func stopSharing() {
        sharing = false
        ticker?.cancel()
    }

    var pendingShares: Int { connections.values.reduce(0) { $0 + $1.handler.session.pendingCount } }

    func closeAll() {
        for c in connections.values { c.handler.close() }
    }

    func snapshot() -> Snapshot {
        Snapshot(handshake: handshake, roundTrip: roundTrip, submitted: submitted, accepted: accepted, rejected: rejected,
                 rejectedByCode: rejectedByCode, tips: tips, firstShareNs: firstShareNs)
    }
}
