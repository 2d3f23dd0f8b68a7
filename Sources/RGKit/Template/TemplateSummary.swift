/// What the policy reads from a template, whichever shape it arrived in (a full
/// getblocktemplate record or the compact TemplatePropose). Optional means "not reported",
/// never zero.
public struct TemplateSummary: Sendable, Equatable {
    public var templateID: String
    public var height: Int64?
    /// `previousblockhash` / `prev_hash` exactly as given (display-order hex, unchecked).
    public var prevHash: String
    /// The TemplatePropose protocol version; nil for getblocktemplate records.
    public var protocolVersion: Int64?
    public var txCount: Int64
    public var totalFeesSat: Int64
    /// Transactions whose fee the source did not report (BIP22: missing means unknown).
    public var txsWithUnknownFee: Int64 = 0
    public var coinbaseValueSat: Int64
    /// Σ non-coinbase transaction weight as declared by the source.
    public var weight: Int64?
    /// Σ non-coinbase transaction sigop cost as declared by the source.
    public var sigops: Int64?
    public var coinbaseSigops: Int64?
    /// When the source made the template (`curtime` × 1000, or `created_at_unix_ms`).
    public var createdMs: Int64?
    /// When a ReserveGrid tool received it (`received_ms` of the record).
    public var receivedMs: Int64?
    public var mempoolTxCount: Int64?
    /// Present when the template carried transaction data that could be re-derived.
    public var consensus: ConsensusFindings?

    public init(templateID: String, height: Int64?, prevHash: String, protocolVersion: Int64? = nil, txCount: Int64,
                totalFeesSat: Int64, coinbaseValueSat: Int64) {
        self.templateID = templateID
        self.height = height
        self.prevHash = prevHash
        self.protocolVersion = protocolVersion
        self.txCount = txCount
        self.totalFeesSat = totalFeesSat
        self.coinbaseValueSat = coinbaseValueSat
    }

    /// The older of the two clocks: a template is as old as its oldest evidence.
    public var ageReferenceMs: Int64? {
        switch (createdMs, receivedMs) {
        case let (c?, r?): min(c, r)
        case let (c?, nil): c
        case let (nil, r?): r
        case (nil, nil): nil
        }
    }
}

/// Results of re-deriving a template's declared values from its transaction bytes. Each
/// failed check appears once, in evaluation order, with a detail naming the transaction.
public struct ConsensusFindings: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        public var check: ConsensusCheck
        public var detail: String
        public init(_ check: ConsensusCheck, _ detail: String) { self.check = check; self.detail = detail }
    }

    public enum ConsensusCheck: String, Sendable, CaseIterable {
        case txData = "tx_data_mismatch"
        case duplicateTx = "duplicate_tx"
        case witnessCommitment = "witness_commitment_mismatch"
        case templateWeight = "template_weight_exceeded"
        case coinbaseValue = "coinbase_value_mismatch"
    }

    public var failures: [Failure] = []
    /// Σ weight of the decoded transactions.
    public var derivedWeight: Int64 = 0
    public var weightLimit: Int64 = ConsensusLimits.maxBlockWeight
    /// subsidy(height) + Σ fee, when every fee was declared.
    public var expectedCoinbaseValue: Int64?
    public var decodedTransactions: Int = 0

    public init() {}

    public func failure(_ check: ConsensusCheck) -> Failure? { failures.first { $0.check == check } }
}
