import Foundation
import Testing
@testable import RGKit

/// Vardiff and hashrate on simulated miners: share arrivals are a Poisson process (seeded),
/// at rate hashrate / (difficulty × 2³²); time advances in simulated milliseconds.
@Suite struct VardiffTests {
    /// A miner of fixed hashrate under vardiff. Shares always count at the difficulty in force
    /// when they were found; the vardiff is ticked once a simulated second.
    struct Simulation {
        let hashrate: Double
        var vardiff: Vardiff
        var meter: HashrateMeter
        var rng: SeededGenerator
        var ms: Int64 = 0
        var shares: [(ms: Int64, difficulty: Double)] = []
        var retargets: [(ms: Int64, difficulty: Double)] = []

        init(hashrate: Double, seed: UInt64, configuration: Vardiff.Configuration, declared: Double = 0) {
            self.hashrate = hashrate
            vardiff = Vardiff(configuration: configuration, declaredHashrate: declared, nowMs: 0)
            meter = HashrateMeter(nowMs: 0)
            rng = SeededGenerator(seed: seed)
        }

        mutating func exponential(_ rate: Double) -> Double {
            let u = (Double(rng.next() >> 11) + 0.5) / Double(1 << 53)
            return -log(u) / rate
        }

        /// Runs until `endMs`.
        mutating func run(until endMs: Int64) {
            var t = Double(ms) / 1000
            while ms < endMs {
                let d = vardiff.difficulty
                let rate = hashrate / (d * HashrateMeter.hashesPerDifficulty)
                let next = t + exponential(rate)
                let tick = (t + 1).rounded(.down)
                if next >= tick {
                    // Memoryless: stop at the tick, maybe retarget, draw again.
                    t = tick
                    ms = Int64(t * 1000)
                    if let nd = vardiff.tick(nowMs: ms) { retargets.append((ms, nd)) }
                    continue
                }
                t = next
                ms = Int64(t * 1000)
                shares.append((ms, d))
                meter.add(difficulty: d, nowMs: ms)
                if let nd = vardiff.shareAccepted(difficulty: d, atCurrent: true, nowMs: ms) { retargets.append((ms, nd)) }
            }
        }

        /// Share rate per minute the current difficulty gives this miner, in expectation.
        var expectedSharesPerMinute: Double { 60 * hashrate / (vardiff.difficulty * HashrateMeter.hashesPerDifficulty) }

        func realizedSharesPerMinute(from: Int64, to: Int64) -> Double {
            Double(shares.filter { $0.ms >= from && $0.ms < to }.count) / (Double(to - from) / 60_000)
        }
    }

    static let hour: Int64 = 3_600_000

    /// Miners from a 1 MH/s CPU to a 1 PH/s farm, all starting at difficulty 1 with no declared
    /// hashrate (so the CPU starts ~1000× too hard and the farm ~10^6× too easy).
    @Test(arguments: [(1e6, UInt64(1)), (5e9, 2), (1.1e14, 3), (1e15, 4), (2.5e12, 5), (7e13, 6)])
    func aFixedHashrateMinerSettlesWithinTenPercentOfTheTargetShareRate(_ c: (Double, UInt64)) {
        let config = Vardiff.Configuration(minimumDifficulty: 1e-6)
        var sim = Simulation(hashrate: c.0, seed: c.1, configuration: config)
        sim.run(until: 2 * Self.hour)
        let expected = sim.expectedSharesPerMinute
        #expect(abs(expected / 18 - 1) < 0.10, "hashrate \(c.0): difficulty \(sim.vardiff.difficulty) gives \(expected) shares/min")
        sim.run(until: 4 * Self.hour)
        let realized = sim.realizedSharesPerMinute(from: 2 * Self.hour, to: 4 * Self.hour)
        #expect(abs(realized / 18 - 1) < 0.10, "hashrate \(c.0): \(realized) shares/min over the third and fourth hour")
        #expect(abs(sim.expectedSharesPerMinute / 18 - 1) < 0.10)
        // Settled means settled: once converged, only a few small corrections.
        var previous = sim.retargets.last { $0.ms < 2 * Self.hour }?.difficulty ?? 1
        let late = sim.retargets.filter { $0.ms >= 2 * Self.hour }
        #expect(late.count <= 6, "\(late.count) retargets in hours 3–4")
        for r in late {
            #expect(abs(r.difficulty / previous - 1) < 0.12, "a late retarget by \(r.difficulty / previous)")
            previous = r.difficulty
        }
    }

    @Test func rampUpIsFastAndEachStepIsClampedToFourTimes() {
        var sim = Simulation(hashrate: 1e15, seed: 9, configuration: Vardiff.Configuration())
        sim.run(until: 5 * 60_000)
        var previous = 1.0
        for r in sim.retargets {
            #expect(r.difficulty <= previous * 4 * (1 + 1e-12) && r.difficulty >= previous / 4 * (1 - 1e-12))
            previous = r.difficulty
        }
        // Within five minutes the difficulty is within 2× of optimal (1e15 / (0.3 × 2³²) ≈ 776,000).
        let optimal = Vardiff.Configuration().difficulty(forHashrate: 1e15)
        #expect(sim.vardiff.difficulty > optimal / 2 && sim.vardiff.difficulty < optimal * 2)
    }

    @Test func aSilentMinerIsBroughtDown() {
        // Declares 1 PH/s but has 1 TH/s: no share for a long time at the declared difficulty.
        var sim = Simulation(hashrate: 1e12, seed: 11, configuration: Vardiff.Configuration(), declared: 1e15)
        let start = sim.vardiff.difficulty
        sim.run(until: 10 * 60_000)
        #expect(sim.vardiff.difficulty < start / 100)
        sim.run(until: 2 * Self.hour)
        #expect(abs(sim.expectedSharesPerMinute / 18 - 1) < 0.10)
    }

    @Test func theDifficultyNeverLeavesTheOperatorAndMinerBounds() {
        // A tiny miner against a floor of 1: it cannot go below 1 (its share rate stays low).
        var floored = Simulation(hashrate: 1e6, seed: 12, configuration: Vardiff.Configuration(minimumDifficulty: 1))
        floored.run(until: Self.hour)
        #expect(floored.vardiff.difficulty == 1)
        // The miner's max_target (floor difficulty 5,000) is honoured even for a slow miner.
        var vd = Vardiff(configuration: Vardiff.Configuration(minimumDifficulty: 1e-9), declaredHashrate: 1e6,
                         floorDifficulty: 5_000, nowMs: 0)
        #expect(vd.difficulty == 5_000)
        do { let got = vd.tick(nowMs: Self.hour); #expect(got == nil) }          // already at the floor, nothing lower allowed
        // An operator maximum caps a huge miner.
        var capped = Simulation(hashrate: 1e16, seed: 13, configuration: Vardiff.Configuration(maximumDifficulty: 1e5))
        capped.run(until: 10 * 60_000)
        #expect(capped.vardiff.difficulty == 1e5)
    }

    @Test func aSubOneOperatorMinimumWorksOnTestNetworks() {
        // A 100 kH/s CPU miner on regtest: optimal difficulty ≈ 7.8e-5.
        var sim = Simulation(hashrate: 1e5, seed: 14, configuration: Vardiff.Configuration(initialDifficulty: 1, minimumDifficulty: 1e-8))
        sim.run(until: 2 * Self.hour)
        #expect(abs(sim.expectedSharesPerMinute / 18 - 1) < 0.10)
        #expect(ShareDifficulty.target(difficulty: sim.vardiff.difficulty) != nil)
    }

    @Test func aConfigurableTargetRate() {
        var sim = Simulation(hashrate: 3e13, seed: 15, configuration: Vardiff.Configuration(targetSharesPerMinute: 6))
        sim.run(until: 3 * Self.hour)
        #expect(abs(sim.expectedSharesPerMinute / 6 - 1) < 0.10)
    }
}

@Suite struct HashrateMeterTests {
    /// Poisson shares at a fixed difficulty; returns the meter after `minutes`.
    static func meter(hashrate: Double, sharesPerMinute: Double, minutes: Double, seed: UInt64, startMs: Int64 = 0) -> (HashrateMeter, Int64) {
        var rng = SeededGenerator(seed: seed)
        let difficulty = hashrate / (sharesPerMinute / 60 * HashrateMeter.hashesPerDifficulty)
        var meter = HashrateMeter(nowMs: startMs)
        var t = Double(startMs) / 1000
        let end = t + minutes * 60
        while true {
            let u = (Double(rng.next() >> 11) + 0.5) / Double(1 << 53)
            t += -log(u) / (sharesPerMinute / 60)
            if t >= end { break }
            meter.add(difficulty: difficulty, nowMs: Int64(t * 1000))
        }
        return (meter, Int64(end * 1000))
    }

    /// Five minutes of shares: the 5-minute figure is within 10 % of the true rate. With N
    /// shares the relative noise is 1/√N, so the test uses 300 shares/min (1,500 shares,
    /// ±2.6 %) for a single channel; at vardiff's 18/min a single channel's 5-minute figure
    /// is only good to ±11 % — see the next test for the pool-level figure.
    @Test(arguments: [(1e12, UInt64(21)), (2e14, 22), (5e9, 23), (1e15, 24), (3.3e13, 25)])
    func fiveMinutesOfSharesMeasureTheTrueRateWithinTenPercent(_ c: (Double, UInt64)) {
        let (meter, now) = Self.meter(hashrate: c.0, sharesPerMinute: 300, minutes: 5, seed: c.1, startMs: 1_764_072_000_123)
        let h = meter.hashrates(nowMs: now)
        #expect(abs(h.fiveMinutes / c.0 - 1) < 0.10, "\(h.fiveMinutes) vs \(c.0)")
        #expect(abs(h.oneMinute / c.0 - 1) < 0.20, "1 min: \(h.oneMinute) vs \(c.0)")
    }

    /// The pool's total: ten channels at vardiff's 18 shares/min each (900 shares in 5 min).
    @Test func theTotalOverTenChannelsAtEighteenSharesPerMinuteIsWithinTenPercent() {
        var total = 0.0, truth = 0.0
        for i in 0..<10 {
            let hashrate = 1e13 * Double(i + 1)
            let (meter, now) = Self.meter(hashrate: hashrate, sharesPerMinute: 18, minutes: 5, seed: 100 + UInt64(i))
            total += meter.hashrates(nowMs: now).fiveMinutes
            truth += hashrate
        }
        #expect(abs(total / truth - 1) < 0.10, "\(total) vs \(truth)")
    }

    /// One channel at 18 shares/min over an hour (1,080 shares, ±3 %).
    @Test func anHourAtEighteenSharesPerMinuteIsWithinTenPercent() {
        let (meter, now) = Self.meter(hashrate: 9e13, sharesPerMinute: 18, minutes: 60, seed: 31)
        #expect(abs(meter.hashrates(nowMs: now).oneHour / 9e13 - 1) < 0.10)
    }

    @Test func windowsForgetOldSharesAndAYoungMeterDividesByItsAge() {
        var meter = HashrateMeter(nowMs: 0)
        meter.add(difficulty: 1, nowMs: 10_000)                      // one share after 10 s
        let young = meter.hashrates(nowMs: 20_000)
        #expect(abs(young.oneMinute - HashrateMeter.hashesPerDifficulty / 20) < 1)   // over the 20 s of its life
        let later = meter.hashrates(nowMs: 10 * 60_000)
        #expect(later.oneMinute == 0 && later.fiveMinutes == 0 && later.oneHour > 0)
        #expect(meter.hashrates(nowMs: 2 * 3_600_000).oneHour == 0)
    }

    @Test func measuredAndDeclaredHashrateAreReportedSeparately() throws {
        var config = GatewayFixtures.configuration()
        config.vardiff.maximumDifficulty = 1e-9      // keeps the declared 5 TH/s from setting a real difficulty
        var core = GatewayCore(configuration: config, nowMs: 0)
        var m = TestMiner(connection: 1)
        m.observe(core.openStandardChannel(GatewayFixtures.openStandard(hashrate: 5e12), connection: 1, nowMs: 0))
        var feed = GatewayFixtures.Feed(network: .mainnet)
        let (id, t) = try feed.next(nowMs: 0)
        m.observe(core.judgedTemplateArrived(try core.prepare(t, templateID: id, receivedMs: 0), accepted: true, reasonCode: nil, nowMs: 0))
        for i in 0..<30 {
            do { let got = core.submitStandard(m.validShare(sequence: UInt32(i), start: UInt32(i) * 100), connection: 1, nowMs: 2_000 * Int64(i + 1)); #expect(got.accepted) }
        }
        let h = try #require(core.hashrate(channelID: m.channelID, nowMs: 60_000))
        let declared = Double(Float(5e12))                 // nominal_hash_rate is an F32
        #expect(h.declared == declared)
        // 30 shares at difficulty 1e-9 in 60 s.
        let expected = 30 * 1e-9 * HashrateMeter.hashesPerDifficulty / 60
        #expect(abs(h.oneMinute / expected - 1) < 0.1)
        let total = core.totalHashrate(nowMs: 60_000)
        #expect(total.declared == declared && abs(total.fiveMinutes - h.fiveMinutes) < 1e-6)
        let snap = try #require(core.snapshot(nowMs: 60_000).first)
        #expect(snap.declaredHashrate == declared && snap.sharesAccepted == 30 && snap.hashrate1m == h.oneMinute)
    }
}
