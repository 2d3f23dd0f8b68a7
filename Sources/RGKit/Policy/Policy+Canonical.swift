/// The policy as canonical TOML (every key, fixed order, no comments) and its hash: two files
/// that differ only in comments or layout get the same hash, and a verdict names exactly
/// which rules judged it.
extension Policy {
    public var canonicalTOML: String {
        var lines = ["[policy]"]
        lines.append("protocol_version = \(protocolVersion)")
        lines.append("required_prevhash_len = \(requiredPrevhashLength)")
        lines.append("min_avg_fee_lo = \(minAvgFeeLow)")
        lines.append("min_avg_fee_mid = \(minAvgFeeMid)")
        lines.append("min_avg_fee_hi = \(minAvgFeeHigh)")
        lines.append("low_mempool_tx = \(lowMempoolTx)")
        lines.append("high_mempool_tx = \(highMempoolTx)")
        lines.append("min_total_fees = \(minTotalFees)")
        lines.append("max_tx_count = \(maxTxCount)")
        lines.append("reject_empty_templates = \(rejectEmptyTemplates)")
        lines.append("reject_coinbase_zero = \(rejectCoinbaseZero)")
        lines.append("unknown_mempool_as_high = \(unknownMempoolAsHigh)")
        lines.append("max_weight_ratio = \(maxWeightRatio)")
        lines.append("max_template_age_secs = \(maxTemplateAgeSecs)")
        lines.append("max_sigops_cost = \(maxSigopsCost)")
        lines.append("max_coinbase_sigops = \(maxCoinbaseSigops)")
        let codes = warnOnly.sorted().map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        lines.append("warn_only = [\(codes)]")
        return lines.joined(separator: "\n") + "\n"
    }

    /// First 16 hex digits of SHA-256 over the canonical TOML.
    public var hash: String { String(SHA256Hash.hash(Array(canonicalTOML.utf8)).hex.prefix(16)) }
}
