/// Measured hashrate: Σ (difficulty of each accepted share) × 2³² over the last 1 minute,
/// 5 minutes and 1 hour, divided by the time those shares cover. Kept apart from the hashrate a
/// miner *declares* (`nominal_hash_rate`), which is reported next to it and never mixed in.
///
/// Each window is a ring of time buckets (1 min: 12 × 5 s, 5 min: 30 × 10 s, 1 h: 60 × 60 s;
/// 102 doubles per meter, no per-share allocation). The sum is taken over the finished buckets
/// plus the one in progress, and divided by exactly the span they cover — from the start of
/// the oldest bucket to now — so the estimate has no edge bias; the span is at least
/// (n − 1) buckets and at most the window. A meter younger than the span divides by its age
/// instead (at least one second), so a new channel is not under-reported.
///
/// Each share counts at the difficulty of the target it was judged against (its job's), so a
/// vardiff change never distorts the figure. The relative noise is about 1/√(shares in the
/// window): at 18 shares/min, ≈ 24 % over 1 min, ≈ 11 % over 5 min, ≈ 3 % over 1 h.
public struct HashrateMeter: Sendable {
    /// Hashes per unit of share difficulty (pdiff 1 ≈ 2³² hashes).
    public static let hashesPerDifficulty = 4_294_967_296.0

    struct Window: Sendable {
        let bucketMs: Int64
        var sums: [Double]
        var epoch: Int64            // bucket number of sums[epoch % n]

        init(bucketMs: Int64, buckets: Int, nowMs: Int64) {
            self.bucketMs = bucketMs
            sums = [Double](repeating: 0, count: buckets)
            epoch = nowMs / bucketMs
        }

        @inline(__always)
        mutating func advance(to nowMs: Int64) {
            let e = nowMs / bucketMs
            guard e > epoch else { return }
            let n = sums.count
            if e - epoch >= Int64(n) {
                for i in 0..<n { sums[i] = 0 }
            } else {
                var k = epoch + 1
                while k <= e { sums[Int(k % Int64(n))] = 0; k += 1 }
            }
            epoch = e
        }

        @inline(__always)
        mutating func add(_ value: Double, nowMs: Int64) {
            advance(to: nowMs)
            // A share stamped in an older bucket still inside the ring goes there; older ones
            // (or a clock that went back further) go into the current bucket.
            let e = nowMs / bucketMs
            let n = Int64(sums.count)
            let slot = e <= epoch && epoch - e < n ? e : epoch
            sums[Int(slot % n)] += value
        }

        /// (sum, covered milliseconds) as of `nowMs`.
        func total(nowMs: Int64) -> (sum: Double, spanMs: Int64) {
            let n = Int64(sums.count)
            let e = max(epoch, nowMs / bucketMs)
            var sum = 0.0
            // Buckets e−n+1 … e that are still held (those after `epoch` are empty).
            var k = e - n + 1
            while k <= min(e, epoch) {
                if k > epoch - n { sum += sums[Int(((k % n) + n) % n)] }
                k += 1
            }
            let span = nowMs - (e - n + 1) * bucketMs
            return (sum, span)
        }
    }

    public let startMs: Int64
    var oneMinute: Window
    var fiveMinutes: Window
    var oneHour: Window

    public init(nowMs: Int64) {
        startMs = nowMs
        oneMinute = Window(bucketMs: 5_000, buckets: 12, nowMs: nowMs)
        fiveMinutes = Window(bucketMs: 10_000, buckets: 30, nowMs: nowMs)
        oneHour = Window(bucketMs: 60_000, buckets: 60, nowMs: nowMs)
    }

    /// Credits one accepted share of `difficulty`.
    @inline(__always)
    public mutating func add(difficulty: Double, nowMs: Int64) {
        oneMinute.add(difficulty, nowMs: nowMs)
        fiveMinutes.add(difficulty, nowMs: nowMs)
        oneHour.add(difficulty, nowMs: nowMs)
    }

    /// Hashes per second over the 1-minute, 5-minute and 1-hour windows.
    public func hashrates(nowMs: Int64) -> (oneMinute: Double, fiveMinutes: Double, oneHour: Double) {
        (rate(oneMinute, nowMs), rate(fiveMinutes, nowMs), rate(oneHour, nowMs))
    }

    private func rate(_ window: Window, _ nowMs: Int64) -> Double {
        let (sum, span) = window.total(nowMs: nowMs)
        let effective = max(1_000, min(span, nowMs - startMs))
        return sum * HashrateMeter.hashesPerDifficulty / (Double(effective) / 1000)
    }
}
