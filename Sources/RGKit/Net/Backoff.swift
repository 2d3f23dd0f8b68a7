/// Capped exponential backoff with jitter, reset by a success. The one retry schedule of the
/// toolkit: `rg-fetch` (node outages, block submission), `rg-feed connect` (relay reconnects)
/// and the stack supervisor (restarts) all use it.
///
/// The n-th consecutive failure waits `min(cap, base × multiplier^(n-1))`, less a random
/// share of up to `jitter` of it (so many clients that lost the same node do not all come back
/// in the same millisecond; the default half jitter keeps a floor of ceiling/2 so a crowd does
/// not hammer a restarting server). `reset()` after a success puts the next failure back at `base`:
/// the reference feed adapter never reset its backoff, so after one long outage every later
/// blip waited the full cap (reference-system.md §11, item 20).
///
/// Pure: the caller passes the random source, so a test can pin every delay.
public struct Backoff: Sendable, Equatable {
    public var baseMs: Int64
    public var capMs: Int64
    public var multiplier: Double
    /// Fraction of each delay that is randomised, 0…1 (0.5: a delay d becomes d/2…d).
    public var jitter: Double
    /// Consecutive failures since the last reset.
    public private(set) var failures = 0

    public init(baseMs: Int64 = 250, capMs: Int64 = 10_000, multiplier: Double = 2, jitter: Double = 0.5) {
        self.baseMs = max(1, baseMs)
        self.capMs = max(self.baseMs, capMs)
        self.multiplier = max(1, multiplier)
        self.jitter = min(1, max(0, jitter))
    }

    /// The ceiling (delay without jitter) of the next retry.
    public var ceilingMs: Int64 { ceilingMs(afterFailures: failures + 1) }

    /// The delay without jitter after `count` consecutive failures.
    public func ceilingMs(afterFailures count: Int) -> Int64 {
        var delay = Double(baseMs)
        var step = 1
        while step < count, delay < Double(capMs) {
            delay *= multiplier
            step += 1
        }
        // Compared as Doubles first: converting a value ≥ 2^63 to Int64 would trap.
        if delay >= Double(capMs) { return capMs }
        return min(capMs, Int64(delay.rounded()))
    }

    /// Records a failure and returns how long to wait before the next attempt.
    public mutating func nextDelayMs(using random: inout some RandomNumberGenerator) -> Int64 {
        failures += 1
        let ceiling = ceilingMs(afterFailures: failures)
        let spread = Int64((Double(ceiling) * jitter).rounded(.down))
        guard spread > 0 else { return ceiling }
        // One draw mapped onto 0…spread by a multiply-high (no rejection loop, so a test's
        // fixed random source gives a fixed delay; the bias is below 2^-24 for any cap).
        let offset = random.next().multipliedFullWidth(by: UInt64(spread) + 1).high
        return ceiling - Int64(offset)
    }

    /// A success (or a session that stayed healthy): the next failure starts again at `baseMs`.
    public mutating func reset() { failures = 0 }
}

/// Turns a run of failed calls into the few lines an operator should read: when the outage
/// began and why, a reminder while it lasts (when the reason changes, or every
/// `reminderIntervalMs`), and when it ended with its duration. Pure: the clock is passed in.
public struct OutageTracker: Sendable, Equatable {
    public enum Report: Sendable, Equatable {
        case began(reason: String)
        case continuing(reason: String, downForMs: Int64, failures: Int)
        case ended(downForMs: Int64, failures: Int)
    }

    public let reminderIntervalMs: Int64
    public private(set) var downSinceMs: Int64?
    public private(set) var failures = 0
    private var lastReportMs: Int64 = 0
    private var lastReason = ""

    public init(reminderIntervalMs: Int64 = 30_000) {
        self.reminderIntervalMs = reminderIntervalMs
    }

    public var isDown: Bool { downSinceMs != nil }

    /// A failed attempt; returns a report when one is due.
    public mutating func failed(reason: String, nowMs: Int64) -> Report? {
        failures += 1
        guard let since = downSinceMs else {
            downSinceMs = nowMs
            lastReportMs = nowMs
            lastReason = reason
            return .began(reason: reason)
        }
        if reason != lastReason || nowMs - lastReportMs >= reminderIntervalMs {
            lastReportMs = nowMs
            lastReason = reason
            return .continuing(reason: reason, downForMs: nowMs - since, failures: failures)
        }
        return nil
    }

    /// A successful attempt; reports the end of an outage if there was one.
    public mutating func succeeded(nowMs: Int64) -> Report? {
        defer { downSinceMs = nil; failures = 0; lastReason = "" }
        guard let since = downSinceMs else { return nil }
        return .ended(downForMs: nowMs - since, failures: failures)
    }
}
