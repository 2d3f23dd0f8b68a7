/// Everything the gateway's core is told at startup. Defaults are the production choices; tests
/// lower the difficulty floor and the limits.
public struct GatewayConfiguration: Sendable {
    public var network: Network
    public var payout: Payout
    public var mode: TemplateGate.Mode
    /// Inline: how long miners may stay on a stale tip before a rejected (or unjudged) template
    /// for the new tip is released with a `policy_override` record.
    public var staleHoldMs: Int64
    /// Templates waiting for a verdict (inline), the "dual prevhash buffer".
    public var maxPendingTemplates: Int
    /// The coinbase layout; `.standard(tag:extranonceSize:)` unless reproducing another pool.
    public var coinbaseLayout: CoinbaseLayout
    /// This host's byte at the front of every extranonce prefix (unique per `rg-gate` host).
    public var serverID: UInt8
    /// Counter bytes after the server id (prefix = 1 + this).
    public var extranonceCounterBytes: Int
    public var maxChannelsPerConnection: Int
    public var vardiff: Vardiff.Configuration
    /// Off: every channel keeps its opening difficulty.
    public var vardiffEnabled: Bool
    /// Version bits a miner may roll: BIP323's 0x1fffffe0 (the current SV2 spec and SRI) or
    /// BIP320's 0x1fffe000; 0 forbids rolling.
    public var versionRollingMask: UInt32
    /// A share's ntime may be at most this far ahead of the gateway's clock. Consensus allows
    /// 7,200 s ahead of the node's clock; the default leaves 200 s for clock differences, so a
    /// share refused here could never have been a valid block anyway.
    public var maxNtimeAheadSeconds: Int64
    /// Per-channel token bucket (0 = unlimited).
    public var shareRateLimitPerSecond: Double
    public var shareRateBurst: Double
    /// Accepted-share hashes remembered for duplicate detection (cleared at each new tip).
    public var duplicateWindow: Int
    /// Jobs remembered per channel; a share for an older one is `share_invalid_job_id`.
    public var jobsPerChannel: Int
    /// Threads that compute a new tip's per-channel merkle roots (`StandardJobRoots`); the
    /// shell sets it to the core count, tests keep the core on one thread.
    public var jobRootWorkers: Int = 1
    /// A new tip's jobs are handed to the shell in runs of this many channels while the core
    /// makes the rest (when the caller passes a `GatewayActionHandoff`), so the first miners'
    /// jobs are on the wire before the last channel's root is computed.
    public var fanoutRunChannels: Int = 1_000

    public init(network: Network, payout: Payout, mode: TemplateGate.Mode = .inline, staleHoldMs: Int64 = 2_000,
                maxPendingTemplates: Int = 2, coinbaseLayout: CoinbaseLayout = .standard(), serverID: UInt8 = 0,
                extranonceCounterBytes: Int = 4, maxChannelsPerConnection: Int = 64,
                vardiff: Vardiff.Configuration = Vardiff.Configuration(), vardiffEnabled: Bool = true,
                versionRollingMask: UInt32 = 0x1fff_ffe0, maxNtimeAheadSeconds: Int64 = 7_000,
                shareRateLimitPerSecond: Double = 100, shareRateBurst: Double = 200, duplicateWindow: Int = 1 << 20,
                jobsPerChannel: Int = 8) {
        self.network = network
        self.payout = payout
        self.mode = mode
        self.staleHoldMs = staleHoldMs
        self.maxPendingTemplates = maxPendingTemplates
        self.coinbaseLayout = coinbaseLayout
        self.serverID = serverID
        self.extranonceCounterBytes = extranonceCounterBytes
        self.maxChannelsPerConnection = maxChannelsPerConnection
        self.vardiff = vardiff
        self.vardiffEnabled = vardiffEnabled
        self.versionRollingMask = versionRollingMask
        self.maxNtimeAheadSeconds = maxNtimeAheadSeconds
        self.shareRateLimitPerSecond = shareRateLimitPerSecond
        self.shareRateBurst = shareRateBurst
        self.duplicateWindow = duplicateWindow
        self.jobsPerChannel = jobsPerChannel
    }
}
