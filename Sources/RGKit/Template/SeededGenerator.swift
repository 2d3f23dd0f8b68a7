/// xoshiro256** seeded through SplitMix64: fast, and the same seed gives the same stream on
/// every platform, which is what makes `rg-feed demo --seed` reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count {
            let word = next()
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: word >> (8 * i))) }
        }
        return Array(out.prefix(count))
    }

    /// Uniform in `range` without modulo bias worth caring about for test data.
    public mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        return range.lowerBound + Int64(span == 0 ? next() : next() % span)
    }

    /// Log-uniform: many small values, a long tail, like real fees.
    public mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        let u = Double(next() >> 11) / Double(1 << 53)
        return low * pow(high / low, u)
    }
}

#if canImport(Glibc)
import Glibc
#endif
