#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Variable difficulty for one channel: keeps the miner's share rate near a target (default
/// 18 shares a minute, ckpool's choice; enough shares for a ±11 % hashrate figure over 5 min).
///
/// What it measures is the channel's *work rate*: difficulty-weighted shares per second
/// ("dsps", ckpool's term), which is hashrate / 2³² and does not depend on the difficulty in
/// use. Every accepted share is credited at the difficulty of the job it was mined on, so
/// in-flight shares of an old job neither confuse the estimate nor get discarded.
///
/// Two exponentially decayed estimates, each bias-corrected for its age
/// (rate = Σ d·e^(−age/τ) / (τ·(1 − e^(−T/τ))), exact for a constant rate). Their time
/// constants are set in *shares at the target rate*, so the behaviour does not depend on the
/// rate chosen (18 and 1,080 shares: 60 s and 1 h at 18 shares/min):
/// - **fast** (τ = 18 target shares) catches large changes — a miner that starts far from the
///   initial difficulty, or loses most of its boards: outside ×½…×2 of the target rate, *and*
///   4 standard deviations away from the share count the window should hold (so a Poisson gap
///   never fakes a halving), it retargets at most ×4 per step. It needs `minShares` shares at
///   the current difficulty, or `idleMs` without enough of them (silent miners come down too).
/// - **slow** (τ = 1,080 target shares) makes the fine adjustment. Its hysteresis band narrows
///   with the evidence: a change happens only when the measured rate is off by more than
///   max(`band`, z/√n) (z = 1.5), n the (decayed) number of shares behind the estimate. Early,
///   only big errors move the difficulty; once the window is full (n ≈ 1,080) anything beyond
///   ±4.6 % does, so a channel settles within a few per cent of the target rate and then
///   stays put. Every change goes to the best estimate there is, so a retarget caused by noise
///   is a small correction, never a step away. A fast retarget restarts the slow estimate
///   (the miner changed).
///
/// The new difficulty is returned to the caller, which applies it from the next job (SV2
/// SetTarget applies to jobs sent after it) and keeps crediting older jobs at their own
/// target. Bounds: never below the operator minimum (which may be far below 1 on test
/// networks) nor easier than the miner's `max_target`; never above the operator maximum.
/// Time is passed in; nothing here reads a clock.
public struct Vardiff: Sendable {
    public struct Configuration: Hashable, Sendable {
        public var targetSharesPerMinute: Double
        /// Time constant of the fast estimate, in shares at the target rate.
        public var fastWindowShares: Double
        /// Time constant of the slow estimate, in shares at the target rate.
        public var slowWindowShares: Double
        /// Fast retarget outside [1/fastBand, fastBand] × target rate…
        public var fastBand: Double
        /// …and with the window's share count this many standard deviations off.
        public var fastSignificance: Double
        /// Smallest slow hysteresis half-width (relative), reached with enough shares.
        public var band: Double
        /// z-score the slow estimate must exceed: the band is max(band, z/√n).
        public var significance: Double
        /// Largest change per retarget (×, ÷).
        public var maxStepFactor: Double
        /// Shares at the current difficulty before the fast estimate is trusted.
        public var minShares: Int
        /// …or this long since the last retarget (brings silent miners down).
        public var idleMs: Int64
        /// Never retarget more often than this.
        public var minRetargetIntervalMs: Int64
        /// Starting difficulty when the miner declares no hashrate.
        public var initialDifficulty: Double
        public var minimumDifficulty: Double
        public var maximumDifficulty: Double?

        public init(targetSharesPerMinute: Double = 18, fastWindowShares: Double = 18,
                    slowWindowShares: Double = 1_080, fastBand: Double = 2, fastSignificance: Double = 4, band: Double = 0.03,
                    significance: Double = 1.5, maxStepFactor: Double = 4, minShares: Int = 8, idleMs: Int64 = 60_000,
                    minRetargetIntervalMs: Int64 = 1_000, initialDifficulty: Double = 1,
                    minimumDifficulty: Double = 1, maximumDifficulty: Double? = nil) {
            self.targetSharesPerMinute = targetSharesPerMinute
            self.fastWindowShares = fastWindowShares
            self.slowWindowShares = slowWindowShares
            self.fastBand = fastBand
            self.fastSignificance = fastSignificance
            self.band = band
            self.significance = significance
            self.maxStepFactor = maxStepFactor
            self.minShares = minShares
            self.idleMs = idleMs
            self.minRetargetIntervalMs = minRetargetIntervalMs
            self.initialDifficulty = initialDifficulty
            self.minimumDifficulty = minimumDifficulty
            self.maximumDifficulty = maximumDifficulty
        }

        /// Target shares per second.
        public var targetRate: Double { targetSharesPerMinute / 60 }
        var fastTimeConstantSeconds: Double { fastWindowShares / targetRate }
        var slowTimeConstantSeconds: Double { slowWindowShares / targetRate }

        /// The difficulty at which `hashrate` (H/s) would produce the target share rate.
        public func difficulty(forHashrate hashrate: Double) -> Double {
            hashrate / (targetRate * HashrateMeter.hashesPerDifficulty)
        }
    }

    /// An exponentially decayed sum of difficulty and of share count, bias-corrected for age.
    struct DecayedRate: Sendable {
        let tauSeconds: Double
        var difficultySum = 0.0
        var shareCount = 0.0
        var lastMs: Int64
        var startMs: Int64

        init(tauSeconds: Double, nowMs: Int64) {
            self.tauSeconds = tauSeconds
            lastMs = nowMs
            startMs = nowMs
        }

        @inline(__always)
        mutating func add(_ difficulty: Double, nowMs: Int64) {
            if nowMs > lastMs {
                let f = exp(-Double(nowMs - lastMs) / 1000 / tauSeconds)
                difficultySum *= f
                shareCount *= f
                lastMs = nowMs
            }
            difficultySum += difficulty
            shareCount += 1
        }

        /// (difficulty per second, effective share count, effective seconds) as of `nowMs`.
        func estimate(nowMs: Int64) -> (rate: Double, shares: Double, seconds: Double) {
            let f = nowMs > lastMs ? exp(-Double(nowMs - lastMs) / 1000 / tauSeconds) : 1
            let age = max(0.001, Double(nowMs - startMs) / 1000)
            let weight = tauSeconds * -expm1(-age / tauSeconds)      // τ(1 − e^(−T/τ)), ≈ T when young
            return (difficultySum * f / weight, shareCount * f, weight)
        }
    }

    public let configuration: Configuration
    /// The difficulty for the channel's next jobs.
    public private(set) var difficulty: Double
    /// The easiest difficulty allowed: max(operator minimum, the miner's max_target).
    public private(set) var floorDifficulty: Double
    var fast: DecayedRate
    var slow: DecayedRate
    public private(set) var sharesAtCurrent = 0
    public private(set) var lastRetargetMs: Int64

    /// - Parameters:
    ///   - declaredHashrate: the miner's `nominal_hash_rate` (H/s); 0 or less uses the
    ///     configured initial difficulty.
    ///   - floorDifficulty: the difficulty of the miner's `max_target` (the easiest it takes).
    public init(configuration: Configuration, declaredHashrate: Double, floorDifficulty: Double = 0, nowMs: Int64) {
        self.configuration = configuration
        self.floorDifficulty = max(configuration.minimumDifficulty, floorDifficulty)
        let start = declaredHashrate.isFinite && declaredHashrate > 0
            ? configuration.difficulty(forHashrate: declaredHashrate) : configuration.initialDifficulty
        fast = DecayedRate(tauSeconds: configuration.fastTimeConstantSeconds, nowMs: nowMs)
        slow = DecayedRate(tauSeconds: configuration.slowTimeConstantSeconds, nowMs: nowMs)
        lastRetargetMs = nowMs
        difficulty = 1
        difficulty = clamp(start)
    }

    /// The miner lowered or raised its `max_target` (UpdateChannel); returns the new
    /// difficulty if the current one now breaks the bound.
    public mutating func setFloor(difficulty floor: Double, nowMs: Int64) -> Double? {
        floorDifficulty = max(configuration.minimumDifficulty, floor)
        let bounded = clamp(difficulty)
        guard bounded != difficulty else { return nil }
        apply(bounded, nowMs: nowMs)
        return bounded
    }

    /// Credits an accepted share mined at `shareDifficulty` (its job's target; `atCurrent` when
    /// that job was issued at the current difficulty); returns a new difficulty when one is due.
    @inline(__always)
    public mutating func shareAccepted(difficulty shareDifficulty: Double, atCurrent: Bool, nowMs: Int64) -> Double? {
        fast.add(shareDifficulty, nowMs: nowMs)
        slow.add(shareDifficulty, nowMs: nowMs)
        if atCurrent { sharesAtCurrent += 1 }
        return evaluate(nowMs: nowMs)
    }

    /// Periodic check without a share (lowers the difficulty of a silent miner).
    public mutating func tick(nowMs: Int64) -> Double? {
        evaluate(nowMs: nowMs)
    }

    /// Hashrate the vardiff believes in (fast estimate × 2³²), for display next to the
    /// measured windows.
    public func estimatedHashrate(nowMs: Int64) -> Double {
        fast.estimate(nowMs: nowMs).rate * HashrateMeter.hashesPerDifficulty
    }

    mutating func evaluate(nowMs: Int64) -> Double? {
        let sinceRetarget = nowMs - lastRetargetMs
        guard sinceRetarget >= configuration.minRetargetIntervalMs else { return nil }
        let enough = sharesAtCurrent >= configuration.minShares || sinceRetarget >= configuration.idleMs
        guard enough else { return nil }
        let wanted = difficulty * configuration.targetRate        // difficulty per second at the target
        let f = fast.estimate(nowMs: nowMs)
        let fastRatio = f.rate / wanted
        // In shares at the current difficulty: what the window holds vs what it should hold.
        let expected = f.seconds * configuration.targetRate
        let deviation = (fastRatio - 1) * expected / max(expected, 1e-9).squareRoot()
        if fastRatio > configuration.fastBand || fastRatio < 1 / configuration.fastBand,
           abs(deviation) > configuration.fastSignificance {
            let step = clampStep(fastRatio)
            let proposed = clamp(difficulty * step)
            guard proposed != difficulty else { return nil }
            apply(proposed, nowMs: nowMs)
            slow = DecayedRate(tauSeconds: configuration.slowTimeConstantSeconds, nowMs: nowMs)
            return proposed
        }
        let s = slow.estimate(nowMs: nowMs)
        guard s.shares >= 1 else { return nil }
        let slowRatio = s.rate / wanted
        let halfWidth = max(configuration.band, configuration.significance / s.shares.squareRoot())
        guard abs(slowRatio - 1) > halfWidth else { return nil }
        let proposed = clamp(difficulty * clampStep(slowRatio))
        guard proposed != difficulty else { return nil }
        apply(proposed, nowMs: nowMs)
        return proposed
    }

    private func clampStep(_ ratio: Double) -> Double {
        guard ratio.isFinite else { return configuration.maxStepFactor }
        return min(configuration.maxStepFactor, max(1 / configuration.maxStepFactor, ratio))
    }

    private func clamp(_ d: Double) -> Double {
        var value = d.isFinite && d > 0 ? d : floorDifficulty
        if let ceiling = configuration.maximumDifficulty { value = min(value, ceiling) }
        return max(value, floorDifficulty)
    }

    private mutating func apply(_ d: Double, nowMs: Int64) {
        difficulty = d
        sharesAtCurrent = 0
        lastRetargetMs = nowMs
    }
}
