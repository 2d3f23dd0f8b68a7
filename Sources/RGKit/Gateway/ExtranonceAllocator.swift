/// Gives every channel its own slice of the coinbase extranonce space, so no two channels —
/// on this gateway or on another one — ever hash the same work.
///
/// A prefix is `server_id (1 byte) ‖ counter (counterBytes, big-endian)`. The server id is the
/// operator's per-host byte (ARCHITECTURE §4: several `rg-gate` hosts behind one balancer);
/// the counter is unique among the channels open on this host (it wraps after 2^(8·counterBytes)
/// allocations, skipping values still in use). The coinbase reserves `totalSize` extranonce
/// bytes:
/// - a standard channel gets all of them: its prefix padded with zeros to `totalSize` (the
///   miner never touches the coinbase; its merkle root is computed with these bytes);
/// - an extended channel gets the prefix and rolls the remaining `totalSize − prefixSize`
///   bytes itself (its `extranonce_size`).
/// Because the first `prefixSize` bytes differ between any two channels, their search spaces
/// are disjoint whatever the miners do with their part.
public struct ExtranonceAllocator: Sendable {
    public let serverID: UInt8
    public let counterBytes: Int
    public let totalSize: Int
    private var next: UInt64 = 0
    private var inUse: Set<UInt64> = []

    /// - Parameters:
    ///   - counterBytes: 1...7 (default 4: four billion channels before a wrap).
    ///   - totalSize: the coinbase's extranonce bytes, ≥ 1 + counterBytes and ≤ 32.
    public init(serverID: UInt8, counterBytes: Int = 4, totalSize: Int = 16) {
        self.serverID = serverID
        self.counterBytes = min(7, max(1, counterBytes))
        self.totalSize = min(32, max(totalSize, 1 + self.counterBytes))
    }

    /// Server id plus counter.
    public var prefixSize: Int { 1 + counterBytes }
    /// What an extended channel rolls itself.
    public var extendedExtranonceSize: Int { totalSize - prefixSize }
    public var allocatedCount: Int { inUse.count }

    private var space: UInt64 { counterBytes >= 8 ? .max : (1 << (8 * UInt64(counterBytes))) }

    /// A fresh prefix (`prefixSize` bytes), or nil when every counter value is in use.
    public mutating func allocate() -> [UInt8]? {
        guard UInt64(inUse.count) < space else { return nil }
        while inUse.contains(next) { next = (next + 1) % space }
        let value = next
        inUse.insert(value)
        next = (next + 1) % space
        return [serverID] + (0..<counterBytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(counterBytes - 1 - $0))) }
    }

    /// Returns a prefix (the channel closed); its counter may be handed out again later.
    public mutating func release(_ prefix: [UInt8]) {
        guard prefix.count >= prefixSize, prefix[0] == serverID else { return }
        var value: UInt64 = 0
        for i in 0..<counterBytes { value = value << 8 | UInt64(prefix[1 + i]) }
        inUse.remove(value)
    }

    /// A standard channel's full extranonce: the prefix padded with zeros to `totalSize`.
    public func standardExtranonce(prefix: [UInt8]) -> [UInt8] {
        prefix + [UInt8](repeating: 0, count: max(0, totalSize - prefix.count))
    }
}
