/// Turns input lines into verdicts: the one code path behind `rg-verify` on a pipe and
/// `rg-verify serve` on sockets. It holds the active policy and the tip tracker; the clock is
/// passed in, so it does no I/O of its own.
public final class TemplateVerifier: @unchecked Sendable {
    public struct Options: Sendable {
        public var network: Network
        public var strip: Bool
        public var explain: Bool
        public init(network: Network = .mainnet, strip: Bool = false, explain: Bool = false) {
            self.network = network
            self.strip = strip
            self.explain = explain
        }
    }

    /// A judged template, ready to encode once the caller knows how long it took.
    public struct Judgement: Sendable {
        public var evaluation: Evaluation
        public var summary: TemplateSummary
        public var source: String
        /// The input line (the whole record) to embed, unless stripped.
        public var templateBytes: ArraySlice<UInt8>?
        /// Set for compact TemplatePropose input: the id to echo on the wire.
        public var proposeID: UInt64?
        /// The hash of the policy that judged it (a reload may happen right after).
        public var policyHash: String
        /// The policy that judged it: the wire verdict's `policy_context` quotes its limits.
        public var policy: Policy

        public func record(policyHash: String, verifiedMs: Int64, evalUs: Int64) -> VerdictRecord {
            VerdictRecord(evaluation: evaluation, summary: summary, source: source, policyHash: policyHash,
                          verifiedMs: verifiedMs, evalUs: evalUs)
        }
    }

    public enum Outcome: Sendable {
        case judged(Judgement)
        /// A record of another type: forwarded untouched.
        case passThrough
        /// Not a usable record; `code` is the stderr reason code.
        case invalid(code: String, message: String)
    }

    public let options: Options
    public private(set) var policy: Policy
    public private(set) var policyHash: String
    private var evaluator: Evaluator
    private var tips = TipTracker()
    private let lock = Lock()

    public init(policy: Policy, options: Options) {
        self.options = options
        self.policy = policy
        policyHash = policy.hash
        evaluator = Evaluator(policy: policy)
    }

    public func replacePolicy(_ policy: Policy) {
        lock.withLock {
            self.policy = policy
            policyHash = policy.hash
            evaluator = Evaluator(policy: policy)
        }
    }

    /// A line parsed and re-derived, not yet judged: the expensive, order-independent half.
    public enum Prepared: Sendable {
        case template(TemplateSummary, source: String, bytes: ArraySlice<UInt8>, proposeID: UInt64?)
        case passThrough
        case invalid(code: String, message: String)
    }

    /// Judges one line (prepare, then judge).
    public func judge(line: [UInt8], nowMs: Int64) -> Outcome {
        judge(prepare(line: line), nowMs: nowMs)
    }

    /// Parses, decodes and re-derives one line. Stateless and thread-safe, so several lines can
    /// be prepared in parallel while verdicts are still issued in input order by `judge`.
    public func prepare(line: [UInt8]) -> Prepared {
        let document: JSONDocument
        do {
            document = try JSONDocument(bytes: line)
        } catch {
            return .invalid(code: error.code.rawValue, message: error.description)
        }
        return prepare(document: document)
    }

    public func prepare(document: JSONDocument) -> Prepared {
        let root = document.root
        guard root.kind == .object else { return .invalid(code: "invalid_record", message: "a record must be a JSON object, got \(root.kind.noun)") }
        do throws(JSONError) {
            if let type = root["type"] {
                guard let name = type.string else { return .invalid(code: "invalid_record", message: "\"type\" must be a string") }
                guard name == TemplateRecord.type else { return .passThrough }
                let record = try TemplateRecord(json: root)
                let summary = record.summary(network: options.network, rederive: true)
                return .template(summary, source: record.source, bytes: document.bytes[...], proposeID: nil)
            }
            if let envelope = root["msg_type"] {
                guard envelope.string == "template_propose", let payload = root["payload"] else {
                    return .invalid(code: "invalid_record", message: "envelope msg_type \(envelope.string.map { "\"\($0)\"" } ?? "?") is not template_propose")
                }
                let propose = try TemplatePropose(json: payload, path: "payload")
                return .template(propose.summary(network: options.network, receivedMs: nil), source: "propose",
                                 bytes: document.bytes[payload.byteRange], proposeID: propose.id)
            }
            if TemplatePropose.matches(root) {
                let propose = try TemplatePropose(json: root)
                return .template(propose.summary(network: options.network, receivedMs: nil), source: "propose",
                                 bytes: document.bytes[...], proposeID: propose.id)
            }
            return .invalid(code: "invalid_record", message: "missing \"type\" (and not a TemplatePropose)")
        } catch {
            return .invalid(code: "invalid_record", message: error.description)
        }
    }

    /// Applies the policy and the tip tracker. Call in input order.
    public func judge(_ prepared: Prepared, nowMs: Int64) -> Outcome {
        switch prepared {
        case .passThrough: return .passThrough
        case .invalid(let code, let message): return .invalid(code: code, message: message)
        case .template(let summary, let source, let bytes, let proposeID):
            return .judged(finish(summary, source: source, bytes: bytes, proposeID: proposeID, nowMs: nowMs))
        }
    }

    private func finish(_ summary: TemplateSummary, source: String, bytes: ArraySlice<UInt8>, proposeID: UInt64?, nowMs: Int64) -> Judgement {
        let (evaluation, hash, policy): (Evaluation, String, Policy) = lock.withLock {
            let e = evaluator.evaluate(summary, nowMs: nowMs, bestHeightSeen: tips.bestHeight, explain: options.explain)
            if let height = summary.height, Hex.isHex(summary.prevHash) {
                tips.observe(height: height, prevHash: summary.prevHash)
            }
            return (e, policyHash, self.policy)
        }
        return Judgement(evaluation: evaluation, summary: summary, source: source,
                         templateBytes: options.strip ? nil : bytes, proposeID: proposeID, policyHash: hash, policy: policy)
    }

    /// The policy hash in force, read under the lock (for callers that encode later).
    public var currentPolicyHash: String { lock.withLock { policyHash } }
}
