/// Request limits per endpoint and per client address: each (endpoint, address) pair has its
/// own sliding window, so exhausting login attempts does not block e-mail verification — the
/// reference shared one window per address across every endpoint.
///
/// Pure apart from its table: the caller passes `nowMs`. The window is approximated the usual
/// way (the previous fixed window's count, weighted by how much of it still overlaps, plus the
/// current one), which needs two counters per pair instead of a timestamp per request. The
/// table is bounded; when it is full and nothing has expired, a new pair is refused rather
/// than let through (it never fails open).
public final class RateLimiter: @unchecked Sendable {
    public struct Rule: Sendable, Equatable {
        /// Requests allowed per window.
        public var limit: Int
        public var windowMs: Int64
        public init(limit: Int, windowMs: Int64) {
            self.limit = limit
            self.windowMs = windowMs
        }

        /// Parses `N/60s`, `N/10m`, `N/1h` (also a bare `N`, meaning per minute).
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let limit = Int(first), limit >= 0 else { return nil }
            var window: Int64 = 60_000
            if parts.count == 2 {
                var unit = parts[1]
                let multiplier: Int64
                switch unit.last {
                case "s": multiplier = 1_000; unit = unit.dropLast()
                case "m": multiplier = 60_000; unit = unit.dropLast()
                case "h": multiplier = 3_600_000; unit = unit.dropLast()
                default: return nil
                }
                guard let n = Int64(unit.isEmpty ? "1" : unit), n > 0 else { return nil }
                window = n * multiplier
            }
            self.init(limit: limit, windowMs: window)
        }
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; try again after this many milliseconds.
        case limited(retryAfterMs: Int64)
    }

    private struct Key: Hashable {
        var endpoint: String
        var client: String
    }

    private struct Window {
        var start: Int64
        var current: Int
        var previous: Int
    }

    public let rules: [String: Rule]
    public let maxTrackedKeys: Int
    private let lock = Lock()
    private var windows: [Key: Window] = [:]

    public init(rules: [String: Rule], maxTrackedKeys: Int = 100_000) {
        self.rules = rules
        self.maxTrackedKeys = maxTrackedKeys
    }

    /// Counts one request from `client` at `endpoint` and says whether it may proceed. An
    /// endpoint without a rule is not limited.
    public func check(endpoint: String, client: String, nowMs: Int64) -> Decision {
        guard let rule = rules[endpoint] else { return .allowed }
        if rule.limit == 0 { return .limited(retryAfterMs: rule.windowMs) }
        let key = Key(endpoint: endpoint, client: client)
        return lock.withLock {
            let windowStart = nowMs - ((nowMs % rule.windowMs) + rule.windowMs) % rule.windowMs
            var w: Window
            if let existing = windows[key] {
                w = existing
                if windowStart != w.start {
                    w.previous = windowStart - w.start == rule.windowMs ? w.current : 0
                    w.current = 0
                    w.start = windowStart
                }
            } else {
                if windows.count >= maxTrackedKeys { purge(nowMs: nowMs) }
                if windows.count >= maxTrackedKeys { return .limited(retryAfterMs: rule.windowMs) }
                w = Window(start: windowStart, current: 0, previous: 0)
            }
            let elapsed = nowMs - windowStart
            let overlap = Double(rule.windowMs - elapsed) / Double(rule.windowMs)
            let estimate = Double(w.previous) * overlap + Double(w.current)
            if estimate + 1 > Double(rule.limit) {
                windows[key] = w
                return .limited(retryAfterMs: max(1, rule.windowMs - elapsed))
            }
            w.current += 1
            windows[key] = w
            return .allowed
        }
    }

    /// Drops pairs whose windows have both passed (called when the table is full).
    private func purge(nowMs: Int64) {
        windows = windows.filter { key, w in
            let window = rules[key.endpoint]?.windowMs ?? 60_000
            return nowMs - w.start < 2 * window
        }
    }

    public var trackedKeys: Int { lock.withLock { windows.count } }
}
