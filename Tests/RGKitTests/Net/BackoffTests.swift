import Testing
@testable import RGKit

/// A random source that always returns the same word: pins the jitter.
struct FixedRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

@Suite struct BackoffTests {
    @Test func withoutJitterTheDelaysDoubleUpToTheCap() {
        var backoff = Backoff(baseMs: 250, capMs: 10_000, jitter: 0)
        var random = FixedRandom(value: 0)
        let delays = (0..<9).map { _ in backoff.nextDelayMs(using: &random) }
        #expect(delays == [250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000])
        #expect(backoff.failures == 9)
    }

    @Test func aSuccessResetsTheSchedule() {
        var backoff = Backoff(baseMs: 100, capMs: 2_000, jitter: 0)
        var random = FixedRandom(value: 0)
        for _ in 0..<10 { _ = backoff.nextDelayMs(using: &random) }
        #expect(backoff.nextDelayMs(using: &random) == 2_000)
        backoff.reset()
        #expect(backoff.failures == 0)
        #expect(backoff.nextDelayMs(using: &random) == 100)
        #expect(backoff.nextDelayMs(using: &random) == 200)
    }

    @Test func jitterTakesUpToItsShareOffTheCeiling() {
        // The draw is mapped by a multiply-high: 0 takes nothing off, all-ones the whole spread.
        var low = FixedRandom(value: 0)
        var high = FixedRandom(value: .max)
        var a = Backoff(baseMs: 1_000, capMs: 8_000, jitter: 0.5)
        var b = a
        #expect(a.nextDelayMs(using: &low) == 1_000)
        #expect(b.nextDelayMs(using: &high) == 500)
        // Over many seeded draws every delay stays within [ceiling/2, ceiling] and they spread.
        var seeded = SplitMix64(seed: 42)
        var backoff = Backoff(baseMs: 1_000, capMs: 1_000, jitter: 0.5)
        let samples = (0..<2_000).map { _ in backoff.nextDelayMs(using: &seeded) }
        #expect(samples.allSatisfy { (500...1_000).contains($0) })
        #expect(Set(samples).count > 300)
    }

    @Test func sillyParametersAreClamped() {
        var random = FixedRandom(value: 0)
        var backoff = Backoff(baseMs: 0, capMs: -5, multiplier: 0.5, jitter: 7)
        #expect(backoff.baseMs == 1 && backoff.capMs == 1 && backoff.multiplier == 1 && backoff.jitter == 1)
        #expect((0...1).contains(backoff.nextDelayMs(using: &random)))
        #expect(Backoff(baseMs: 1, capMs: Int64.max).ceilingMs(afterFailures: 500) == Int64.max)
        #expect(Backoff(baseMs: 3, capMs: 1_000).ceilingMs(afterFailures: 1) == 3)
    }
}

@Suite struct OutageTrackerTests {
    @Test func anOutageIsReportedWhenItBeginsWhileItLastsAndWhenItEnds() {
        var outage = OutageTracker(reminderIntervalMs: 30_000)
        #expect(outage.succeeded(nowMs: 0) == nil)
        #expect(outage.failed(reason: "refused", nowMs: 1_000) == .began(reason: "refused"))
        #expect(outage.failed(reason: "refused", nowMs: 2_000) == nil)
        #expect(outage.failed(reason: "refused", nowMs: 30_999) == nil)
        #expect(outage.failed(reason: "refused", nowMs: 31_000) == .continuing(reason: "refused", downForMs: 30_000, failures: 4))
        // A new reason is news at once.
        #expect(outage.failed(reason: "-28 warming up", nowMs: 32_000) == .continuing(reason: "-28 warming up", downForMs: 31_000, failures: 5))
        #expect(outage.isDown)
        #expect(outage.succeeded(nowMs: 33_500) == .ended(downForMs: 32_500, failures: 5))
        #expect(!outage.isDown)
        #expect(outage.succeeded(nowMs: 34_000) == nil)
        #expect(outage.failed(reason: "refused", nowMs: 40_000) == .began(reason: "refused"))
    }
}

@Suite struct BackoffScheduleTests {
    @Test func delaysDoubleUpToTheCapWithHalfJitterAndResetAfterSuccess() {
        var backoff = Backoff(baseMs: 250, capMs: 2_000)
        var rng = SplitMix64(seed: 1)
        var ceilings: [Int64] = []
        for _ in 0..<6 {
            let ceiling = backoff.ceilingMs
            let delay = backoff.nextDelayMs(using: &rng) as Int64
            #expect(delay >= ceiling / 2 && delay <= ceiling)
            ceilings.append(ceiling)
        }
        #expect(ceilings == [250, 500, 1_000, 2_000, 2_000, 2_000])
        backoff.reset()
        #expect(backoff.ceilingMs == 250)
    }

    @Test func aHugeAttemptCountNeitherOverflowsNorExceedsTheCap() {
        var backoff = Backoff(baseMs: 1_000, capMs: 30_000)
        var rng = SplitMix64(seed: 2)
        for _ in 0..<200 {
            let delay = backoff.nextDelayMs(using: &rng)
            #expect(delay <= 30_000)
        }
    }
}

@Suite struct ReplayPacerTests {
    @Test func rateModeSpacesRecordsEvenly() {
        var pacer = ReplayPacer(mode: .rate(4), startNs: 1_000)
        let waits = [pacer.wait(recordedMs: nil, nowNs: 1_000), pacer.wait(recordedMs: nil, nowNs: 1_000),
                     pacer.wait(recordedMs: nil, nowNs: 400_001_000)]
        #expect(waits == [0, 250_000_000, 100_000_000])
    }

    @Test func realtimeModeFollowsTheRecordedClock() {
        var pacer = ReplayPacer(mode: .realtime, startNs: 0)
        let waits = [pacer.wait(recordedMs: 10_000, nowNs: 0), pacer.wait(recordedMs: 10_500, nowNs: 100_000_000),
                     pacer.wait(recordedMs: nil, nowNs: 100_000_000), pacer.wait(recordedMs: 9_000, nowNs: 100_000_000)]
        #expect(waits == [0, 400_000_000, 0, 0])   // the last is out of order: no waiting
    }
}
