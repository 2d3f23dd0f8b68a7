/// The mempool-pressure tier that picks which minimum average fee applies.
public enum FeeTier: String, Codable, CaseIterable, Sendable {
    case low, mid, high
}

/// Whether the tier came from a mempool reading or from `unknown_mempool_as_high`.
public enum TierSource: String, Codable, Sendable {
    case measured, fallback
}
