/// Totals over a set of verdicts: how many were accepted, why the others were rejected, which
/// fee tiers applied, and how long evaluation took. Fed one record at a time from a stream
/// (`rg-stat summary`) or filled from SQL aggregates over the store (`VerdictStore.summary`),
/// and written the same way in both cases.
///
/// The `summary` record, fields always in this order (maps omit zero counts):
///
/// ```
/// {"type":"summary",
///  "total":N,"accepted":N,"rejected":N,
///  "by_reason":{"<reason_code>":N,…},      rejected verdicts only; VerdictReason order, unknown codes after, A→Z
///  "by_tier":{"low":N,"mid":N,"high":N},   then unknown tiers A→Z
///  "by_tier_source":{"measured":N,"fallback":N},
///  "by_warning":{"<reason_code>":N,…},     verdicts carrying each warning, same order as by_reason
///  "eval_us":{"p50":N,"p99":N,"max":N}|null,
///  "first_verified_ms":N|null,"last_verified_ms":N|null,   smallest and largest verified_ms seen
///  "since_ms":N|null,"until_ms":N|null,   the [since, until) range asked of the store; null for a stream
///  "records_by_type":{"<type>":N,…},       every valid record read, verdicts included, A→Z
///  "bad_lines":N}
/// ```
///
/// Percentiles are exact nearest-rank values over every `eval_us` collected (the p-th
/// percentile is the ⌈p·n/100⌉-th smallest), so they are always a latency that was actually
/// measured. That costs 8 bytes per verdict held until the end.
public struct VerdictSummary: Sendable, Equatable {
    public static let type = "summary"
    /// Distinct keys kept per map; further unknown codes or types are counted under `_other`,
    /// so a stream of made-up record types cannot grow memory without bound.
    public static let maxKeysPerMap = 256
    public static let overflowKey = "_other"

    public struct Latency: Sendable, Equatable {
        public var p50: Int64
        public var p99: Int64
        public var max: Int64
        public init(p50: Int64, p99: Int64, max: Int64) {
            self.p50 = p50
            self.p99 = p99
            self.max = max
        }
    }

    /// A line that was not a valid record: `code` is the reason code printed on stderr
    /// (`invalid_json`, `invalid_utf8`, `invalid_record`, …), `detail` says what is wrong.
    public struct BadLine: Error, Sendable, Equatable, CustomStringConvertible {
        public var code: String
        public var detail: String
        public init(code: String, detail: String) {
            self.code = code
            self.detail = detail
        }
        public var description: String { detail.isEmpty ? code : "\(code): \(detail)" }
    }

    public var total: Int64 = 0
    public var accepted: Int64 = 0
    public var rejected: Int64 { total - accepted }
    public var byReason: [String: Int64] = [:]
    public var byTier: [String: Int64] = [:]
    public var byTierSource: [String: Int64] = [:]
    public var byWarning: [String: Int64] = [:]
    /// Every `eval_us` seen, in arrival order.
    public var evalUsSamples: [Int64] = []
    public var firstVerifiedMs: Int64?
    public var lastVerifiedMs: Int64?
    public var sinceMs: Int64?
    public var untilMs: Int64?
    public var recordsByType: [String: Int64] = [:]
    public var badLines: Int64 = 0

    public init() {}

    // MARK: feeding

    /// Counts one verdict. `keepSample` false leaves its `eval_us` out of `evalUsSamples` (a
    /// long-running server keeps its latencies in a histogram instead and sets
    /// `precomputedLatency`).
    public mutating func add(_ v: VerdictRecord, keepSample: Bool = true) {
        total += 1
        Self.bump(&recordsByType, VerdictRecord.type)
        if v.accepted {
            accepted += 1
        } else {
            Self.bump(&byReason, v.reasonCode ?? "unknown")
        }
        Self.bump(&byTier, v.feeTier)
        Self.bump(&byTierSource, v.tierSource)
        var seen: Set<String> = []
        for w in v.warnings where seen.insert(w.code).inserted { Self.bump(&byWarning, w.code) }
        if keepSample { evalUsSamples.append(v.evalUs) }
        firstVerifiedMs = Swift.min(firstVerifiedMs ?? v.verifiedMs, v.verifiedMs)
        lastVerifiedMs = Swift.max(lastVerifiedMs ?? v.verifiedMs, v.verifiedMs)
    }

    /// Reads one NDJSON line: a verdict is counted in full, any other record only by its type.
    /// Blank lines are ignored. A bad line is counted in `badLines` and thrown back so the caller
    /// can report it. A ~3 MB verdict with its embedded template costs one tape parse; the
    /// template itself is skipped, never decoded.
    public mutating func add(line: [UInt8]) throws(BadLine) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        do {
            let root = try JSONDocument(bytes: line).root
            guard root.kind == .object else {
                throw BadLine(code: "invalid_record", detail: "expected a JSON object, got \(root.kind.noun)")
            }
            guard let typeValue = root["type"] else { throw BadLine(code: "invalid_record", detail: "missing \"type\"") }
            guard let type = typeValue.string else { throw BadLine(code: "invalid_record", detail: "\"type\" is \(typeValue.kind.noun), expected a string") }
            if type == VerdictRecord.type {
                do {
                    add(try VerdictRecord(json: root))
                } catch {
                    throw BadLine(code: "invalid_record", detail: error.detail.isEmpty ? error.code.rawValue : error.detail)
                }
            } else {
                Self.bump(&recordsByType, type)
            }
        } catch let error as BadLine {
            badLines += 1
            throw error
        } catch let error as JSONError {
            badLines += 1
            throw BadLine(code: error.code.rawValue, detail: error.detail + (error.offset.map { " (byte \($0))" } ?? ""))
        } catch {
            badLines += 1
            throw BadLine(code: "invalid_record", detail: "\(error)")
        }
    }

    /// Counts a line that never reached the parser (longer than the line limit).
    public mutating func addBadLine() { badLines += 1 }

    private static func bump(_ map: inout [String: Int64], _ key: String) {
        if map[key] == nil && map.count >= maxKeysPerMap {
            map[overflowKey, default: 0] += 1
        } else {
            map[key, default: 0] += 1
        }
    }

    // MARK: figures

    /// Percentiles measured elsewhere, reported when no samples are held.
    public var precomputedLatency: Latency?

    /// p50, p99 and max of `eval_us`; nil when there were no verdicts.
    public var latency: Latency? {
        guard !evalUsSamples.isEmpty else { return precomputedLatency }
        let sorted = evalUsSamples.sorted()
        return Latency(p50: Self.percentile(sorted, 50), p99: Self.percentile(sorted, 99), max: sorted[sorted.count - 1])
    }

    /// Nearest-rank percentile of an ascending, non-empty array.
    public static func percentile(_ sorted: [Int64], _ p: Int) -> Int64 {
        let rank = (p * sorted.count + 99) / 100
        return sorted[Swift.max(1, Swift.min(rank, sorted.count)) - 1]
    }

    // MARK: output

    /// The `summary` record without a trailing newline (field order in the type's doc comment).
    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.field("type", Self.type)
        w.field("total", total)
        w.field("accepted", accepted)
        w.field("rejected", rejected)
        Self.writeMap(&w, "by_reason", Self.ordered(byReason, first: VerdictReason.allCases.map(\.rawValue)))
        Self.writeMap(&w, "by_tier", Self.ordered(byTier, first: FeeTier.allCases.map(\.rawValue)))
        Self.writeMap(&w, "by_tier_source", Self.ordered(byTierSource, first: [TierSource.measured.rawValue, TierSource.fallback.rawValue]))
        Self.writeMap(&w, "by_warning", Self.ordered(byWarning, first: VerdictReason.allCases.map(\.rawValue)))
        w.key("eval_us")
        if let l = latency {
            w.beginObject()
            w.field("p50", l.p50)
            w.field("p99", l.p99)
            w.field("max", l.max)
            w.endObject()
        } else {
            w.null()
        }
        w.field("first_verified_ms", firstVerifiedMs)
        w.field("last_verified_ms", lastVerifiedMs)
        w.field("since_ms", sinceMs)
        w.field("until_ms", untilMs)
        Self.writeMap(&w, "records_by_type", Self.ordered(recordsByType, first: []))
        w.field("bad_lines", badLines)
        w.endObject()
        return w.bytes
    }

    /// A table for people (stdout is a terminal, or `--table`). Not a stable format: scripts
    /// read the `summary` record.
    public func table() -> String {
        var rows: [(String, String)] = []
        func percent(_ n: Int64) -> String {
            guard total > 0, let text = FixedDecimal.format(Double(n) * 100 / Double(total), fractionDigits: 1) else { return "\(n)" }
            return "\(n)  \(text)%"
        }
        rows.append(("verdicts", "\(total)"))
        rows.append(("  accepted", percent(accepted)))
        rows.append(("  rejected", percent(rejected)))
        func section(_ title: String, _ pairs: [(String, Int64)], percentages: Bool = true) {
            guard !pairs.isEmpty else { return }
            rows.append((title, ""))
            for (k, n) in pairs { rows.append(("  " + k, percentages ? percent(n) : "\(n)")) }
        }
        section("rejected by reason", Self.ordered(byReason, first: VerdictReason.allCases.map(\.rawValue)))
        section("fee tier", Self.ordered(byTier, first: FeeTier.allCases.map(\.rawValue)))
        section("tier source", Self.ordered(byTierSource, first: [TierSource.measured.rawValue, TierSource.fallback.rawValue]))
        section("warnings", Self.ordered(byWarning, first: VerdictReason.allCases.map(\.rawValue)))
        if let l = latency {
            rows.append(("eval latency (µs)", "p50 \(l.p50)  p99 \(l.p99)  max \(l.max)"))
        }
        if let first = firstVerifiedMs, let last = lastVerifiedMs {
            rows.append(("verified", "\(RecordTime.rfc3339(ms: first)) … \(RecordTime.rfc3339(ms: last))"))
        }
        if sinceMs != nil || untilMs != nil {
            let since = sinceMs.map { RecordTime.rfc3339(ms: $0) } ?? "start"
            let until = untilMs.map { RecordTime.rfc3339(ms: $0) } ?? "end"
            rows.append(("range", "[\(since), \(until))"))
        }
        let others = Self.ordered(recordsByType, first: []).filter { $0.0 != VerdictRecord.type }
        if !others.isEmpty { section("other records", others, percentages: false) }
        rows.append(("bad lines", "\(badLines)"))
        let width = rows.map { $0.0.count }.max() ?? 0
        var out = ""
        for (label, value) in rows {
            out += value.isEmpty ? label : label + String(repeating: " ", count: width - label.count + 2) + value
            out += "\n"
        }
        return out
    }

    /// Known keys in their natural order, then the rest A→Z; zero counts dropped.
    static func ordered(_ map: [String: Int64], first known: [String]) -> [(String, Int64)] {
        var out: [(String, Int64)] = []
        for k in known { if let n = map[k], n != 0 { out.append((k, n)) } }
        let knownSet = Set(known)
        for k in map.keys.sorted() where !knownSet.contains(k) {
            if let n = map[k], n != 0 { out.append((k, n)) }
        }
        return out
    }

    private static func writeMap(_ w: inout JSONWriter, _ name: StaticString, _ pairs: [(String, Int64)]) {
        w.key(name)
        w.beginObject()
        for (k, n) in pairs {
            w.key(k)
            w.int(n)
        }
        w.endObject()
    }
}
