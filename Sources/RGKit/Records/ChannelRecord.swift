/// A `channel` record (ARCHITECTURE.md §2): a channel opened, closed, or a periodic snapshot.
///
/// `{"type":"channel","event","channel_id","connection_id","worker","peer","kind",
/// "extranonce_prefix","extranonce_size","declared_hashrate","hashrate_1m","hashrate_5m",
/// "hashrate_1h","shares_accepted","shares_rejected","difficulty","target","opened_ms","ms","close_reason"}`
///
/// Hashrates are hashes per second. `declared_hashrate` is the miner's own figure
/// (`nominal_hash_rate`); the `hashrate_*` fields are measured from accepted shares
/// (Σ difficulty × 2³² over the window) and never mixed with it. `target` is the current
/// share target as 64 big-endian hex digits; `difficulty` is its pdiff. `extranonce_size` is
/// what an extended channel rolls itself (0 for a standard channel).
public struct ChannelRecord: Sendable, Equatable {
    public static let type = "channel"

    public enum Event: String, Sendable {
        case open, close, snapshot
    }

    public var event: Event
    public var channelID: UInt32
    public var connectionID: UInt64
    public var worker: String
    public var peer: String?
    public var kind: String
    public var extranoncePrefix: String
    public var extranonceSize: Int
    public var declaredHashrate: Double
    public var hashrate1m: Double
    public var hashrate5m: Double
    public var hashrate1h: Double
    public var sharesAccepted: UInt64
    public var sharesRejected: UInt64
    public var difficulty: Double
    public var target: String
    public var openedMs: Int64
    public var ms: Int64
    /// Close records: why (`miner_closed`, `disconnected`, `bad_input`, `no_channel_in_time`,
    /// `gateway_shutdown`); null otherwise.
    public var closeReason: String?

    public init(event: Event, channelID: UInt32, connectionID: UInt64, worker: String, peer: String?, kind: String,
                extranoncePrefix: String, extranonceSize: Int, declaredHashrate: Double, hashrate1m: Double, hashrate5m: Double,
                hashrate1h: Double, sharesAccepted: UInt64, sharesRejected: UInt64, difficulty: Double, target: String,
                openedMs: Int64, ms: Int64, closeReason: String? = nil) {
        self.closeReason = closeReason
        self.event = event
        self.channelID = channelID
        self.connectionID = connectionID
        self.worker = worker
        self.peer = peer
        self.kind = kind
        self.extranoncePrefix = extranoncePrefix
        self.extranonceSize = extranonceSize
        self.declaredHashrate = declaredHashrate
        self.hashrate1m = hashrate1m
        self.hashrate5m = hashrate5m
        self.hashrate1h = hashrate1h
        self.sharesAccepted = sharesAccepted
        self.sharesRejected = sharesRejected
        self.difficulty = difficulty
        self.target = target
        self.openedMs = openedMs
        self.ms = ms
    }

    public init(json root: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(root, path: "")
        let eventText = try r.requiredString("event")
        guard let event = Event(rawValue: eventText) else {
            throw JSONError(.outOfRange, "event: \"\(eventText)\" is not open, close or snapshot")
        }
        self.event = event
        channelID = UInt32(try r.requiredInt("channel_id", in: 0...Int64(UInt32.max)))
        connectionID = UInt64(try r.optionalInt("connection_id", in: 0...Int64.max) ?? 0)
        worker = try r.optionalString("worker") ?? ""
        peer = try r.optionalString("peer")
        kind = try r.optionalString("kind") ?? "standard"
        extranoncePrefix = try r.optionalString("extranonce_prefix") ?? ""
        extranonceSize = Int(try r.optionalInt("extranonce_size", in: 0...32) ?? 0)
        declaredHashrate = try r.optionalDouble("declared_hashrate") ?? 0
        hashrate1m = try r.optionalDouble("hashrate_1m") ?? 0
        hashrate5m = try r.optionalDouble("hashrate_5m") ?? 0
        hashrate1h = try r.optionalDouble("hashrate_1h") ?? 0
        sharesAccepted = UInt64(try r.optionalInt("shares_accepted", in: 0...Int64.max) ?? 0)
        sharesRejected = UInt64(try r.optionalInt("shares_rejected", in: 0...Int64.max) ?? 0)
        difficulty = try r.optionalDouble("difficulty") ?? 0
        target = try r.optionalString("target") ?? ""
        openedMs = try r.optionalInt("opened_ms") ?? 0
        ms = try r.requiredInt("ms")
        closeReason = try r.optionalString("close_reason")
    }

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.field("type", ChannelRecord.type)
        w.field("event", event.rawValue)
        w.field("channel_id", channelID)
        w.field("connection_id", connectionID)
        w.field("worker", worker)
        w.field("peer", peer)
        w.field("kind", kind)
        w.field("extranonce_prefix", extranoncePrefix)
        w.field("extranonce_size", extranonceSize)
        w.field("declared_hashrate", declaredHashrate)
        w.field("hashrate_1m", hashrate1m)
        w.field("hashrate_5m", hashrate5m)
        w.field("hashrate_1h", hashrate1h)
        w.field("shares_accepted", sharesAccepted)
        w.field("shares_rejected", sharesRejected)
        w.field("difficulty", difficulty)
        w.field("target", target)
        w.field("opened_ms", openedMs)
        w.field("ms", ms)
        w.field("close_reason", closeReason)
        w.endObject()
        return w.bytes
    }
}
