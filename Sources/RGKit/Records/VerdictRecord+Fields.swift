extension VerdictRecord {
    /// Every field by name: for rows read back from the store and for tests. The main
    /// declaration has custom initialisers, so Swift synthesises no memberwise one.
    public init(templateID: String, source: String?, height: Int64?, prevHash: String, accepted: Bool,
                reasonCode: String?, reasonDetail: String?, warnings: [Warning], feeTier: String, tierSource: String,
                minAvgFeeUsed: Int64?, policyHash: String, txCount: Int64, totalFees: Int64, avgFee: Int64,
                weight: Int64?, weightRatio: Double?, sigops: Int64?, coinbaseValue: Int64, ageMs: Int64?,
                verifiedMs: Int64, evalUs: Int64) {
        self.templateID = templateID
        self.source = source
        self.height = height
        self.prevHash = prevHash
        self.accepted = accepted
        self.reasonCode = reasonCode
        self.reasonDetail = reasonDetail
        self.warnings = warnings
        self.feeTier = feeTier
        self.tierSource = tierSource
        self.minAvgFeeUsed = minAvgFeeUsed
        self.policyHash = policyHash
        self.txCount = txCount
        self.totalFees = totalFees
        self.avgFee = avgFee
        self.weight = weight
        self.weightRatio = weightRatio
        self.sigops = sigops
        self.coinbaseValue = coinbaseValue
        self.ageMs = ageMs
        self.verifiedMs = verifiedMs
        self.evalUs = evalUs
    }
}

extension VerdictRecord.Warning {
    /// Public spelling of the memberwise initialiser (which is internal).
    public static func make(code: String, detail: String) -> VerdictRecord.Warning {
        VerdictRecord.Warning(code: code, detail: detail)
    }
}
