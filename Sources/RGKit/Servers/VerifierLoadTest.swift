import Histogram
import Logging
import NIOCore
import NIOPosix

/// Drives `rg-verify serve` the way the reference load tester does — one persistent
/// connection per worker, paced sends, ids `worker << 32 | n` — and measures it honestly:
/// a send is timestamped immediately before its line is written (on the connection's event
/// loop, which then writes it), a latency is taken the moment its verdict line has been read
/// (before it is parsed), and latencies go into an HDR histogram, so p99.9 and max are real
/// measured values, not a sample. Sends follow a fixed schedule whatever the replies do, so
/// a slow server cannot slow the offered load down (no coordinated omission); how late the
/// generator itself sent is reported as `send_lag_us`.
///
/// Connections live on a small NIO event loop group (default: one thread), not a thread each.
public enum VerifierLoadTest {
    public struct Options: Sendable {
        public var target: ListenAddress
        public var connections: Int
        /// Templates per second over all connections.
        public var rate: Double
        public var durationMs: Int64
        public var scenario: LoadScenario
        public var envelope: Bool
        public var seed: UInt64
        public var height: Int64 = 900_000
        public var rejectRatio: Double = 0.3
        public var staleOffsetMs: Int64 = 60_000
        /// How long to wait for outstanding verdicts after the last send.
        public var drainTimeoutMs: Int64 = 5_000
        /// All workers send at the same instants (bursts of `connections` lines) instead of
        /// spreading their phases evenly over the interval.
        public var aligned = false
        public var threads = 1
        public var connectTimeoutMs: Int64 = 5_000

        public init(target: ListenAddress, connections: Int, rate: Double, durationMs: Int64, scenario: LoadScenario, envelope: Bool, seed: UInt64) {
            self.target = target
            self.connections = connections
            self.rate = rate
            self.durationMs = durationMs
            self.scenario = scenario
            self.envelope = envelope
            self.seed = seed
        }
    }

    public static func run(_ options: Options, logger: Logger) async throws(ToolError) -> LoadReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        let result: Result<LoadReport, ToolError>
        do { result = .success(try await drive(options, group: group, logger: logger)) } catch { result = .failure(error) }
        try? await group.shutdownGracefully()
        return try result.get()
    }

    private static func drive(_ options: Options, group: MultiThreadedEventLoopGroup, logger: Logger) async throws(ToolError) -> LoadReport {
        let intervalNs = UInt64((Double(options.connections) * 1e9 / options.rate).rounded())
        // Connect everything first; the clock starts once all workers are connected.
        var channels: [(any Channel, LoadWorkerHandler)] = []
        var connectFailures = 0
        var firstConnectError: String?
        for worker in 0..<options.connections {
            let handler = LoadWorkerHandler(worker: worker, options: options, intervalNs: intervalNs)
            do {
                let channel = try await ClientBootstrap(group: group)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connectTimeout(.milliseconds(options.connectTimeoutMs))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NDJSONLineDecoder(maxLineBytes: 1 << 20)))
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                    }
                    .connect(host: options.target.host, port: options.target.port)
                    .get()
                channels.append((channel, handler))
            } catch {
                connectFailures += 1
                if firstConnectError == nil { firstConnectError = "\(error)" }
            }
        }
        if channels.isEmpty {
            throw ToolError(.failure, "cannot connect to \(options.target): \(firstConnectError ?? "no connection")")
        }
        if connectFailures > 0 {
            logger.warning("some connections failed", metadata: ["failed": "\(connectFailures)", "error": "\(firstConnectError ?? "")"])
        }
        let startNs = MonotonicClock.nanoseconds() + 50_000_000
        let endNs = startNs + UInt64(options.durationMs) * 1_000_000
        let futures = channels.map { channel, handler in
            channel.eventLoop.flatSubmit {
                handler.start(startNs: startNs, endNs: endNs, drainTimeoutNs: UInt64(options.drainTimeoutMs) * 1_000_000)
            }
        }
        var results: [LoadWorkerResult] = []
        for future in futures {
            do { results.append(try await future.get()) } catch {
                results.append(LoadWorkerResult(failure: "\(error)"))
            }
        }
        for (channel, _) in channels { try? await channel.close() }
        let elapsedNs = max(1, MonotonicClock.nanoseconds() - startNs)
        return LoadReport(options: options, results: results, connectFailures: connectFailures, sendWindowNs: endNs - startNs,
                          elapsedNs: elapsedNs)
    }
}

/// One worker's tallies; merged into the report at the end.
struct LoadWorkerResult: Sendable {
    var sent = 0
    var received = 0
    var accepted = 0
    var byReason: [String: Int] = [:]
    var errorReplies: [String: Int] = [:]
    var unmatched = 0
    var latencyNs = LoadWorkerResult.histogram()
    var sendLagNs = LoadWorkerResult.histogram()
    var failure: String?

    init(failure: String? = nil) { self.failure = failure }

    static func histogram() -> Histogram<UInt64> {
        var h = Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 120_000_000_000, numberOfSignificantValueDigits: .three)
        h.autoResize = true
        return h
    }
}

/// One worker connection: sends on its schedule, matches verdicts to sends by id.
final class LoadWorkerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let worker: Int
    private let options: VerifierLoadTest.Options
    private let intervalNs: UInt64
    private var generator: LoadProposeGenerator
    private var context: ChannelHandlerContext?
    private var pending: [UInt64: UInt64] = [:]
    private var result = LoadWorkerResult()
    private var sequence: UInt64 = 0
    private var endNs: UInt64 = 0
    private var drainTimeoutNs: UInt64 = 0
    private var finished: EventLoopPromise<LoadWorkerResult>?
    private var sendingDone = false
    private var drainDeadline: Scheduled<Void>?

    init(worker: Int, options: VerifierLoadTest.Options, intervalNs: UInt64) {
        self.worker = worker
        self.options = options
        self.intervalNs = intervalNs
        generator = LoadProposeGenerator(scenario: options.scenario, seed: options.seed &+ UInt64(worker) &* 0x9E37_79B9_7F4A_7C15,
                                         height: options.height, rejectRatio: options.rejectRatio, staleOffsetMs: options.staleOffsetMs)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func start(startNs: UInt64, endNs: UInt64, drainTimeoutNs: UInt64) -> EventLoopFuture<LoadWorkerResult> {
        guard let context else { return MultiThreadedEventLoopGroup.singleton.next().makeFailedFuture(ChannelError.ioOnClosedChannel) }
        let promise = context.eventLoop.makePromise(of: LoadWorkerResult.self)
        finished = promise
        self.endNs = endNs
        self.drainTimeoutNs = drainTimeoutNs
        // Workers spread their phases over one interval, so the aggregate is an even stream.
        let phase = options.aligned ? 0 : intervalNs * UInt64(worker) / UInt64(max(1, options.connections))
        schedule(at: startNs + phase)
        return promise.futureResult
    }

    private func schedule(at ns: UInt64) {
        guard let context else { return }
        guard ns < endNs else {
            sendingDone = true
            let deadline = NIODeadline.uptimeNanoseconds(max(ns, endNs) + drainTimeoutNs)
            drainDeadline = context.eventLoop.scheduleTask(deadline: deadline) { [self] in finish() }
            finishIfDrained()
            return
        }
        context.eventLoop.scheduleTask(deadline: .uptimeNanoseconds(ns)) { [self] in
            send(scheduledNs: ns)
            schedule(at: ns + intervalNs)
        }
    }

    private func send(scheduledNs: UInt64) {
        guard let context, context.channel.isActive else { return }
        let id = UInt64(worker) << 32 | sequence
        sequence += 1
        let (propose, _) = generator.next(id: id, nowMs: WallClock.milliseconds())
        var w = JSONWriter(capacity: 420)
        if options.envelope {
            w.beginObject()
            w.field("msg_type", "template_propose")
            w.field("version", 2)
            w.key("payload")
            propose.write(to: &w)
            w.endObject()
        } else {
            propose.write(to: &w)
        }
        var buffer = context.channel.allocator.buffer(capacity: w.bytes.count + 1)
        buffer.writeBytes(w.bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        let now = MonotonicClock.nanoseconds()
        _ = result.sendLagNs.record(max(1_000, now &- scheduledNs))
        pending[id] = now
        result.sent += 1
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = MonotonicClock.nanoseconds()
        let line = unwrapInboundIn(data)
        guard let document = try? JSONDocument(bytes: Array(line.readableBytesView)) else {
            result.unmatched += 1
            return
        }
        var root = document.root
        if let msgType = root["msg_type"]?.string {
            guard let payload = root["payload"] else { result.unmatched += 1; return }
            switch msgType {
            case "template_verdict": root = payload
            case "heartbeat_ack": return
            case "error":
                result.errorReplies[payload["code"]?.string ?? "unknown", default: 0] += 1
                return
            default:
                result.unmatched += 1
                return
            }
        } else if root["type"]?.string == "error" {
            result.errorReplies[root["code"]?.string ?? "unknown", default: 0] += 1
            return
        }
        guard let verdict = try? TemplateVerdict(json: root), let sentNs = pending.removeValue(forKey: verdict.id) else {
            result.unmatched += 1
            return
        }
        _ = result.latencyNs.record(max(1_000, now &- sentNs))
        result.received += 1
        if verdict.accepted {
            result.accepted += 1
        } else {
            result.byReason[verdict.reasonCode ?? "unknown", default: 0] += 1
        }
        finishIfDrained()
    }

    private func finishIfDrained() {
        if sendingDone && pending.isEmpty { finish() }
    }

    private func finish() {
        drainDeadline?.cancel()
        drainDeadline = nil
        guard let promise = finished else { return }
        finished = nil
        promise.succeed(result)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if finished != nil, result.failure == nil { result.failure = "the server closed the connection" }
        sendingDone = true
        finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if result.failure == nil { result.failure = "\(error)" }
        context.close(promise: nil)
    }
}

/// The outcome of a load run: a `load_report` record for scripts and a table for people.
public struct LoadReport: Sendable {
    public var options: VerifierLoadTest.Options
    public var sent = 0
    public var received = 0
    public var accepted = 0
    public var byReason: [String: Int] = [:]
    public var errorReplies: [String: Int] = [:]
    public var unmatched = 0
    public var connectFailures = 0
    public var workerFailures: [String] = []
    public var latencyNs: Histogram<UInt64>
    public var sendLagNs: Histogram<UInt64>
    public var sendWindowNs: UInt64
    public var elapsedNs: UInt64

    init(options: VerifierLoadTest.Options, results: [LoadWorkerResult], connectFailures: Int, sendWindowNs: UInt64, elapsedNs: UInt64) {
        self.options = options
        self.connectFailures = connectFailures
        self.sendWindowNs = sendWindowNs
        self.elapsedNs = elapsedNs
        latencyNs = LoadWorkerResult.histogram()
        sendLagNs = LoadWorkerResult.histogram()
        for r in results {
            sent += r.sent
            received += r.received
            accepted += r.accepted
            unmatched += r.unmatched
            for (k, v) in r.byReason { byReason[k, default: 0] += v }
            for (k, v) in r.errorReplies { errorReplies[k, default: 0] += v }
            if let failure = r.failure { workerFailures.append(failure) }
            latencyNs.add(r.latencyNs)
            sendLagNs.add(r.sendLagNs)
        }
    }

    /// Templates sent that got no verdict.
    public var drops: Int { sent - received }
    public var rejected: Int { received - accepted }
    /// Offered rate over the send window.
    public var sentPerSecond: Double { Double(sent) * 1e9 / Double(max(1, sendWindowNs)) }

    public struct Percentiles: Sendable {
        public var p50, p90, p99, p999, max: UInt64
        public var mean: Double
    }

    static func percentiles(_ h: Histogram<UInt64>) -> Percentiles? {
        guard h.totalCount > 0 else { return nil }
        return Percentiles(p50: h.valueAtPercentile(50), p90: h.valueAtPercentile(90), p99: h.valueAtPercentile(99),
                           p999: h.valueAtPercentile(99.9), max: h.max, mean: h.mean)
    }

    public var latency: Percentiles? { Self.percentiles(latencyNs) }

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.field("type", "load_report")
        w.field("target", options.target.description)
        w.field("scenario", options.scenario.rawValue)
        w.field("dialect", options.envelope ? "envelope" : "bare")
        w.field("connections", options.connections)
        w.field("rate", options.rate)
        w.field("duration_ms", options.durationMs)
        w.field("sent", sent)
        w.field("received", received)
        w.field("drops", drops)
        w.field("accepted", accepted)
        w.field("rejected", rejected)
        Self.writeCounts(&w, "by_reason", byReason)
        Self.writeCounts(&w, "error_replies", errorReplies)
        w.field("unmatched_lines", unmatched)
        w.field("connect_failures", connectFailures)
        w.field("connection_failures", workerFailures.count)
        Self.writePercentiles(&w, "latency_us", latency)
        Self.writePercentiles(&w, "send_lag_us", Self.percentiles(sendLagNs))
        w.field("sent_per_second", (sentPerSecond * 10).rounded() / 10)
        w.endObject()
        return w.bytes
    }

    private static func writeCounts(_ w: inout JSONWriter, _ key: StaticString, _ counts: [String: Int]) {
        w.key(key)
        w.beginObject()
        for (k, v) in counts.sorted(by: { $0.key < $1.key }) {
            w.key(k)
            w.int(v)
        }
        w.endObject()
    }

    /// Microseconds with one decimal (HDR keeps 3 significant digits of the nanoseconds).
    private static func writePercentiles(_ w: inout JSONWriter, _ key: StaticString, _ p: Percentiles?) {
        w.key(key)
        guard let p else { w.null(); return }
        func us(_ ns: UInt64) -> Double { (Double(ns) / 100).rounded() / 10 }
        w.beginObject()
        w.field("p50", us(p.p50))
        w.field("p90", us(p.p90))
        w.field("p99", us(p.p99))
        w.field("p99_9", us(p.p999))
        w.field("max", us(p.max))
        w.field("mean", (p.mean / 100).rounded() / 10)
        w.endObject()
    }

    /// For people; scripts read the record.
    public func table() -> String {
        func ms(_ ns: UInt64) -> String { FixedDecimal.format(Double(ns) / 1e6, fractionDigits: 3) ?? "\(ns)" }
        var lines: [String] = []
        lines.append("load: \(options.target)  scenario \(options.scenario.rawValue)  \(options.envelope ? "envelope" : "bare")  "
                     + "\(options.connections) connections  \(FixedDecimal.format(options.rate, fractionDigits: 0) ?? "")/s for \(options.durationMs / 1000) s")
        lines.append("  sent      \(sent)  (\(FixedDecimal.format(sentPerSecond, fractionDigits: 1) ?? "")/s)")
        lines.append("  received  \(received)")
        lines.append("  drops     \(drops)")
        lines.append("  accepted  \(accepted)")
        lines.append("  rejected  \(rejected)")
        for (reason, n) in byReason.sorted(by: { $0.key < $1.key }) { lines.append("    \(reason)  \(n)") }
        if !errorReplies.isEmpty {
            lines.append("  error replies")
            for (code, n) in errorReplies.sorted(by: { $0.key < $1.key }) { lines.append("    \(code)  \(n)") }
        }
        if connectFailures > 0 { lines.append("  connect failures  \(connectFailures)") }
        if !workerFailures.isEmpty { lines.append("  connection failures  \(workerFailures.count) (\(workerFailures[0]))") }
        if let p = latency {
            lines.append("  latency ms  p50 \(ms(p.p50))  p90 \(ms(p.p90))  p99 \(ms(p.p99))  p99.9 \(ms(p.p999))  max \(ms(p.max))")
        }
        if let lag = Self.percentiles(sendLagNs) {
            lines.append("  send lag ms p99 \(ms(lag.p99))  max \(ms(lag.max))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
