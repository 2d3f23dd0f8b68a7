import Foundation
import Logging
import Metrics

/// The server's one verdict thread. Connections hand it prepared templates; it judges them in
/// arrival order through the shared `VerdictEmitter` (policy + tip tracker, then the store,
/// then stdout) and calls each job's completion, which hands the reply back to the
/// connection's event loop. Storing and printing may block, so they never run on an event
/// loop; whatever queued up while one batch was being written goes in the next, so under load
/// the database sees one transaction per batch rather than one per verdict.
public final class VerdictWorker: @unchecked Sendable {
    public enum Outcome: Sendable {
        case result(VerdictEmitter.Result)
        /// Judged but not delivered (the store or stdout failed); the reply is an error.
        case failed(code: String, message: String)
    }

    public struct Job: Sendable {
        public var item: VerdictEmitter.Item
        public var completion: @Sendable (Outcome) -> Void
        public init(_ item: VerdictEmitter.Item, completion: @escaping @Sendable (Outcome) -> Void) {
            self.item = item
            self.completion = completion
        }
    }

    private let emitter: VerdictEmitter
    private let live: LivePolicy?
    private let maxBatch: Int
    private let logger: Logger
    private let onFatal: @Sendable (ToolError) -> Void
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var stopping = false
    private var started = false
    private var fatal: String?
    private let done = DispatchSemaphore(value: 0)
    private let storeFailures = Counter(label: "rg_verify_store_failures_total")

    /// `onFatal` is called once if stdout goes away: the server should then shut down, as the
    /// pipe does, because it can no longer deliver what it promised.
    public init(emitter: VerdictEmitter, live: LivePolicy?, maxBatch: Int = 256, logger: Logger,
                onFatal: @escaping @Sendable (ToolError) -> Void) {
        self.emitter = emitter
        self.live = live
        self.maxBatch = max(1, maxBatch)
        self.logger = logger
        self.onFatal = onFatal
    }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        let thread = Thread { [self] in loop() }
        thread.name = "rg.verdict-worker"
        thread.start()
    }

    public func submit(_ job: Job) {
        condition.lock()
        if stopping {
            condition.unlock()
            job.completion(.failed(code: "shutting_down", message: "the verifier is shutting down"))
            return
        }
        queue.append(job)
        if queue.count == 1 { condition.signal() }
        condition.unlock()
    }

    /// Finishes every job already submitted, then stops the thread.
    public func stop() {
        condition.lock()
        let wasStarted = started
        stopping = true
        condition.signal()
        condition.unlock()
        if wasStarted { done.wait() }
    }

    private func loop() {
        var batch: [Job] = []
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                condition.unlock()
                done.signal()
                return
            }
            let n = min(queue.count, maxBatch)
            batch.append(contentsOf: queue[0..<n])
            queue.removeFirst(n)
            condition.unlock()
            // An edit to the policy file applies to the next verdict, as in the pipe.
            live?.reloadIfRequested(signalled: false)
            run(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }

    private func run(_ batch: [Job]) {
        if let fatal {
            for job in batch { job.completion(.failed(code: "output_failed", message: fatal)) }
            return
        }
        do {
            let results = try emitter.emit(batch: batch.map(\.item))
            for (job, result) in zip(batch, results) { job.completion(.result(result)) }
        } catch {
            switch error {
            case .store(let storeError):
                storeFailures.increment()
                logger.error("verdicts not stored; answering with errors", metadata: ["count": "\(batch.count)", "error": "\(storeError)"])
                for job in batch { job.completion(.failed(code: "store_failed", message: "the verdict could not be stored; try again")) }
            case .output(let outputError):
                fatal = outputError.description
                logger.error("stdout failed; shutting down", metadata: ["error": "\(outputError)"])
                for job in batch { job.completion(.failed(code: "output_failed", message: outputError.description)) }
                onFatal(error.toolError)
            }
        }
    }
}
