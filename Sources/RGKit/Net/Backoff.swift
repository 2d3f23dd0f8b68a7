/// Capped exponential backoff with full jitter, reset after a healthy session. Pure: the caller
/// passes the random source, so a test can check the schedule exactly. (The reference feed
/// adapter's backoff never reset, so one early outage slowed every later reconnect.)
public struct Backoff: Sendable, Equatable {
    public var baseMs: Int64
    public var capMs: Int64
    public private(set) var attempt = 0

    public init(baseMs: Int64 = 250, capMs: Int64 = 10_000) {
        self.baseMs = baseMs
        self.capMs = capMs
    }

    /// The ceiling of the next delay: base × 2^attempt, at most `capMs`.
    public var ceilingMs: Int64 {
        let shift = min(attempt, 30)
        let (scaled, overflow) = baseMs.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? capMs : min(capMs, scaled)
    }

    /// The delay before the next attempt: uniform in [ceiling/2, ceiling] (half jitter keeps a
    /// floor so a crowd of clients does not hammer a restarting server), then the ceiling grows.
    public mutating func nextDelayMs(using rng: inout some RandomNumberGenerator) -> Int64 {
        let ceiling = ceilingMs
        attempt += 1
        return ceiling / 2 + Int64.random(in: 0...(ceiling - ceiling / 2), using: &rng)
    }

    /// Call after a session that worked: the next failure starts from the base again.
    public mutating func reset() { attempt = 0 }
}
