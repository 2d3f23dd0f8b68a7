import Testing
@testable import RGKit

@Suite struct BackoffTests {
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
