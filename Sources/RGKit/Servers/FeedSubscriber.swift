import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore

/// `rg-feed connect`: subscribes to a relay and hands each template record to `emit`, across
/// reconnects. Reconnects back off exponentially with jitter, and the backoff resets after a
/// healthy session; a template already emitted (the relay resends its current template on
/// every connect) is never emitted again.
public final class FeedSubscriber: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var url: String
        public var token: String
        public var maxRecordBytes: Int = 32 << 20
        public var backoff = Backoff(baseMs: 250, capMs: 10_000)
        /// A session that delivered a template, or stayed up this long, counts as healthy.
        public var healthySessionMs: Int64 = 30_000
        /// How many recent template ids are remembered for de-duplication.
        public var rememberedIDs: Int = 4096

        public init(url: String, token: String) {
            self.url = url
            self.token = token
        }
    }

    public enum Event: Sendable {
        case connected
        case disconnected(reason: String, retryInMs: Int64)
        /// The relay refused the token (HTTP 401): retrying will not help.
        case unauthorized
    }

    private let configuration: Configuration
    private let logger: Logger
    private let lock = Lock()
    private var seen = RecentIDs(capacity: 4096)

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        seen = RecentIDs(capacity: configuration.rememberedIDs)
    }

    /// Runs until `shouldStop` says so (checked between records and between attempts) or the
    /// token is refused. `emit` gets each new template record; an error it throws ends the run.
    public func run(shouldStop: @escaping @Sendable () -> Bool, onEvent: @escaping @Sendable (Event) -> Void,
                    emit: @escaping @Sendable ([UInt8]) throws -> Void) async throws {
        var backoff = configuration.backoff
        var rng = SecureRandomNumberGenerator()
        while !shouldStop() {
            let started = MonotonicClock.nanoseconds()
            let delivered = Counter()
            var reason = "connection closed"
            do {
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(configuration.token)"
                let clientConfiguration = WebSocketClientConfiguration(maxFrameSize: configuration.maxRecordBytes, additionalHeaders: headers)
                let close = try await WebSocketClient.connect(url: configuration.url, configuration: clientConfiguration, logger: logger) {
                    inbound, _, _ in
                    onEvent(.connected)
                    var message: [UInt8] = []
                    for try await frame in inbound {
                        if shouldStop() { return }
                        if frame.opcode != .continuation { message.removeAll(keepingCapacity: true) }
                        guard message.count + frame.data.readableBytes <= self.configuration.maxRecordBytes else {
                            throw ToolError(.failure, "relay sent a record larger than \(self.configuration.maxRecordBytes) bytes")
                        }
                        message.append(contentsOf: frame.data.readableBytesView)
                        guard frame.fin else { continue }
                        if try self.handle(message, emit: emit) { delivered.add() }
                    }
                }
                if let close { reason = "relay closed the connection (\(close.closeCode)\(close.reason.map { ": \($0)" } ?? ""))" }
            } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
                // Hummingbird's client reports any refused upgrade this way; the relay refuses
                // only bad tokens (401) and full caps (503). Probe which with a plain request.
                if await FeedSubscriber.isUnauthorized(url: configuration.url, token: configuration.token) {
                    onEvent(.unauthorized)
                    throw ToolError(.usage, "the relay refused the token (HTTP 401); check RG_FEED_TOKEN")
                }
                reason = "the relay refused the connection (connection limit)"
            } catch let error as ToolError {
                throw error
            } catch {
                reason = "\(error)"
            }
            if shouldStop() { return }
            let upMs = Int64((MonotonicClock.nanoseconds() - started) / 1_000_000)
            if delivered.value > 0 || upMs >= configuration.healthySessionMs { backoff.reset() }
            let delay = backoff.nextDelayMs(using: &rng)
            onEvent(.disconnected(reason: reason, retryInMs: delay))
            ProcessSignals.sleep(milliseconds: delay)
        }
    }

    /// Emits a template record unless it was already emitted; other frames (status,
    /// heartbeat) are logged at debug. Returns true when a template was emitted.
    private func handle(_ message: [UInt8], emit: ([UInt8]) throws -> Void) throws -> Bool {
        guard let document = try? JSONDocument(bytes: message) else {
            logger.warning("relay sent a frame that is not JSON; ignored", metadata: ["bytes": "\(message.count)"])
            return false
        }
        let type = document.root["type"]?.string
        guard type == TemplateRecord.type else {
            logger.debug("relay frame", metadata: ["type": "\(type ?? "?")"])
            return false
        }
        let id = document.root["id"]?.string ?? SHA256Hash.hash(message).hex
        let fresh = lock.withLock { seen.insert(id) }
        guard fresh else { return false }
        try emit(message)
        return true
    }

    private static func isUnauthorized(url: String, token: String) async -> Bool {
        guard let probe = HTTPProbe(webSocketURL: url) else { return false }
        return await probe.status(bearer: token) == 401
    }

    private final class Counter: @unchecked Sendable {
        private let lock = Lock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}

/// The last N ids, for de-duplication across reconnects.
struct RecentIDs: Sendable {
    private var order: [String] = []
    private var members: Set<String> = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// False when `id` is already present.
    mutating func insert(_ id: String) -> Bool {
        guard !members.contains(id) else { return false }
        if order.count < capacity {
            order.append(id)
        } else {
            members.remove(order[next])
            order[next] = id
            next = (next + 1) % capacity
        }
        members.insert(id)
        return true
    }
}
