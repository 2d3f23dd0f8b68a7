/// Pool share difficulty ("pdiff") and its target, in exact integer arithmetic.
///
/// `target = floor(difficulty1Target / D)` with `difficulty1Target = 0xffff × 2^208` (nBits
/// 0x1d00ffff). We use pdiff, not "bdiff" (which uses 0x00000000ffffffff…ff and differs by about
/// 1.5e-5 relative). A hash meets share difficulty D when, read as a little-endian integer, it is
/// at most this target.
///
/// How D is given, and why: a `Double` cannot hold 0.001 exactly, and a target derived through
/// floating point loses everything below the top 53 bits (for D = 1,000,000 the exact target
/// ends `…4927913e…aaa3ad`, a double gives zeros there). So:
/// - `target(difficulty: UInt64)` and `target(numerator:denominator:)` are exact for integer and
///   rational D (a vardiff can work in rationals such as 1/1024);
/// - `target(difficulty: Double)` treats the `Double` as the exact binary fraction it stores
///   (m × 2^e) and divides exactly. For integer D below 2^53 it equals the integer version; for a
///   fraction like 0.001 it is the exact target of the nearest double, which may differ from
///   floor(diff1 × 1000) in the low bits.
/// Targets that would exceed 2^256 − 1 (D below about 2.3e-10) saturate to `UInt256.max`.
public enum ShareDifficulty {
    /// 0x00000000ffff0000…0000: the target at difficulty 1.
    public static let difficulty1Target = UInt256(l0: 0, l1: 0, l2: 0, l3: 0x0000_0000_ffff_0000)

    /// floor(diff1 / D) for an integer D ≥ 1; nil for 0.
    public static func target(difficulty: UInt64) -> UInt256? {
        target(numerator: difficulty, denominator: 1)
    }

    /// floor(diff1 × denominator / numerator) for D = numerator / denominator; nil when either is 0.
    public static func target(numerator: UInt64, denominator: UInt64) -> UInt256? {
        guard numerator != 0, denominator != 0 else { return nil }
        return floorDivide(difficulty1Target, times: denominator, shiftedLeft: 0, by: numerator)
    }

    /// floor(diff1 / D) for the exact binary value of a finite, positive `Double`; nil otherwise.
    public static func target(difficulty: Double) -> UInt256? {
        guard difficulty.isFinite, difficulty > 0 else { return nil }
        // difficulty = mantissa × 2^exponent exactly, with an integer mantissa < 2^53.
        let mantissa: UInt64
        let exponent: Int
        if difficulty.isNormal {
            mantissa = UInt64(difficulty.significandBitPattern) | 1 << 52
            exponent = Int(difficulty.exponent) - 52
        } else {
            mantissa = UInt64(difficulty.significandBitPattern)
            exponent = -1074
        }
        guard exponent < 0 else {
            // floor(floor(diff1 / m) / 2^e) = floor(diff1 / (m × 2^e)).
            return floorDivide(difficulty1Target, times: 1, shiftedLeft: 0, by: mantissa) >> exponent
        }
        // diff1 < 2^224 and m ≥ 1: a shift beyond 256 certainly saturates and would not fit below.
        guard -exponent <= 256 else { return .max }
        return floorDivide(difficulty1Target, times: 1, shiftedLeft: -exponent, by: mantissa)
    }

    /// diff1 / target as the nearest `Double` (correctly rounded: the quotient is computed in
    /// integers to at least 66 significant bits, the remainder kept as a sticky bit); +infinity
    /// for a zero target.
    public static func difficulty(ofTarget target: UInt256) -> Double {
        guard !target.isZero else { return .infinity }
        // Scale diff1 by 2^s so that floor(diff1 × 2^s / target) has at least 66 bits.
        let s = Swift.max(0, 66 + target.bitWidth - difficulty1Target.bitWidth)
        var numerator = [UInt64](repeating: 0, count: 6)        // diff1 × 2^s < 2^(224 + 98)
        let words = s / 64, bits = s % 64
        for i in 0..<4 {
            let limb = difficulty1Target[limb: i]
            numerator[i + words] |= limb << bits
            if bits > 0 { numerator[i + words + 1] |= limb >> (64 - bits) }
        }
        guard let (quotient, remainder) = UInt256.divide(numerator, by: target) else { return .infinity }
        return UInt256.nearestDouble(limbs: quotient, sticky: !remainder.isZero, exponent: -s)
    }

    /// The difficulty a hash achieves: diff1 / (hash as a little-endian integer), correctly
    /// rounded. For statistics and display (best share, hashrate); whether a share counts is
    /// decided by comparing the hash with the share target in integers (`BlockHash.meets`).
    public static func difficulty(ofHash hash: BlockHash) -> Double {
        difficulty(ofTarget: UInt256(littleEndian: hash.wire))
    }

    /// diff1 / hash in floating point, within a few units in the last place of the correctly
    /// rounded `difficulty(ofHash:)` and about thirty times cheaper: what every share record
    /// carries, where the long division was a third of the gateway's CPU under a swarm.
    public static func approximateDifficulty(ofHash hash: BlockHash) -> Double {
        let value = UInt256(littleEndian: hash.wire)
        guard !value.isZero else { return .infinity }
        let hashValue = ((Double(value.l3) * 0x1p64 + Double(value.l2)) * 0x1p64 + Double(value.l1)) * 0x1p64 + Double(value.l0)
        return 0xffff * 0x1p208 / hashValue
    }

    /// floor(a × multiplier × 2^shift / divisor), saturating at 2^256 − 1. `shift` ≤ 256.
    static func floorDivide(_ a: UInt256, times multiplier: UInt64, shiftedLeft shift: Int, by divisor: UInt64) -> UInt256 {
        // 9 limbs hold a (< 2^256) × multiplier (< 2^64) × 2^256.
        var limbs = [UInt64](repeating: 0, count: 9)
        let (product, overflow) = a.multipliedFullWidth(by: multiplier)
        for i in 0..<4 { limbs[i] = product[limb: i] }
        limbs[4] = overflow
        if shift > 0 {
            let words = shift / 64, bits = shift % 64
            var shifted = [UInt64](repeating: 0, count: 9)
            for i in stride(from: 8, through: words, by: -1) {
                var v = limbs[i - words] << bits
                if bits > 0, i - words - 1 >= 0 { v |= limbs[i - words - 1] >> (64 - bits) }
                shifted[i] = v
            }
            limbs = shifted
        }
        var remainder: UInt64 = 0
        for i in stride(from: 8, through: 0, by: -1) {
            let (q, r) = divisor.dividingFullWidth((high: remainder, low: limbs[i]))   // remainder < divisor
            limbs[i] = q
            remainder = r
        }
        guard limbs[4...].allSatisfy({ $0 == 0 }) else { return .max }
        return UInt256(l0: limbs[0], l1: limbs[1], l2: limbs[2], l3: limbs[3])
    }
}
