/// One open channel as the gateway's status API (`GET /channels`) shows it: who, from where,
/// declared and measured hashrate side by side, shares by outcome, current difficulty.
public struct GatewayChannelStatus: Sendable, Equatable, Codable {
    public var channelID: UInt32
    public var connectionID: UInt64
    public var worker: String
    public var peer: String?
    public var kind: String
    /// What the miner said (`nominal_hash_rate`), H/s.
    public var declaredHashrate: Double
    /// Σ difficulty × 2³² over each window, H/s.
    public var hashrate1m: Double
    public var hashrate5m: Double
    public var hashrate1h: Double
    public var sharesAccepted: UInt64
    public var sharesRejected: UInt64
    /// Rejections by `share_*` reason code (only reasons that occurred).
    public var rejectedByReason: [String: UInt64]
    public var difficulty: Double
    public var lastShareMs: Int64?
    public var openedMs: Int64

    enum CodingKeys: String, CodingKey {
        case channelID = "channel_id", connectionID = "connection_id", worker, peer, kind
        case declaredHashrate = "declared_hashrate", hashrate1m = "hashrate_1m", hashrate5m = "hashrate_5m", hashrate1h = "hashrate_1h"
        case sharesAccepted = "shares_accepted", sharesRejected = "shares_rejected", rejectedByReason = "rejected_by_reason"
        case difficulty, lastShareMs = "last_share_ms", openedMs = "opened_ms"
    }
}
