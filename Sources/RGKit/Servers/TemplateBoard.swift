import NIOCore

/// The state `rg-feed rpc` shares between the thread reading template records and the
/// connections asking for them: the latest template, the few before it (to recognise a block
/// built on one), the tips seen, the blocks accepted, and the longpolls waiting for a change.
/// A longpoll is a promise on its connection's event loop, completed by the next `publish`,
/// by its own timeout (with the unchanged template, as Core does), or by `shutdown` (Core's
/// -9 "Shutting down").
public final class TemplateBoard: @unchecked Sendable {
    public enum LongPollOutcome: Sendable {
        case template(TemplateSnapshot)
        case shuttingDown
    }

    public let network: Network
    /// Templates kept for matching submitted blocks.
    public let recentLimit: Int
    private let lock = Lock()
    private var recent: [TemplateSnapshot] = []
    private var tips: Set<String> = []
    private var tipOrder: [String] = []
    private var acceptedBlocks: Set<String> = []
    private var acceptedOrder: [String] = []
    private var sequence: UInt64 = 0
    private var waiters: [UInt64: Waiter] = [:]
    private var nextWaiter: UInt64 = 0
    private var stopping = false

    private struct Waiter {
        var promise: EventLoopPromise<LongPollOutcome>
        var timeout: Scheduled<Void>?
    }

    public init(network: Network, recentLimit: Int = 16) {
        self.network = network
        self.recentLimit = max(1, recentLimit)
    }

    public var latest: TemplateSnapshot? { lock.withLock { recent.last } }

    public var longPollWaiters: Int { lock.withLock { waiters.count } }

    /// Installs a new template and wakes every longpoll. Called from one thread (the reader).
    @discardableResult
    public func publish(_ record: TemplateRecord, receivedMs: Int64) -> TemplateSnapshot {
        let next = lock.withLock { sequence + 1 }
        let snapshot = TemplateSnapshot(record: record, sequence: next, receivedMs: receivedMs)
        let woken: [Waiter] = lock.withLock {
            sequence = next
            recent.append(snapshot)
            if recent.count > recentLimit { recent.removeFirst(recent.count - recentLimit) }
            if tips.insert(snapshot.previousBlockHash).inserted {
                tipOrder.append(snapshot.previousBlockHash)
                if tipOrder.count > 1_024 { tips.remove(tipOrder.removeFirst()) }
            }
            let all = Array(waiters.values)
            waiters.removeAll()
            return all
        }
        for waiter in woken {
            waiter.timeout?.cancel()
            waiter.promise.succeed(.template(snapshot))
        }
        return snapshot
    }

    /// Core's longpoll: a `longpollid` other than the current one gets the current template at
    /// once; the current one (or any, before the first template) waits for the next template,
    /// or `timeout` (then the unchanged template comes back and the client asks again).
    public func waitForChange(from longPollID: String, on eventLoop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<LongPollOutcome> {
        let promise = eventLoop.makePromise(of: LongPollOutcome.self)
        let immediate: LongPollOutcome? = lock.withLock {
            if stopping { return .shuttingDown }
            // Before the first template there is nothing to compare with: wait for it.
            if let current = recent.last, current.longPollID != longPollID { return .template(current) }
            nextWaiter += 1
            let token = nextWaiter
            waiters[token] = Waiter(promise: promise, timeout: nil)
            let scheduled = eventLoop.scheduleTask(in: timeout) { [weak self] () -> Void in self?.expire(token) }
            waiters[token]?.timeout = scheduled
            return nil
        }
        if let immediate { promise.succeed(immediate) }
        return promise.futureResult
    }

    private func expire(_ token: UInt64) {
        let (waiter, current): (Waiter?, TemplateSnapshot?) = lock.withLock { (waiters.removeValue(forKey: token), recent.last) }
        guard let waiter else { return }
        if let current { waiter.promise.succeed(.template(current)) } else { waiter.promise.succeed(.shuttingDown) }
    }

    /// Answers every waiting longpoll with "Shutting down" and refuses new ones.
    public func shutdown() {
        let all: [Waiter] = lock.withLock {
            stopping = true
            let all = Array(waiters.values)
            waiters.removeAll()
            return all
        }
        for waiter in all {
            waiter.timeout?.cancel()
            waiter.promise.succeed(.shuttingDown)
        }
    }

    /// Checks a submitted block against the served templates; an accepted one is remembered
    /// (a second submission is a "duplicate").
    public func submit(hex: some Collection<UInt8>, proposal: Bool = false) -> SubmittedBlockCheck.Outcome {
        let (templates, knownTips, accepted) = lock.withLock { (recent, tips, acceptedBlocks) }
        let outcome = SubmittedBlockCheck.check(hex: hex, templates: templates, tips: knownTips, accepted: accepted,
                                                network: network, checkProofOfWork: !proposal)
        guard !proposal, case .accepted(let hash, _, _) = outcome else { return outcome }
        let duplicate: Bool = lock.withLock {
            guard acceptedBlocks.insert(hash).inserted else { return true }
            acceptedOrder.append(hash)
            if acceptedOrder.count > 10_000 { acceptedBlocks.remove(acceptedOrder.removeFirst()) }
            return false
        }
        return duplicate ? .rejected("duplicate") : outcome
    }
}
