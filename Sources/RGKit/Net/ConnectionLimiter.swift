/// Global and per-IP connection caps for a server. `admit` reserves a slot or says why not;
/// every admitted connection must be `release`d exactly once when it closes. The per-IP
/// table never fails open: when it is full, new addresses are refused like any over-cap peer.
public final class ConnectionLimiter: @unchecked Sendable {
    public enum Refusal: String, Sendable {
        case globalCap = "global_cap"
        case perIPCap = "per_ip_cap"
    }

    public let maxConnections: Int
    public let maxPerIP: Int
    /// Bound on distinct addresses tracked at once.
    public let maxTrackedAddresses: Int
    private let lock = Lock()
    private var total = 0
    private var perIP: [String: Int] = [:]
    private var refused: [Refusal: Int] = [:]

    /// `maxPerIP` 0 disables the per-address cap.
    public init(maxConnections: Int, maxPerIP: Int, maxTrackedAddresses: Int = 100_000) {
        self.maxConnections = maxConnections
        self.maxPerIP = maxPerIP
        self.maxTrackedAddresses = maxTrackedAddresses
    }

    public func admit(_ address: String) -> Refusal? {
        lock.withLock {
            if total >= maxConnections { refused[.globalCap, default: 0] += 1; return .globalCap }
            if maxPerIP > 0 {
                let current = perIP[address, default: 0]
                if current >= maxPerIP || (current == 0 && perIP.count >= maxTrackedAddresses) {
                    refused[.perIPCap, default: 0] += 1
                    return .perIPCap
                }
                perIP[address] = current + 1
            }
            total += 1
            return nil
        }
    }

    public func release(_ address: String) {
        lock.withLock {
            total = max(0, total - 1)
            guard maxPerIP > 0, let current = perIP[address] else { return }
            if current <= 1 { perIP[address] = nil } else { perIP[address] = current - 1 }
        }
    }

    public var active: Int { lock.withLock { total } }
    public func refusedCount(_ reason: Refusal) -> Int { lock.withLock { refused[reason, default: 0] } }
}
