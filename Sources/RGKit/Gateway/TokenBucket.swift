/// A token bucket: `ratePerSecond` tokens a second, holding at most `burst`. One share takes one
/// token. Time comes in from the caller (milliseconds, never read from a clock here), and a
/// clock that goes backwards adds nothing rather than trapping or granting a burst.
public struct TokenBucket: Hashable, Sendable {
    /// Tokens per second; 0 disables the limit.
    public let ratePerSecond: Double
    public let burst: Double
    private var tokens: Double
    private var lastMs: Int64

    public init(ratePerSecond: Double, burst: Double, nowMs: Int64) {
        self.ratePerSecond = max(0, ratePerSecond)
        self.burst = max(1, burst)
        tokens = self.burst
        lastMs = nowMs
    }

    /// Takes one token; false when the bucket is empty (the share is refused).
    @inline(__always)
    public mutating func take(nowMs: Int64) -> Bool {
        guard ratePerSecond > 0 else { return true }
        if nowMs > lastMs {
            tokens = min(burst, tokens + Double(nowMs - lastMs) * ratePerSecond / 1000)
            lastMs = nowMs
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
