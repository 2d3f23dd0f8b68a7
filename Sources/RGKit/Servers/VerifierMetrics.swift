import Histogram
import Metrics

/// `rg-verify serve`'s Prometheus metrics, created once at start-up with bounded labels
/// (STYLE.md §7). Counter names carry their `_total` once; the exporter adds nothing.
///
/// - `rg_verify_verdicts_total{accepted,reason_code}` (`reason_code="ok"` when accepted)
/// - `rg_verify_eval_seconds` histogram: prepare + judge per template (the record's `eval_us`)
/// - `rg_verify_request_seconds` histogram: request line read → reply written, on the server
/// - `rg_verify_connections_active`, `rg_verify_connections_accepted_total`,
///   `rg_verify_connections_refused_total{reason=global_cap|per_ip_cap}`,
///   `rg_verify_connections_closed_total{reason=idle_timeout|line_too_long|tls_handshake_timeout}`
/// - `rg_verify_request_errors_total{code}`, `rg_verify_heartbeats_total`
/// - `rg_verify_policy_reloads_total{result}` and `rg_verify_store_failures_total` (from
///   `LivePolicy` and `VerdictWorker`)
public final class VerifierMetrics: VerdictObserver, @unchecked Sendable {
    public enum CloseReason: String, CaseIterable, Sendable {
        case idleTimeout = "idle_timeout"
        case lineTooLong = "line_too_long"
        case tlsHandshakeTimeout = "tls_handshake_timeout"
    }

    /// Every code an error reply can carry: the label set stays bounded whatever peers send.
    public static let requestErrorCodes = [
        "invalid_json", "truncated_json", "json_too_deep", "invalid_utf8", "missing_field", "wrong_type", "out_of_range",
        "invalid_record", "unknown_msg_type", "unsupported_record", "line_too_long", "store_failed", "output_failed",
        "shutting_down", "idle_timeout",
    ]

    private let acceptedVerdicts: Counter
    private let rejectedVerdicts: [String: Counter]
    private let unknownReason: Counter
    private let evalTimer = Timer(label: "rg_verify_eval_seconds")
    let requestTimer = Timer(label: "rg_verify_request_seconds")
    let connectionsActive = Meter(label: "rg_verify_connections_active")
    let connectionsAccepted = Counter(label: "rg_verify_connections_accepted_total")
    private let refused: [ConnectionLimiter.Refusal: Counter]
    private let closed: [CloseReason: Counter]
    private let requestErrors: [String: Counter]
    let heartbeats = Counter(label: "rg_verify_heartbeats_total")

    public init() {
        acceptedVerdicts = Counter(label: "rg_verify_verdicts_total", dimensions: [("accepted", "true"), ("reason_code", "ok")])
        var rejected: [String: Counter] = [:]
        for reason in VerdictReason.allCases {
            rejected[reason.rawValue] = Counter(label: "rg_verify_verdicts_total", dimensions: [("accepted", "false"), ("reason_code", reason.rawValue)])
        }
        rejectedVerdicts = rejected
        unknownReason = Counter(label: "rg_verify_verdicts_total", dimensions: [("accepted", "false"), ("reason_code", "unknown")])
        refused = Dictionary(uniqueKeysWithValues: [ConnectionLimiter.Refusal.globalCap, .perIPCap].map {
            ($0, Counter(label: "rg_verify_connections_refused_total", dimensions: [("reason", $0.rawValue)]))
        })
        closed = Dictionary(uniqueKeysWithValues: CloseReason.allCases.map {
            ($0, Counter(label: "rg_verify_connections_closed_total", dimensions: [("reason", $0.rawValue)]))
        })
        requestErrors = Dictionary(uniqueKeysWithValues: Self.requestErrorCodes.map {
            ($0, Counter(label: "rg_verify_request_errors_total", dimensions: [("code", $0)]))
        })
        // Present (at zero) from the start, so a dashboard sees the series before traffic.
        connectionsActive.set(0)
    }

    public func observe(_ record: VerdictRecord) {
        if record.accepted {
            acceptedVerdicts.increment()
        } else {
            (record.reasonCode.flatMap { rejectedVerdicts[$0] } ?? unknownReason).increment()
        }
        evalTimer.recordMicroseconds(record.evalUs)
    }

    func refusedConnection(_ reason: ConnectionLimiter.Refusal) { refused[reason]?.increment() }
    func closedConnection(_ reason: CloseReason) { closed[reason]?.increment() }
    func requestError(_ code: String) { (requestErrors[code] ?? requestErrors["invalid_record"])?.increment() }
}

/// What the HTTP API shows when there is no database: the last verdicts (a ring) and running
/// totals over every verdict since start-up — not just the ring, so `/stats` never silently
/// covers only the last thousand (the reference's bug). Latency percentiles come from an HDR
/// histogram (3 significant digits), so memory stays constant however long the server runs.
public final class RecentVerdicts: VerdictObserver, @unchecked Sendable {
    private let lock = Lock()
    private var ring: VerdictRing
    private var totals = VerdictSummary()
    private var evalUs = Histogram<UInt64>(numberOfSignificantValueDigits: .three)

    public init(capacity: Int) {
        ring = VerdictRing(capacity: capacity)
        evalUs.autoResize = true
    }

    public func observe(_ record: VerdictRecord) {
        lock.withLock {
            ring.append(record)
            totals.add(record, keepSample: false)
            _ = evalUs.record(UInt64(max(0, record.evalUs)))
        }
    }

    public func page(_ filter: VerdictFilter, after: Int64?, limit: Int) -> (entries: [VerdictRing.Entry], next: Int64?) {
        lock.withLock { ring.page(filter, after: after, limit: limit) }
    }

    /// Totals since start-up, as a `summary` record would show them.
    public var summary: VerdictSummary {
        lock.withLock {
            var s = totals
            if evalUs.totalCount > 0 {
                s.precomputedLatency = .init(p50: Int64(evalUs.valueAtPercentile(50)), p99: Int64(evalUs.valueAtPercentile(99)),
                                             max: Int64(evalUs.max))
            }
            return s
        }
    }
}
