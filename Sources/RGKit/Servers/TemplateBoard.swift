import NIOCore

/// The state `rg-feed rpc` shares between the thread reading template records and the
/// connections asking for them: the latest template, the few before it (to recognise a block
/// built on one), the tips seen, the blocks stored, the block accepted on each tip, and the
/// longpolls waiting for a change.
///
/// The node's tip is the latest template's parent until a block is accepted on it; then that
/// block is the tip (what `getbestblockhash` answers), and a second block on the same parent
/// lands on a side branch ("inconclusive"), as in Core, where the first block seen at equal
/// work stays the tip. The next template record moves the tip on.
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
    /// Blocks stored: accepted or on a side branch (a resubmission is a "duplicate").
    private var knownBlocks: Set<String> = []
    private var knownOrder: [String] = []
    /// Parent hash → the block accepted on it.
    private var acceptedOnTip: [String: ChainTip] = [:]
    private var acceptedOnTipOrder: [String] = []
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

    /// The node's best block: the block accepted on the latest template's parent if there is
    /// one, else that parent. Nil before the first template.
    public var chainTip: ChainTip? {
        lock.withLock {
            guard let latest = recent.last else { return nil }
            return acceptedOnTip[latest.previousBlockHash] ?? ChainTip(hash: latest.previousBlockHash, height: latest.height - 1)
        }
    }

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

    /// Checks a submitted block (or a BIP23 proposal) against the served templates. A block that
    /// passes is stored: on the tip it becomes the tip, otherwise it sits on a side branch.
    public func submit(hex: some Collection<UInt8>, purpose: SubmittedBlockCheck.Purpose = .submission) -> SubmittedBlockCheck.Outcome {
        let (templates, knownTips, known, extended) = lock.withLock { (recent, tips, knownBlocks, Set(acceptedOnTip.keys)) }
        let outcome = SubmittedBlockCheck.check(hex: hex, templates: templates, tips: knownTips, known: known,
                                                extendedTips: extended, network: network, purpose: purpose)
        guard purpose == .submission else { return outcome }
        // Checked outside the lock, so decide again inside it: two blocks on one parent may race.
        return lock.withLock { () -> SubmittedBlockCheck.Outcome in
            switch outcome {
            case .accepted(let hash, let height, let prev, _):
                guard remember(hash) else { return .rejected("duplicate") }
                guard acceptedOnTip[prev] == nil else { return .sideBranch(hash: hash) }
                acceptedOnTip[prev] = ChainTip(hash: hash, height: height)
                acceptedOnTipOrder.append(prev)
                if acceptedOnTipOrder.count > 1_024 { acceptedOnTip.removeValue(forKey: acceptedOnTipOrder.removeFirst()) }
                return outcome
            case .sideBranch(let hash):
                return remember(hash) ? outcome : .rejected("duplicate")
            case .rejected, .decodeFailed:
                return outcome
            }
        }
    }

    /// Called with the lock held. False if the block was already stored.
    private func remember(_ hash: String) -> Bool {
        guard knownBlocks.insert(hash).inserted else { return false }
        knownOrder.append(hash)
        if knownOrder.count > 10_000 { knownBlocks.remove(knownOrder.removeFirst()) }
        return true
    }
}

/// A block the stand-in node treats as its best block.
public struct ChainTip: Sendable, Equatable {
    public let hash: String
    public let height: Int64

    public init(hash: String, height: Int64) {
        self.hash = hash
        self.height = height
    }
}
