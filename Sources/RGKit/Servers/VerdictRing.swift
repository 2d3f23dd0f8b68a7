/// The last `capacity` verdicts, oldest first, each with a sequence number that never repeats
/// (1, 2, 3 … for the life of the process). What `GET /verdicts` pages through when the server
/// keeps no database; a page continues strictly after a sequence number, so verdicts that
/// arrive between two requests never shift a page, and ones that fell out of the ring are
/// simply gone (the page starts at the oldest still held).
public struct VerdictRing: Sendable {
    public struct Entry: Sendable, Equatable {
        public var sequence: Int64
        public var record: VerdictRecord
    }

    public let capacity: Int
    private var storage: [Entry] = []
    private var start = 0
    public private(set) var lastSequence: Int64 = 0

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(self.capacity)
    }

    public var count: Int { storage.count }

    public mutating func append(_ record: VerdictRecord) {
        lastSequence += 1
        let entry = Entry(sequence: lastSequence, record: record)
        if storage.count < capacity {
            storage.append(entry)
        } else {
            storage[start] = entry
            start = (start + 1) % capacity
        }
    }

    /// Entries matching `filter` after sequence `after`, oldest first, at most `limit`; `next`
    /// is the sequence to continue after, nil when nothing more is held.
    public func page(_ filter: VerdictFilter, after: Int64?, limit: Int) -> (entries: [Entry], next: Int64?) {
        let limit = max(0, limit)
        var out: [Entry] = []
        for i in 0..<storage.count {
            let entry = storage[(start + i) % storage.count]
            if let after, entry.sequence <= after { continue }
            guard Self.matches(entry.record, filter) else { continue }
            if out.count == limit { return (out, out.last?.sequence) }
            out.append(entry)
        }
        return (out, nil)
    }

    static func matches(_ v: VerdictRecord, _ f: VerdictFilter) -> Bool {
        if let since = f.sinceMs, v.verifiedMs < since { return false }
        if let until = f.untilMs, v.verifiedMs >= until { return false }
        if let code = f.reasonCode, v.reasonCode != code { return false }
        if let tier = f.feeTier, v.feeTier != tier { return false }
        if let accepted = f.accepted, v.accepted != accepted { return false }
        return true
    }
}
