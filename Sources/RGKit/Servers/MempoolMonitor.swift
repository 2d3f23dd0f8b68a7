import AsyncHTTPClient
import Logging
import NIOCore
import ServiceLifecycle

/// Polls a mempool source over HTTP on its own schedule and keeps the last good reading, so
/// compact proposes (which carry no mempool figures) are judged in the measured fee tier and
/// `/ready` can say whether the reading is fresh. Polling never happens on a verdict's path
/// (the reference fetched per template, inside the request, and its `/ready` went stale the
/// moment templates stopped arriving).
///
/// The source answers a GET with a JSON object holding the transaction count as `tx_count`
/// (a ReserveGrid `mempool` object, or one nested under `"mempool"`), or as `size` (Bitcoin
/// Core's REST `/rest/mempool/info.json`, or a JSON-RPC `getmempoolinfo` reply under
/// `"result"`). A reply without a count is no reading — never a count of 0.
public final class MempoolMonitor: Service, @unchecked Sendable {
    public struct Reading: Sendable, Equatable {
        public var txCount: Int64
        public var atMs: Int64
    }

    public let url: String
    public let interval: Duration
    public let timeout: TimeAmount
    /// A reading older than this is not used, and makes `/ready` false.
    public let maxAgeMs: Int64
    private let logger: Logger
    private let lock = Lock()
    private var last: Reading?
    private var lastError: String?

    public init(url: String, interval: Duration, timeout: TimeAmount, maxAgeMs: Int64, logger: Logger) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.maxAgeMs = maxAgeMs
        self.logger = logger
    }

    public var latest: Reading? { lock.withLock { last } }
    public var latestError: String? { lock.withLock { lastError } }

    /// The count if the last reading is fresh, else nil (unknown: the policy's fallback tier).
    public func freshTxCount(nowMs: Int64 = WallClock.milliseconds()) -> Int64? {
        lock.withLock {
            guard let last, nowMs - last.atMs <= maxAgeMs else { return nil }
            return last.txCount
        }
    }

    public func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                await poll(client)
                let pause = interval
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
        }
        try? await client.shutdown()
    }

    private func poll(_ client: HTTPClient) async {
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            request.headers.add(name: "Accept", value: "application/json")
            let response = try await client.execute(request, timeout: timeout)
            guard (200..<300).contains(response.status.code) else {
                record(error: "HTTP \(response.status.code)")
                return
            }
            let body = try await response.body.collect(upTo: 1 << 20)
            guard let count = Self.txCount(in: Array(body.readableBytesView)) else {
                record(error: "the reply has no tx_count or size")
                return
            }
            let reading = Reading(txCount: count, atMs: WallClock.milliseconds())
            let recovered = lock.withLock { () -> Bool in
                let wasFailing = lastError != nil
                last = reading
                lastError = nil
                return wasFailing
            }
            if recovered { logger.notice("mempool source answering again", metadata: ["mempool.tx_count": "\(count)"]) }
        } catch {
            record(error: "\(error)")
        }
    }

    private func record(error: String) {
        let first = lock.withLock { () -> Bool in
            let first = lastError == nil
            lastError = error
            return first
        }
        // Logged when it starts failing, not on every poll.
        if first { logger.warning("mempool source failed; keeping the last reading until it is stale", metadata: ["url": "\(url)", "error": "\(error)"]) }
    }

    /// The transaction count in a mempool reply, or nil when it has none.
    public static func txCount(in body: [UInt8]) -> Int64? {
        guard let root = try? JSONDocument(bytes: body).root, root.kind == .object else { return nil }
        for candidate in [root, root["result"], root["mempool"]].compactMap({ $0 }) where candidate.kind == .object {
            for key in ["tx_count", "size"] {
                if let n = candidate[key]?.int64, n >= 0 { return n }
            }
        }
        return nil
    }
}
