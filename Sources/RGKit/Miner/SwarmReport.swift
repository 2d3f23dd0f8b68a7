import Histogram

/// What `rg-miner swarm` measured: a `swarm` record (rg-records(5)) and a table for people.
///
/// Latencies are microseconds from HDR histograms (3 significant digits). A tip's fan-out is
/// when each channel received the SetNewPrevHash for it, as wall-clock microseconds, so it can
/// be joined with the gateway's `job` records or with when its verdict was written.
public struct SwarmReport: Sendable {
    public struct Tip: Sendable, Equatable {
        /// Display order, as `job` records print it.
        public var prevHash: String
        public var channels: Int
        public var firstUnixUs: Int64
        public var lastUnixUs: Int64
    }

    public var connections: Int
    public var channelsOpened: Int
    public var connectFailures: Int
    /// The first few distinct failure reasons, for the operator.
    public var failureSamples: [String]
    /// First connect started → last channel opened.
    public var handshakeSeconds: Double
    public var handshake: Histogram<UInt64>
    public var submitted: Int
    public var accepted: Int
    public var rejected: Int
    public var rejectedByCode: [String: Int]
    public var roundTrip: Histogram<UInt64>
    /// The measuring window (first share sent → end).
    public var sharingSeconds: Double
    public var tips: [Tip]
    public var targetShareRate: Double

    public var handshakesPerSecond: Double { handshakeSeconds > 0 ? Double(channelsOpened) / handshakeSeconds : 0 }
    public var acceptedPerSecond: Double { sharingSeconds > 0 ? Double(accepted) / sharingSeconds : 0 }

    static func percentile(_ h: Histogram<UInt64>, _ p: Double) -> UInt64? { h.totalCount == 0 ? nil : h.valueAtPercentile(p) }

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 1_024)
        w.beginObject()
        w.field("type", "swarm")
        w.field("connections", connections)
        w.field("channels_opened", channelsOpened)
        w.field("connect_failures", connectFailures)
        w.field("handshakes_per_s", (handshakesPerSecond * 10).rounded() / 10)
        w.field("handshake_p50_us", Self.percentile(handshake, 50))
        w.field("handshake_p99_us", Self.percentile(handshake, 99))
        w.field("target_share_rate", targetShareRate)
        w.field("submitted", submitted)
        w.field("accepted", accepted)
        w.field("rejected", rejected)
        w.key("rejected_by_code")
        w.beginObject()
        for (code, count) in rejectedByCode.sorted(by: { $0.key < $1.key }) { w.key(code); w.int(count) }
        w.endObject()
        w.field("accepted_per_s", (acceptedPerSecond * 10).rounded() / 10)
        w.field("rtt_p50_us", Self.percentile(roundTrip, 50))
        w.field("rtt_p99_us", Self.percentile(roundTrip, 99))
        w.field("rtt_max_us", roundTrip.totalCount == 0 ? nil : roundTrip.max)
        w.field("duration_s", (sharingSeconds * 1_000).rounded() / 1_000)
        w.key("tips")
        w.beginArray()
        for tip in tips {
            w.beginObject()
            w.field("prev_hash", tip.prevHash)
            w.field("channels", tip.channels)
            w.field("first_unix_us", tip.firstUnixUs)
            w.field("last_unix_us", tip.lastUnixUs)
            w.field("spread_us", tip.lastUnixUs - tip.firstUnixUs)
            w.endObject()
        }
        w.endArray()
        w.key("failure_samples")
        w.beginArray()
        for sample in failureSamples { w.string(sample) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// The same figures as aligned text.
    public var table: String {
        func us(_ v: UInt64?) -> String { v.map { $0 >= 10_000 ? "\(Double($0) / 1_000) ms" : "\($0) µs" } ?? "-" }
        func f(_ v: Double) -> String { String(Int(v.rounded())) }
        var rows: [(String, String)] = [
            ("connections", "\(channelsOpened) of \(connections) open, \(connectFailures) failed"),
            ("handshakes", "\(f(handshakesPerSecond))/s; p50 \(us(Self.percentile(handshake, 50))), p99 \(us(Self.percentile(handshake, 99)))"),
            ("shares", "\(submitted) sent, \(accepted) accepted, \(rejected) rejected in \(String(format3(sharingSeconds))) s"),
            ("accepted rate", "\(f(acceptedPerSecond))/s (asked \(f(targetShareRate))/s)"),
            ("round trip", "p50 \(us(Self.percentile(roundTrip, 50))), p99 \(us(Self.percentile(roundTrip, 99))), max \(us(roundTrip.totalCount == 0 ? nil : roundTrip.max))"),
        ]
        for (code, count) in rejectedByCode.sorted(by: { $0.key < $1.key }) { rows.append(("  rejected \(code)", "\(count)")) }
        for tip in tips {
            rows.append(("tip \(tip.prevHash.prefix(16))…", "\(tip.channels) channels, spread \(us(UInt64(max(0, tip.lastUnixUs - tip.firstUnixUs))))"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }.joined(separator: "\n") + "\n"
    }

    private func format3(_ v: Double) -> Double { (v * 1_000).rounded() / 1_000 }
}
