/// The CSV form of verdicts (`rg-stat export verdicts --format csv`): one header line, then one
/// row per verdict, in the order given.
///
/// The header, fixed (columns are only ever appended, never renamed or reordered):
///
/// ```
/// template_id,source,height,prev_hash,accepted,reason_code,reason_detail,warnings,fee_tier,tier_source,min_avg_fee_used,policy_hash,tx_count,total_fees,avg_fee,weight,weight_ratio,sigops,coinbase_value,age_ms,verified_ms,verified_at,eval_us
/// ```
///
/// Cells:
/// - A field containing `,`, `"`, CR or LF is wrapped in double quotes with every `"` doubled
///   (RFC 4180 §2.6–2.7); other fields are written bare.
/// - A missing value (`null` in the record) is an empty cell; an empty string is also empty.
/// - Integers (satoshis, counts, ms, µs) are plain base-10 integers; `accepted` is `true`/`false`;
///   `weight_ratio` has exactly 6 fraction digits (`0.975000`); nothing depends on the locale.
/// - `warnings` is the warning codes joined by `;` (details are in the NDJSON export).
/// - `verified_at` repeats `verified_ms` as RFC 3339 UTC with milliseconds, for spreadsheets.
/// - Lines end with LF, not RFC 4180's CRLF: every CSV reader accepts LF, and it keeps `awk`,
///   `cut` and `diff` output clean. A CR inside a field is quoted, so it is never mistaken for one.
public enum VerdictCSV {
    public static let columns: [String] = [
        "template_id", "source", "height", "prev_hash", "accepted", "reason_code", "reason_detail", "warnings",
        "fee_tier", "tier_source", "min_avg_fee_used", "policy_hash", "tx_count", "total_fees", "avg_fee",
        "weight", "weight_ratio", "sigops", "coinbase_value", "age_ms", "verified_ms", "verified_at", "eval_us",
    ]

    /// The header line without its newline.
    public static let header = columns.joined(separator: ",")

    public static let weightRatioDigits = 6

    /// One row, without its newline.
    public static func row(_ v: VerdictRecord) -> String {
        var cells: [String] = []
        cells.reserveCapacity(columns.count)
        cells.append(v.templateID)
        cells.append(v.source ?? "")
        cells.append(int(v.height))
        cells.append(v.prevHash)
        cells.append(v.accepted ? "true" : "false")
        cells.append(v.reasonCode ?? "")
        cells.append(v.reasonDetail ?? "")
        cells.append(v.warnings.map(\.code).joined(separator: ";"))
        cells.append(v.feeTier)
        cells.append(v.tierSource)
        cells.append(int(v.minAvgFeeUsed))
        cells.append(v.policyHash)
        cells.append(String(v.txCount))
        cells.append(String(v.totalFees))
        cells.append(String(v.avgFee))
        cells.append(int(v.weight))
        cells.append(ratio(v.weightRatio))
        cells.append(int(v.sigops))
        cells.append(String(v.coinbaseValue))
        cells.append(int(v.ageMs))
        cells.append(String(v.verifiedMs))
        cells.append(RecordTime.rfc3339(ms: v.verifiedMs))
        cells.append(String(v.evalUs))
        return cells.map(quoted).joined(separator: ",")
    }

    private static func needsQuoting(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "\""), 0x0A, 0x0D: true
        default: false
        }
    }

    private static func int(_ value: Int64?) -> String {
        guard let value else { return "" }
        return String(value)
    }

    private static func ratio(_ value: Double?) -> String {
        guard let value, let text = FixedDecimal.format(value, fractionDigits: weightRatioDigits) else { return "" }
        return text
    }

    /// RFC 4180 quoting: only when needed, `"` doubled inside.
    public static func quoted(_ field: String) -> String {
        guard field.utf8.contains(where: needsQuoting) else { return field }
        var out = "\""
        for ch in field.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }
}
