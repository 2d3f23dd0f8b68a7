import TOMLKit

/// Reads a policy from TOML text. Strict: an unknown key, a wrong type or an inconsistent value
/// is an error naming the key and its line — a typo must never silently fall back to a default.
public enum PolicyLoader {
    /// Every key of the `[policy]` table, in documentation order.
    public static let keys: [String] = [
        "protocol_version", "required_prevhash_len", "min_avg_fee_lo", "min_avg_fee_mid", "min_avg_fee_hi",
        "low_mempool_tx", "high_mempool_tx", "min_total_fees", "max_tx_count", "reject_empty_templates",
        "reject_coinbase_zero", "unknown_mempool_as_high", "max_weight_ratio", "max_template_age_secs",
        "max_sigops_cost", "max_coinbase_sigops", "warn_only",
    ]

    public static func load(toml text: String, file: String? = nil) throws(PolicyError) -> Policy {
        do throws(PolicyError) {
            return try parse(text)
        } catch {
            var located = error
            located.file = file
            throw located
        }
    }

    private static func parse(_ text: String) throws(PolicyError) -> Policy {
        let lines = TOMLKeyLines(text)
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw PolicyError(.syntax, line: error.source.begin.line, "TOML syntax error: \(error.description)")
        } catch {
            throw PolicyError(.syntax, "TOML syntax error: \(error)")
        }
        for key in root.keys where key != "policy" {
            throw PolicyError(.unknownKey, key: key, line: lines.line(of: key),
                              "unknown top-level key or table \"\(key)\"; a policy file holds only a [policy] table")
        }
        guard let table = root["policy"]?.table else {
            if root["policy"] != nil {
                throw PolicyError(.wrongType, key: "policy", line: lines.line(of: "policy"), "\"policy\" must be a table: [policy]")
            }
            throw PolicyError(.missingTable, key: "policy", "missing the [policy] table")
        }
        var reader = TableReader(table: table, lines: lines)
        for key in table.keys where !keys.contains(key) {
            let hint = keys.min(by: { editDistance($0, key) < editDistance($1, key) }).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw PolicyError(.unknownKey, key: key, line: lines.line(of: "policy.\(key)"),
                              "unknown key \"\(key)\" in [policy]\(hint)")
        }

        var p = Policy.defaults
        p.protocolVersion = Int(try reader.int("protocol_version", default: Int64(p.protocolVersion)))
        p.requiredPrevhashLength = Int(try reader.int("required_prevhash_len", default: Int64(p.requiredPrevhashLength)))
        p.minAvgFeeLow = try reader.int("min_avg_fee_lo", default: p.minAvgFeeLow)
        p.minAvgFeeMid = try reader.int("min_avg_fee_mid", default: p.minAvgFeeMid)
        p.minAvgFeeHigh = try reader.int("min_avg_fee_hi", default: p.minAvgFeeHigh)
        p.lowMempoolTx = try reader.int("low_mempool_tx", default: p.lowMempoolTx)
        p.highMempoolTx = try reader.int("high_mempool_tx", default: p.highMempoolTx)
        p.minTotalFees = try reader.int("min_total_fees", default: p.minTotalFees)
        p.maxTxCount = try reader.int("max_tx_count", default: p.maxTxCount)
        p.rejectEmptyTemplates = try reader.bool("reject_empty_templates", default: p.rejectEmptyTemplates)
        p.rejectCoinbaseZero = try reader.bool("reject_coinbase_zero", default: p.rejectCoinbaseZero)
        p.unknownMempoolAsHigh = try reader.bool("unknown_mempool_as_high", default: p.unknownMempoolAsHigh)
        p.maxWeightRatio = try reader.double("max_weight_ratio", default: p.maxWeightRatio)
        p.maxTemplateAgeSecs = try reader.int("max_template_age_secs", default: p.maxTemplateAgeSecs)
        p.maxSigopsCost = try reader.int("max_sigops_cost", default: p.maxSigopsCost)
        p.maxCoinbaseSigops = try reader.int("max_coinbase_sigops", default: p.maxCoinbaseSigops)
        p.warnOnly = try reader.reasons("warn_only")
        try validate(p, lines: lines)
        return p
    }

    /// Consistency rules. Each failure names the key (and the other key it conflicts with).
    static func validate(_ p: Policy, lines: TOMLKeyLines) throws(PolicyError) {
        func fail(_ key: String, _ message: String) throws(PolicyError) {
            throw PolicyError(.invalidValue, key: key, line: lines.line(of: "policy.\(key)"), message)
        }
        if p.protocolVersion != 2 { try fail("protocol_version", "protocol_version (\(p.protocolVersion)) must be 2, the only TemplatePropose version this verifier speaks") }
        if p.requiredPrevhashLength <= 0 { try fail("required_prevhash_len", "required_prevhash_len (\(p.requiredPrevhashLength)) must be > 0 (a block hash is 64 hex digits)") }
        for (key, value) in [("min_avg_fee_lo", p.minAvgFeeLow), ("min_avg_fee_mid", p.minAvgFeeMid), ("min_avg_fee_hi", p.minAvgFeeHigh),
                             ("low_mempool_tx", p.lowMempoolTx), ("high_mempool_tx", p.highMempoolTx), ("min_total_fees", p.minTotalFees)]
        where value < 0 {
            try fail(key, "\(key) (\(value)) must be ≥ 0")
        }
        if p.minAvgFeeLow > p.minAvgFeeMid { try fail("min_avg_fee_lo", "min_avg_fee_lo (\(p.minAvgFeeLow)) must be ≤ min_avg_fee_mid (\(p.minAvgFeeMid))") }
        if p.minAvgFeeMid > p.minAvgFeeHigh { try fail("min_avg_fee_mid", "min_avg_fee_mid (\(p.minAvgFeeMid)) must be ≤ min_avg_fee_hi (\(p.minAvgFeeHigh))") }
        if p.lowMempoolTx > p.highMempoolTx { try fail("low_mempool_tx", "low_mempool_tx (\(p.lowMempoolTx)) must be ≤ high_mempool_tx (\(p.highMempoolTx))") }
        if p.maxTxCount <= 0 { try fail("max_tx_count", "max_tx_count (\(p.maxTxCount)) must be > 0; use reject_empty_templates to control empty templates") }
        if !(p.maxWeightRatio.isFinite && p.maxWeightRatio > 0 && p.maxWeightRatio <= 1) {
            try fail("max_weight_ratio", "max_weight_ratio (\(p.maxWeightRatio)) must be in (0, 1]")
        }
        if p.maxTemplateAgeSecs <= 0 { try fail("max_template_age_secs", "max_template_age_secs (\(p.maxTemplateAgeSecs)) must be > 0") }
        if !(1...ConsensusLimits.maxBlockSigopsCost).contains(p.maxSigopsCost) { try fail("max_sigops_cost", "max_sigops_cost (\(p.maxSigopsCost)) must be in 1…80000 (the consensus sigop-cost limit)") }
        if !(0...p.maxSigopsCost).contains(p.maxCoinbaseSigops) {
            try fail("max_coinbase_sigops", "max_coinbase_sigops (\(p.maxCoinbaseSigops)) must be in 0…max_sigops_cost (\(p.maxSigopsCost))")
        }
    }

    private struct TableReader {
        let table: TOMLTable
        let lines: TOMLKeyLines

        func wrongType(_ key: String, _ expected: String, _ value: TOMLValueConvertible) -> PolicyError {
            PolicyError(.wrongType, key: key, line: lines.line(of: "policy.\(key)"),
                        "\(key) must be \(expected), not a \(value.type.description) (\(value.debugDescription))")
        }

        mutating func int(_ key: String, default value: Int64) throws(PolicyError) -> Int64 {
            guard let v = table[key] else { return value }
            guard v.type == .int, let n = v.int else { throw wrongType(key, "an integer", v) }
            return Int64(n)
        }

        mutating func double(_ key: String, default value: Double) throws(PolicyError) -> Double {
            guard let v = table[key] else { return value }
            if v.type == .int, let n = v.int { return Double(n) }
            guard v.type == .double, let d = v.double else { throw wrongType(key, "a number", v) }
            return d
        }

        mutating func bool(_ key: String, default value: Bool) throws(PolicyError) -> Bool {
            guard let v = table[key] else { return value }
            guard v.type == .bool, let b = v.bool else { throw wrongType(key, "true or false", v) }
            return b
        }

        mutating func reasons(_ key: String) throws(PolicyError) -> Set<VerdictReason> {
            guard let v = table[key] else { return [] }
            guard v.type == .array, let array = v.array else { throw wrongType(key, "an array of reason codes", v) }
            var result: Set<VerdictReason> = []
            for element in array {
                guard element.type == .string, let code = element.string else { throw wrongType(key, "an array of reason codes", element) }
                guard let reason = VerdictReason(rawValue: code) else {
                    throw PolicyError(.invalidValue, key: key, line: lines.line(of: "policy.\(key)"),
                                      "warn_only: unknown reason code \"\(code)\"; known codes: \(VerdictReason.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                result.insert(reason)
            }
            return result
        }
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where i <= a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where j <= b.count {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return row[b.count]
    }
}

/// Where each key is defined in a TOML text, for error messages (TOMLKit reports positions
/// for syntax errors only). Handles `[table]` headers, bare, quoted and dotted keys.
struct TOMLKeyLines {
    private var lineOfKey: [String: Int] = [:]

    init(_ text: String) {
        var table = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingLeadingSpaces
            guard let first = line.first, first != "#" else { continue }
            if first == "[" {
                let name = line.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" })
                table = TOMLKeyLines.normalize(String(name))
                if lineOfKey[table] == nil { lineOfKey[table] = index + 1 }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = TOMLKeyLines.normalize(String(line[..<equals]))
            let full = table.isEmpty ? key : "\(table).\(key)"
            if lineOfKey[full] == nil { lineOfKey[full] = index + 1 }
        }
    }

    func line(of dottedKey: String) -> Int? { lineOfKey[dottedKey] }

    private static func normalize(_ key: String) -> String {
        key.split(separator: ".").map { part in
            part.trimmingCharacters(in: " \t\"'")
        }.joined(separator: ".")
    }
}

extension Substring {
    fileprivate var trimmingLeadingSpaces: Substring { drop(while: { $0 == " " || $0 == "\t" }) }
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
