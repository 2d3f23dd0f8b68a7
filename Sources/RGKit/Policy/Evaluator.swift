/// Judges templates against a policy. Pure: the clock and the best height already seen come
/// in as arguments, so the same inputs always give the same evaluation.
///
/// Checks run in `VerdictReason` order and the first failure wins, so a verdict has exactly
/// one reason; a check listed in `warn_only` records a warning and evaluation goes on.
public struct Evaluator: Sendable {
    public var policy: Policy
    public static let maxBlockWeight = ConsensusLimits.maxBlockWeight

    public init(policy: Policy) { self.policy = policy }

    public func evaluate(_ t: TemplateSummary, nowMs: Int64, bestHeightSeen: Int64? = nil, explain: Bool = false) -> Evaluation {
        let (tier, source) = policy.feeTier(mempoolTxCount: t.mempoolTxCount)
        let minAvgFee = policy.minAvgFee(for: tier)
        let avgFee = t.txCount > 0 ? t.totalFeesSat / t.txCount : 0
        let weightRatio = t.weight.map { Double($0) / Double(Evaluator.maxBlockWeight) }
        let ageMs = t.ageReferenceMs.map { max(0, nowMs - $0) }
        var result = Evaluation(
            reason: nil, detail: nil, feeTier: tier, tierSource: source, minAvgFeeUsed: minAvgFee,
            stats: .init(txCount: t.txCount, totalFees: t.totalFeesSat, avgFee: avgFee, weight: t.weight,
                         weightRatio: weightRatio, sigops: t.sigops, coinbaseValue: t.coinbaseValueSat, ageMs: ageMs),
            checks: explain ? [] : nil)

        /// Records one check; returns true when evaluation must stop (a rejection).
        func check(_ code: VerdictReason, failed: Bool, value: @autoclosure () -> String, limit: @autoclosure () -> String,
                   detail: @autoclosure () -> String) -> Bool {
            let warnOnly = policy.warnOnly.contains(code)
            if explain {
                result.checks?.append(.init(code: code, outcome: failed ? (warnOnly ? .warn : .fail) : .pass, value: value(), limit: limit()))
            }
            guard failed else { return false }
            if warnOnly {
                result.warnings.append(.init(code: code, detail: detail()))
                return false
            }
            result.reason = code
            result.detail = detail()
            return true
        }
        func skip(_ code: VerdictReason, _ why: String) {
            if explain { result.checks?.append(.init(code: code, outcome: .skipped, value: why, limit: "")) }
        }

        // A. Basic validity
        if let version = t.protocolVersion {
            if check(.protocolVersionMismatch, failed: version != Int64(policy.protocolVersion), value: "\(version)",
                     limit: "\(policy.protocolVersion)", detail: "protocol_version got=\(version) expected=\(policy.protocolVersion)") { return result }
        } else {
            skip(.protocolVersionMismatch, "getblocktemplate record")
        }
        let prevLength = t.prevHash.utf8.count
        if check(.prevHashLengthMismatch, failed: prevLength != policy.requiredPrevhashLength, value: "\(prevLength)",
                 limit: "\(policy.requiredPrevhashLength)",
                 detail: "prev_hash has \(prevLength) characters, required_prevhash_len is \(policy.requiredPrevhashLength)") { return result }
        let prevIsHex = Hex.isHex(t.prevHash)
        if check(.invalidPrevHash, failed: !prevIsHex, value: prevIsHex ? "hex" : "not hex", limit: "hex digits only",
                 detail: "prev_hash contains a character that is not a hex digit") { return result }
        if let height = t.height, let best = bestHeightSeen {
            if check(.tipRegressed, failed: height < best, value: "\(height)", limit: "≥ \(best)",
                     detail: "height \(height) is below height \(best) already seen: prev_hash \(t.prevHash) builds on a tip the chain has left (reorg or lagging source)") { return result }
        } else {
            skip(.tipRegressed, "no earlier template")
        }

        // B. Template constraints
        if policy.rejectEmptyTemplates {
            if check(.emptyTemplateRejected, failed: t.txCount == 0, value: "\(t.txCount) txs", limit: "≥ 1 tx",
                     detail: "template has 0 transactions (reject_empty_templates = true)") { return result }
        } else {
            skip(.emptyTemplateRejected, "reject_empty_templates = false")
        }
        if policy.rejectCoinbaseZero {
            if check(.coinbaseValueZeroRejected, failed: t.coinbaseValueSat == 0 && t.txCount > 0, value: "\(t.coinbaseValueSat) sat",
                     limit: "> 0 sat", detail: "coinbase value is 0 with \(t.txCount) transactions (reject_coinbase_zero = true)") { return result }
        } else {
            skip(.coinbaseValueZeroRejected, "reject_coinbase_zero = false")
        }
        if check(.txCountExceeded, failed: t.txCount > policy.maxTxCount, value: "\(t.txCount)", limit: "≤ \(policy.maxTxCount)",
                 detail: "\(t.txCount) transactions > max_tx_count \(policy.maxTxCount)") { return result }
        if check(.totalFeesBelowMinimum, failed: t.totalFeesSat < policy.minTotalFees, value: "\(t.totalFeesSat) sat",
                 limit: "≥ \(policy.minTotalFees) sat", detail: "total fees \(t.totalFeesSat) sat < min_total_fees \(policy.minTotalFees) sat") { return result }
        if minAvgFee > 0 && t.txCount > 0 {
            // floor(total / n) < m  ⇔  total < m · n: compare without division (and without overflow).
            let (product, overflow) = minAvgFee.multipliedReportingOverflow(by: t.txCount)
            let below = overflow || t.totalFeesSat < product
            if check(.avgFeeBelowMinimum, failed: below, value: "\(avgFee) sat/tx", limit: "≥ \(minAvgFee) sat/tx (\(tier.rawValue) tier)",
                     detail: "average fee \(avgFee) sat/tx < \(minAvgFee) sat/tx required in the \(tier.rawValue) tier (\(source.rawValue)\(t.mempoolTxCount.map { ", mempool \($0) txs" } ?? ", mempool unknown"))") { return result }
        } else {
            skip(.avgFeeBelowMinimum, t.txCount == 0 ? "no transactions" : "minimum is 0 in the \(tier.rawValue) tier")
        }

        // C. Safety limits
        if let ratio = weightRatio, let weight = t.weight {
            if check(.weightRatioExceeded, failed: ratio > policy.maxWeightRatio, value: formatRatio(ratio),
                     limit: "≤ \(formatRatio(policy.maxWeightRatio))",
                     detail: "weight_ratio=\(formatRatio(ratio)) > max_weight_ratio=\(formatRatio(policy.maxWeightRatio)) (weight=\(weight) max=\(Evaluator.maxBlockWeight))") { return result }
        } else {
            skip(.weightRatioExceeded, "weight not reported")
        }
        if let age = ageMs {
            let maxMs = policy.maxTemplateAgeSecs * 1000
            if check(.templateTooOld, failed: age > maxMs, value: "\(age) ms", limit: "≤ \(maxMs) ms",
                     detail: "template is \(age) ms old > max_template_age_secs \(policy.maxTemplateAgeSecs) s") { return result }
        } else {
            skip(.templateTooOld, "no creation or receive time")
        }
        if let sigops = t.sigops {
            if check(.sigopsBudgetExceeded, failed: sigops > policy.maxSigopsCost, value: "\(sigops)", limit: "≤ \(policy.maxSigopsCost)",
                     detail: "transaction sigop cost \(sigops) > max_sigops_cost \(policy.maxSigopsCost)") { return result }
        } else {
            skip(.sigopsBudgetExceeded, "sigops not reported")
        }
        if let coinbaseSigops = t.coinbaseSigops {
            if check(.coinbaseSigopsExceeded, failed: coinbaseSigops > policy.maxCoinbaseSigops, value: "\(coinbaseSigops)",
                     limit: "≤ \(policy.maxCoinbaseSigops)",
                     detail: "coinbase sigop cost \(coinbaseSigops) > max_coinbase_sigops \(policy.maxCoinbaseSigops)") { return result }
        } else {
            skip(.coinbaseSigopsExceeded, "coinbase sigops not reported")
        }

        // D. Consensus re-derivation
        guard let findings = t.consensus else {
            for code in [VerdictReason.txDataMismatch, .duplicateTx, .witnessCommitmentMismatch, .templateWeightExceeded, .coinbaseValueMismatch] {
                skip(code, "no transaction data")
            }
            return result
        }
        for checkKind in ConsensusFindings.ConsensusCheck.allCases {
            guard let code = VerdictReason(rawValue: checkKind.rawValue) else { continue }
            let failure = findings.failure(checkKind)
            let (value, limit) = consensusFigures(checkKind, findings, t)
            if check(code, failed: failure != nil, value: value, limit: limit, detail: failure?.detail ?? "") { return result }
        }
        return result
    }

    private func consensusFigures(_ kind: ConsensusFindings.ConsensusCheck, _ f: ConsensusFindings, _ t: TemplateSummary) -> (String, String) {
        switch kind {
        case .txData: ("\(f.decodedTransactions) txs decoded", "declared txid/hash/weight/sigops agree with data")
        case .duplicateTx: (f.failure(.duplicateTx) == nil ? "none" : "duplicates", "no repeated txid")
        case .witnessCommitment: (f.failure(.witnessCommitment) == nil ? "matches" : "differs", "commitment of the wtxids")
        case .templateWeight: ("\(f.derivedWeight) WU", "≤ \(f.weightLimit - 4000) WU (weightlimit − 4000)")
        case .coinbaseValue: ("\(t.coinbaseValueSat) sat", f.expectedCoinbaseValue.map { "= \($0) sat (subsidy + fees)" } ?? "fees not all declared")
        }
    }

    private func formatRatio(_ r: Double) -> String {
        let scaled = (r * 10_000).rounded()
        let whole = Int64(scaled) / 10_000
        let fraction = Int64(scaled) % 10_000
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 4 - digits.count))\(digits)"
    }
}
