/// Something that wants to know about every verdict once it is stored and printed: the
/// server's metrics, its in-memory ring and its running totals.
public protocol VerdictObserver: Sendable {
    func observe(_ record: VerdictRecord)
}

/// The one path a prepared template takes to become a verdict, for `rg-verify` on a pipe and
/// `rg-verify serve` on sockets alike: judged in order (policy + tip tracker), committed to the
/// store when there is one, written to stdout, then shown to the observers. The order is the
/// durability promise of ARCHITECTURE.md §4: a verdict on stdout — or acknowledged to a TCP
/// client, which the server does only after `emit` returns — is already in the database.
///
/// Not thread-safe by design: one caller (the pipe's delivery thread, the server's verdict
/// worker) owns it, which is also what keeps verdicts in one order.
public final class VerdictEmitter: @unchecked Sendable {
    public enum Result: Sendable {
        case verdict(VerdictRecord, TemplateVerifier.Judgement)
        /// A record of another type (the pipe forwards it untouched).
        case passThrough
        /// Not a usable record; `code` is the reason code reported for it.
        case invalid(code: String, message: String)
    }

    /// A prepared line and how long preparing it took (counted in `eval_us`).
    public struct Item: Sendable {
        public var prepared: TemplateVerifier.Prepared
        public var prepareNs: UInt64
        public init(_ prepared: TemplateVerifier.Prepared, prepareNs: UInt64) {
            self.prepared = prepared
            self.prepareNs = prepareNs
        }
    }

    public let verifier: TemplateVerifier
    private let output: RecordOutput?
    private let store: VerdictStore?
    private let observers: [any VerdictObserver]
    private let mempoolTxCount: (@Sendable () -> Int64?)?

    /// `output` nil writes nothing (tests); `store` nil keeps no database. `mempoolTxCount`
    /// supplies a live mempool reading to templates that arrive without one (compact
    /// proposes); a template that reports its own keeps it.
    public init(verifier: TemplateVerifier, output: RecordOutput?, store: VerdictStore?,
                observers: [any VerdictObserver] = [], mempoolTxCount: (@Sendable () -> Int64?)? = nil) {
        self.verifier = verifier
        self.output = output
        self.store = store
        self.observers = observers
        self.mempoolTxCount = mempoolTxCount
    }

    /// Opens the `--db` store when one is configured (the flag or `RG_DB`).
    public static func openStore(_ options: StoreOptions) throws(ToolError) -> VerdictStore? {
        options.configuredPath == nil ? nil : VerdictStore(try options.open(.create))
    }

    /// One item: judged, committed, printed (the pipe, one record at a time).
    public func emit(_ item: Item) throws(VerdictEmitterError) -> Result {
        let results = try emit(batch: [item])
        return results[0]
    }

    /// Several items in input order, committed in one transaction (one WAL append instead of
    /// one per verdict) and then printed. A store failure prints none of them and throws, so
    /// no verdict is ever printed or acknowledged without being stored.
    public func emit(batch items: [Item]) throws(VerdictEmitterError) -> [Result] {
        var results: [Result] = []
        results.reserveCapacity(items.count)
        var stored: [(VerdictRecord, [Evaluation.Check]?)] = []
        for item in items {
            let started = MonotonicClock.nanoseconds()
            switch verifier.judge(withMempool(item.prepared), nowMs: WallClock.milliseconds()) {
            case .judged(let judgement):
                let evalUs = Int64((item.prepareNs + MonotonicClock.nanoseconds() - started) / 1000)
                let record = judgement.record(policyHash: judgement.policyHash, verifiedMs: WallClock.milliseconds(), evalUs: evalUs)
                if store != nil { stored.append((record, judgement.evaluation.checks)) }
                results.append(.verdict(record, judgement))
            case .passThrough:
                results.append(.passThrough)
            case .invalid(let code, let message):
                results.append(.invalid(code: code, message: message))
            }
        }
        if let store, !stored.isEmpty {
            do { try store.insertRecordingTemplates(contentsOf: stored) } catch { throw .store(error) }
        }
        for result in results {
            guard case .verdict(let record, let judgement) = result else { continue }
            if let output {
                do {
                    try output.write(record.encoded(checks: judgement.evaluation.checks, template: judgement.templateBytes))
                } catch { throw .output(error) }
            }
            for observer in observers { observer.observe(record) }
        }
        return results
    }

    private func withMempool(_ prepared: TemplateVerifier.Prepared) -> TemplateVerifier.Prepared {
        guard let mempoolTxCount, case .template(var summary, let source, let bytes, let id) = prepared,
              summary.mempoolTxCount == nil, let count = mempoolTxCount() else { return prepared }
        summary.mempoolTxCount = count
        return .template(summary, source: source, bytes: bytes, proposeID: id)
    }
}

/// Why a verdict could not be delivered.
public enum VerdictEmitterError: Error, CustomStringConvertible {
    case store(StoreError)
    case output(RecordOutputError)

    public var description: String {
        switch self {
        case .store(let error): error.description
        case .output(let error): error.description
        }
    }

    /// As the tool reports it: a store failure by its kind, a closed stdout as a runtime failure.
    public var toolError: ToolError {
        switch self {
        case .store(let error): ToolError(error)
        case .output(let error): ToolError(.failure, error.description)
        }
    }
}
