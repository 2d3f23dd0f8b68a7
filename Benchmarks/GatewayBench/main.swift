#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import RGKit

// The gateway's share-validation path on one core, in release: GatewayCore.submitStandard
// (channel lookup, token bucket, job lookup, stale/version/ntime checks, SHA-256d of the
// 80-byte header, target compare, cross-connection duplicate filter, hashrate meter, vardiff),
// then the same with the SV2 decode of SubmitSharesStandard and the encode of the answer
// (everything per share except Noise and the socket). Also: the core-side cost of a new tip
// fanned out to 10,000 standard channels (a merkle root per channel), and the core's memory
// per channel. Prints "BENCH ..." lines; asserts nothing.
//
//   swift build -c release --build-path .build --product gateway-bench && .build/release/gateway-bench [shares]

nonisolated func nowNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func rssBytes() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(f) }
    var size = 0, resident = 0
    withUnsafeMutablePointer(to: &size) { s in withUnsafeMutablePointer(to: &resident) { r in _ = vfscanf_wrapper(f, s, r) } }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func vfscanf_wrapper(_ f: UnsafeMutablePointer<FILE>, _ a: UnsafeMutablePointer<Int>, _ b: UnsafeMutablePointer<Int>) -> Int32 {
    var line = [CChar](repeating: 0, count: 256)
    guard fgets(&line, 256, f) != nil else { return 0 }
    let parts = String(cString: line).split(separator: " ")
    a.pointee = Int(parts[0]) ?? 0
    b.pointee = Int(parts[1]) ?? 0
    return 2
}

/// Only the arguments: a real command, so `--help` works and the manual generator (which asks
/// every executable for its help as JSON) can read it.
struct GatewayBenchArguments: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gateway-bench",
                                                    abstract: "Benchmark rg-gate's share-validation path on one core (prints BENCH lines).")
    @Argument(help: "Shares to validate.") var shares: Int = 3_000_000
}
let shares = GatewayBenchArguments.parseOrExit().shares
let start: Int64 = 1_764_072_000_000
let payout = try! Payout(parsing: "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", network: .mainnet)

func template(_ feed: inout DemoFeed, _ ms: Int64) -> (String, BlockTemplate) {
    let out = feed.next(nowMs: ms)
    let record = try! TemplateRecord(json: try! JSONDocument(bytes: out.record).root)
    return (out.templateID, record.gbt)
}

func configuration(duplicateWindow: Int = 1 << 20) -> GatewayConfiguration {
    // Difficulty 2^-32: every header meets the target, so every share runs the whole path.
    // Vardiff runs on every share but is pinned (min = max): at a million shares a second on
    // 100 channels it would otherwise retarget each channel every simulated second, a rate no
    // real miner causes (18 shares a minute), and measure job re-issues instead of validation.
    let d = 1.0 / 4_294_967_296
    return GatewayConfiguration(network: .mainnet, payout: payout, mode: .observe,
                         vardiff: Vardiff.Configuration(initialDifficulty: d, minimumDifficulty: d, maximumDifficulty: d),
                         vardiffEnabled: true, shareRateLimitPerSecond: 0, duplicateWindow: duplicateWindow)
}

// MARK: validation path

var feed = DemoFeed(options: .init(seed: 3, network: .mainnet, txs: 2_000, scenario: .normal))
var core = GatewayCore(configuration: configuration(), nowMs: start)
let channelsForShares = 100
var channelIDs: [UInt32] = []
for i in 0..<channelsForShares {
    let actions = core.openStandardChannel(OpenStandardMiningChannel(requestID: 1, userIdentity: try! Str0_255("w\(i)"), nominalHashRate: 0,
                                                                     maxTarget: Bytes32(w0: .max, w1: .max, w2: .max, w3: .max)),
                                           connection: ConnectionID(i), nowMs: start)
    for a in actions { if case .send(_, .openStandardMiningChannelSuccess(let s)) = a { channelIDs.append(s.channelID) } }
}
let (id, gbt) = template(&feed, start)
let job = try! core.prepare(gbt, templateID: id, receivedMs: start)
var jobIDs: [UInt32: UInt32] = [:]
for a in core.judgedTemplateArrived(job, accepted: true, reasonCode: nil, nowMs: start) {
    if case .send(_, .newMiningJob(let j)) = a { jobIDs[j.channelID] = j.jobID }
}
let ntime = job.minNtime
let version = job.version

/// The measured loop, in a function so its state is local (top-level variables are globals,
/// and every access to a global pays for dynamic exclusivity checks the server does not).
@inline(never)
func validate(_ core: inout GatewayCore, shares: Int, channels: [(UInt32, UInt32)], ntime: UInt32, version: UInt32, start: Int64) -> (seconds: Double, accepted: Int, reasons: [ShareReason: Int]) {
    var accepted = 0
    var reasons: [ShareReason: Int] = [:]
    let n = channels.count
    let t0 = nowNs()
    for i in 0..<shares {
        let c = i % n
        let (ch, job) = channels[c]
        let s = SubmitSharesStandard(channelID: ch, sequenceNumber: UInt32(truncatingIfNeeded: i), jobID: job,
                                     nonce: UInt32(truncatingIfNeeded: i / n), ntime: ntime, version: version)
        // Simulated time advances 1 µs a share: meters and vardiff see a moving clock.
        let outcome = core.submitStandard(s, connection: ConnectionID(c), nowMs: start + Int64(i / 1000))
        if let r = outcome.reason { reasons[r, default: 0] += 1 } else { accepted += 1 }
    }
    return (Double(nowNs() - t0) / 1e9, accepted, reasons)
}
let (validateSeconds, accepted, reasons) = validate(&core, shares: shares, channels: channelIDs.map { ($0, jobIDs[$0]!) },
                                                     ntime: ntime, version: version, start: start)
var elapsed = validateSeconds
print("BENCH validation path (GatewayCore.submitStandard, one core): \(shares) shares in \(String(format: "%.3f", elapsed)) s = \(Int(Double(shares) / elapsed)) shares/s (\(String(format: "%.0f", elapsed / Double(shares) * 1e9)) ns each), accepted \(accepted), rejected \(reasons.map { "\($0.key.rawValue): \($0.value)" })")

// Decode + validate + encode the answer: the whole per-share CPU except Noise and the socket.
var frames: [SV2Frame] = []
frames.reserveCapacity(100_000)
for i in 0..<100_000 {
    let c = i % channelsForShares
    let ch = channelIDs[c]
    frames.append(SV2Message.submitSharesStandard(SubmitSharesStandard(channelID: ch, sequenceNumber: UInt32(i), jobID: jobIDs[ch]!,
                                                                       nonce: UInt32(1_000_000 + i / channelsForShares), ntime: ntime, version: version)).frame)
}
let rounds = max(1, shares / 100_000)
var bytesOut = 0
var accepted2 = 0
var t0 = nowNs()
for r in 0..<rounds {
    for (i, frame) in frames.enumerated() {
        var f = frame
        if r > 0 { f.payload[15] = UInt8(truncatingIfNeeded: r) }       // the nonce's high byte: a fresh header each round
        guard case .submitSharesStandard(let s) = try! SV2Message(frame: f) else { fatalError() }
        let outcome = core.submitStandard(s, connection: ConnectionID(i % channelsForShares), nowMs: start + 10_000_000 + Int64(r * 100 + i / 1000))
        bytesOut += outcome.response.frame.payload.count
        if outcome.accepted { accepted2 += 1 }
    }
}
elapsed = Double(nowNs() - t0) / 1e9
let n2 = rounds * frames.count
print("BENCH decode + validate + encode answer (one core): \(n2) shares in \(String(format: "%.3f", elapsed)) s = \(Int(Double(n2) / elapsed)) shares/s, accepted \(accepted2)")

// Raw SHA-256d of 80 bytes, the physical limit of the path.
var header = [UInt8](repeating: 7, count: 80)
t0 = nowNs()
var sink: UInt64 = 0
for i in 0..<shares {
    header[76] = UInt8(truncatingIfNeeded: i)
    header[77] = UInt8(truncatingIfNeeded: i >> 8)
    sink &+= header.withUnsafeBytes { SHA256Hash.hash256($0) }.w0
}
elapsed = Double(nowNs() - t0) / 1e9
print("BENCH SHA-256d of an 80-byte header (one core): \(Int(Double(shares) / elapsed)) hashes/s (checksum \(sink & 0xff))")

// MARK: fan-out and memory

let fanout = 10_000
let rssBefore = rssBytes()
var big = GatewayCore(configuration: configuration(), nowMs: start)
for i in 0..<fanout {
    _ = big.openStandardChannel(OpenStandardMiningChannel(requestID: 1, userIdentity: try! Str0_255("rig.\(i)"), nominalHashRate: 1e12,
                                                          maxTarget: Bytes32(w0: .max, w1: .max, w2: .max, w3: .max)),
                                connection: ConnectionID(i), nowMs: start)
}
var tips: [JobTemplate] = []
for k in 0..<6 {
    let (tid, g) = template(&feed, start + Int64(k) * 600_000)
    tips.append(try! big.prepare(g, templateID: tid, receivedMs: start))
}
var fanoutMs: [Double] = []
for (k, t) in tips.enumerated() {
    let f0 = nowNs()
    let actions = big.judgedTemplateArrived(t, accepted: true, reasonCode: nil, nowMs: start + Int64(k + 1) * 600_000)
    // Encoding every message is part of the gateway's work before the sockets see it.
    var encoded = 0
    for a in actions { if case .send(_, let m) = a { encoded += m.frame.payload.count } }
    fanoutMs.append(Double(nowNs() - f0) / 1e6)
    precondition(encoded > 0)
}
let rssAfter = rssBytes()
print("BENCH new tip to \(fanout) standard channels, core side (jobs + SetNewPrevHash built and encoded): " +
      fanoutMs.map { String(format: "%.1f", $0) }.joined(separator: ", ") + " ms")
print("BENCH core memory per channel after \(tips.count) tips (8 jobs remembered each): \((rssAfter - rssBefore) / fanout) bytes")
