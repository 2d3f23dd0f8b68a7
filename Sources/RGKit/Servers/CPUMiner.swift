import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// `rg-miner`'s engine: one SV2 connection and `threads` search threads.
///
/// The connection's event loop owns the session; each time its work changes it publishes a
/// copy of the session (a value) with a new generation number. Search threads derive their own
/// work from the copy (thread t rolls versions t, t+T, …; on an extended channel it also uses
/// its own extranonce), poll the generation every 4,096 hashes and drop stale work at once, and
/// hand found headers back to the event loop, which submits them if the job is still current.
public final class CPUMiner: MinerConnectionDelegate, @unchecked Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var authorityKey: XOnlyPublicKey
        public var session: MinerSession.Configuration
        public var threads: Int
        /// Stop after this many answered shares (nil: no limit).
        public var shares: Int?
        /// Stop after this long (nil: no limit).
        public var durationMs: Int64?
        public var handshakeTimeoutMs: Int64

        public init(host: String, port: Int, authorityKey: XOnlyPublicKey, session: MinerSession.Configuration, threads: Int,
                    shares: Int?, durationMs: Int64?, handshakeTimeoutMs: Int64 = 10_000) {
            self.host = host
            self.port = port
            self.authorityKey = authorityKey
            self.session = session
            self.threads = threads
            self.shares = shares
            self.durationMs = durationMs
            self.handshakeTimeoutMs = handshakeTimeoutMs
        }
    }

    public struct Summary: Sendable {
        public var accepted = 0
        public var rejected = 0
        public var blocks = 0
        public var hashes: UInt64 = 0
        public var elapsedNs: UInt64 = 0
        /// Why mining ended early (connection lost, refused); nil when it ended as asked.
        public var failure: String?
        public var hashrate: Double { elapsedNs == 0 ? 0 : Double(hashes) / (Double(elapsedNs) / 1e9) }
    }

    public enum Report: Sendable {
        case connected(MinerSession.OpenChannel, target: Bytes32)
        case result(MinerSession.ShareResult)
    }

    private let options: Options
    private let report: @Sendable (Report) -> Void
    private let lock = Lock()
    // Guarded by `lock`:
    private var generation: UInt64 = 0
    private var published: MinerSession?
    private var stopping = false
    private var summary = Summary()
    private var finish: CheckedContinuation<Void, Never>?
    private var finished = false
    private var handler: MinerConnectionHandler?
    private var sent = 0

    public init(options: Options, report: @escaping @Sendable (Report) -> Void) {
        self.options = options
        self.report = report
    }

    /// Connects, mines until the share count, the duration, `shouldStop`, or the connection
    /// ends, and returns what happened.
    public func run(shouldStop: @escaping @Sendable () -> Bool = { false }) async throws -> Summary {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let summary = try await run(group: group, shouldStop: shouldStop)
            try? await group.shutdownGracefully()
            return summary
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(group: MultiThreadedEventLoopGroup, shouldStop: @escaping @Sendable () -> Bool) async throws -> Summary {
        let started = MinerConnectionHandler.monotonicNs()
        let channel = try await MinerConnector.connect(
            host: options.host, port: options.port, on: group.next(), authorityKey: options.authorityKey,
            handshakeTimeout: .milliseconds(options.handshakeTimeoutMs),
            makeHandler: { [self] loop in
                let handler = MinerConnectionHandler(configuration: options.session, eventLoop: loop, delegate: self)
                lock.withLock { self.handler = handler }
                return handler
            }).get()

        var threads: [pthread_t] = []
        for index in 0..<max(1, options.threads) {
            let box = Unmanaged.passRetained(SearchThreadStart(miner: self, index: index, count: max(1, options.threads)))
            var thread = pthread_t()
            if pthread_create(&thread, nil, { raw in
                let start = Unmanaged<SearchThreadStart>.fromOpaque(raw!).takeRetainedValue()
                start.miner.search(index: start.index, count: start.count)
                return nil
            }, box.toOpaque()) == 0 {
                threads.append(thread)
            } else {
                box.release()
            }
        }
        let watchdog = Task {
            let deadline = options.durationMs.map { started + UInt64($0) * 1_000_000 }
            while !Task.isCancelled {
                if shouldStop() || (deadline.map { MinerConnectionHandler.monotonicNs() >= $0 } ?? false) {
                    self.end(failure: nil)
                    return
                }
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        await withCheckedContinuation { continuation in
            let done = lock.withLock { () -> Bool in
                if finished { return true }
                finish = continuation
                return false
            }
            if done { continuation.resume() }
        }
        watchdog.cancel()
        for thread in threads { pthread_join(thread, nil) }
        try? await channel.close()
        return lock.withLock {
            summary.elapsedNs = MinerConnectionHandler.monotonicNs() - started
            return summary
        }
    }

    private func end(failure: String?) {
        let continuation = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard !finished else { return nil }
            finished = true
            stopping = true
            if summary.failure == nil { summary.failure = failure }
            let c = finish
            finish = nil
            return c
        }
        continuation?.resume()
    }

    // MARK: connection events (event loop)

    public func minerConnectionHandshakeCompleted(_ connection: MinerConnectionHandler) {}

    public func minerConnection(_ connection: MinerConnectionHandler, event: MinerSession.Event) {
        switch event {
        case .channelOpened(let open, let target):
            report(.connected(open, target: target))
        case .workChanged:
            let snapshot = connection.session
            lock.withLock {
                generation &+= 1
                published = snapshot
            }
        case .results(let results):
            var reached = false
            lock.withLock {
                for result in results {
                    if result.accepted { summary.accepted += 1 } else { summary.rejected += 1 }
                    if result.accepted && result.submission.isBlock { summary.blocks += 1 }
                }
                if let limit = options.shares, summary.accepted + summary.rejected >= limit { reached = true }
            }
            for result in results { report(.result(result)) }
            if reached { end(failure: nil) }
        case .closed(let reason):
            end(failure: reason)
        case .send:
            break
        }
    }

    public func minerConnectionClosed(_ connection: MinerConnectionHandler, reason: String?) {
        end(failure: reason ?? "connection closed")
    }

    /// Sends a found share unless --shares are already all sent (event loop only): answers for
    /// exactly the asked number of shares, so `--shares N` means N records.
    private func submit(_ found: NonceSearch.Found, work: MinerWork, on handler: MinerConnectionHandler) {
        let allowed = lock.withLock { () -> Bool in
            if let limit = options.shares, sent >= limit { return false }
            return true
        }
        guard allowed, handler.submit(found, work: work) else { return }
        lock.withLock { sent += 1 }
    }

    // MARK: search threads

    private final class SearchThreadStart {
        let miner: CPUMiner
        let index: Int
        let count: Int
        init(miner: CPUMiner, index: Int, count: Int) {
            self.miner = miner
            self.index = index
            self.count = count
        }
    }

    private func current() -> (UInt64, MinerSession?, Bool) {
        lock.withLock { (generation, published, stopping) }
    }

    private func addHashes(_ n: UInt64) { lock.withLock { summary.hashes &+= n } }

    private func search(index: Int, count: Int) {
        var round: UInt64 = 0
        while true {
            let (gen, snapshot, stop) = current()
            if stop { return }
            guard let snapshot, snapshot.phase == .mining,
                  var work = snapshot.work(extranonceCounter: UInt64(index) &+ round &* UInt64(count)) else {
                usleep(5_000)
                continue
            }
            round &+= 1
            let rolling = work.versionCount > 1
            // With rolling every thread owns whole versions; without, a slice of the nonces.
            let nonces = rolling ? 0...UInt32.max : NonceSearch.slice(index, of: count)
            var versionIndex = UInt64(index)
            var stale = false
            while !stale {
                let version = work.version(index: versionIndex)
                var start = nonces.lowerBound
                var checks: UInt64 = 0
                scan: while true {
                    let outcome = NonceSearch.search(work, version: version, nonces: start...nonces.upperBound) { [self] in
                        checks += 1
                        if checks % 64 == 0 { addHashes(64 * UInt64(NonceSearch.defaultCheckInterval)) }
                        let (now, _, stop) = current()
                        return stop || now != gen
                    }
                    let (hashes, found): (UInt64, NonceSearch.Found?) = switch outcome {
                    case .found(let f, let h): (h, f)
                    case .exhausted(let h): (h, nil)
                    case .stopped(let h): (h, nil)
                    }
                    // Hashes not yet counted by the periodic check above.
                    addHashes(hashes - (checks / 64) * 64 * UInt64(NonceSearch.defaultCheckInterval))
                    checks = 0
                    if case .stopped = outcome { stale = true; break scan }
                    guard let found else { break scan }
                    let w = work
                    if let handler = lock.withLock({ self.handler }) {
                        handler.eventLoop.execute { [self] in submit(found, work: w, on: handler) }
                    }
                    if found.nonce == nonces.upperBound { break scan }
                    start = found.nonce + 1
                }
                if stale { break }
                if rolling && versionIndex + UInt64(count) < work.versionCount {
                    versionIndex += UInt64(count)
                } else if work.extranonce.isEmpty {
                    // Standard channel, every version and nonce tried: the next second.
                    work.ntime &+= 1
                    versionIndex = UInt64(index)
                } else {
                    break                               // extended: a fresh extranonce next round
                }
            }
        }
    }
}
