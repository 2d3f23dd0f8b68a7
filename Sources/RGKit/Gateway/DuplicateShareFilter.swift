/// The set of accepted share hashes, shared by every connection and channel, bounded in memory.
///
/// A share is the same share when its 80-byte header is the same, and then its SHA-256d is the
/// same: so the key is 64 bits of the header hash (its first 8 wire bytes, the low-order end,
/// which a share's difficulty never forces to zero). Two different headers share a key with
/// probability about n / 2^64 per lookup (≈ 6e-14 with a million entries): negligible.
///
/// Bounded: open addressing (linear probing, at most half full) plus a FIFO of the keys in
/// insertion order; when `capacity` keys are held, the oldest is evicted (backward-shift
/// deletion keeps the probe chains intact). The gateway clears the set whenever the tip
/// changes: every share of the old tip is stale from then on and is rejected before this
/// check, so a full window only has to cover the shares of one block interval.
///
/// Memory: 24 bytes per unit of capacity (a 16-byte table slot pair and an 8-byte FIFO entry);
/// the default million keys is 24 MiB. No allocation per share.
public struct DuplicateShareFilter: Sendable {
    public let capacity: Int
    private var table: [UInt64]          // 0 = empty slot
    private var fifo: [UInt64]
    private var fifoHead = 0             // index of the oldest key
    public private(set) var count = 0
    private let mask: Int

    public init(capacity: Int = 1 << 20) {
        self.capacity = max(1, capacity)
        var size = 2
        while size < 2 * self.capacity { size <<= 1 }
        table = [UInt64](repeating: 0, count: size)
        fifo = [UInt64](repeating: 0, count: self.capacity)
        mask = size - 1
    }

    @inline(__always)
    static func key(_ hash: Bytes32) -> UInt64 {
        let k = hash.w0
        return k == 0 ? 1 : k                 // 0 marks an empty slot
    }

    /// Inserts the share hash; false when it was already there (a duplicate).
    @inline(__always)
    public mutating func insert(_ hash: Bytes32) -> Bool {
        let key = DuplicateShareFilter.key(hash)
        var slot = Int(truncatingIfNeeded: key >> 7) & mask   // low bits of the wire bytes: already random
        while true {
            let occupant = table[slot]
            if occupant == 0 { break }
            if occupant == key { return false }
            slot = (slot + 1) & mask
        }
        if count == capacity { evictOldest() ; return insertFresh(key) }
        table[slot] = key
        fifo[(fifoHead + count) % capacity] = key
        count += 1
        return true
    }

    /// True when the hash is held (for tests and tools).
    public func contains(_ hash: Bytes32) -> Bool {
        let key = DuplicateShareFilter.key(hash)
        var slot = Int(truncatingIfNeeded: key >> 7) & mask
        while true {
            let occupant = table[slot]
            if occupant == 0 { return false }
            if occupant == key { return true }
            slot = (slot + 1) & mask
        }
    }

    /// Forgets everything (the tip changed).
    public mutating func removeAll() {
        guard count > 0 else { return }
        if count * 8 < table.count {
            // Few keys: delete them one by one rather than clearing the whole table.
            for i in 0..<count { clear(key: fifo[(fifoHead + i) % capacity]) }
        } else {
            for i in table.indices { table[i] = 0 }
        }
        count = 0
        fifoHead = 0
    }

    private mutating func insertFresh(_ key: UInt64) -> Bool {
        var slot = Int(truncatingIfNeeded: key >> 7) & mask
        while table[slot] != 0 { slot = (slot + 1) & mask }
        table[slot] = key
        fifo[(fifoHead + count) % capacity] = key
        count += 1
        return true
    }

    private mutating func evictOldest() {
        let key = fifo[fifoHead]
        fifoHead = (fifoHead + 1) % capacity
        count -= 1
        clear(key: key)
    }

    /// Removes `key` from the table with backward-shift deletion (no tombstones).
    private mutating func clear(key: UInt64) {
        var slot = Int(truncatingIfNeeded: key >> 7) & mask
        while table[slot] != key {
            if table[slot] == 0 { return }
            slot = (slot + 1) & mask
        }
        var hole = slot
        var next = (hole + 1) & mask
        while table[next] != 0 {
            let home = Int(truncatingIfNeeded: table[next] >> 7) & mask
            // Move `next` into the hole if its home is not in the cyclic range (hole, next].
            let distanceToNext = (next - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToNext || home == hole {
                table[hole] = table[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        table[hole] = 0
    }
}
