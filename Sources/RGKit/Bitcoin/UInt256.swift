/// An unsigned 256-bit integer, just big enough for targets and difficulty: compare, shift,
/// multiply and divide by a 64-bit word, convert to `Double`. Four 64-bit limbs, least significant
/// first. A `Bytes32` holding a hash or a target is the same number in little-endian byte order.
public struct UInt256: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Limbs, least significant first.
    public var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64

    public static let zero = UInt256(l0: 0, l1: 0, l2: 0, l3: 0)
    public static let max = UInt256(l0: .max, l1: .max, l2: .max, l3: .max)

    public init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) {
        self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3
    }

    public init(_ value: UInt64) { self.init(l0: value, l1: 0, l2: 0, l3: 0) }

    /// The number whose little-endian bytes are `bytes` (a hash in wire order, a target).
    public init(littleEndian bytes: Bytes32) {
        self.init(l0: UInt64(littleEndian: bytes.w0), l1: UInt64(littleEndian: bytes.w1),
                  l2: UInt64(littleEndian: bytes.w2), l3: UInt64(littleEndian: bytes.w3))
    }

    /// The little-endian bytes of the number.
    public var littleEndianBytes: Bytes32 {
        Bytes32(w0: l0.littleEndian, w1: l1.littleEndian, w2: l2.littleEndian, w3: l3.littleEndian)
    }

    /// Parses up to 64 hex digits, most significant first (how `getblocktemplate`'s `target` and
    /// the reference documents print targets).
    public init(bigEndianHex hex: String) throws(DecodeError) {
        guard hex.utf8.count <= 64 else {
            throw DecodeError(.invalidValue, "\(hex.utf8.count) hex digits is more than 256 bits")
        }
        let padded = String(repeating: "0", count: 64 - hex.utf8.count) + hex
        self.init(littleEndian: try Bytes32(hex: padded).reversed)
    }

    /// 64 lowercase hex digits, most significant first.
    public var bigEndianHex: String { littleEndianBytes.reversed.hex }
    public var description: String { bigEndianHex }

    /// Limb `i` (0 = least significant).
    public subscript(limb i: Int) -> UInt64 {
        get {
            switch i {
            case 0: l0
            case 1: l1
            case 2: l2
            default: l3
            }
        }
        set {
            switch i {
            case 0: l0 = newValue
            case 1: l1 = newValue
            case 2: l2 = newValue
            default: l3 = newValue
            }
        }
    }

    public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        if l3 != 0 { return 256 - l3.leadingZeroBitCount }
        if l2 != 0 { return 192 - l2.leadingZeroBitCount }
        if l1 != 0 { return 128 - l1.leadingZeroBitCount }
        return 64 - l0.leadingZeroBitCount
    }

    public static func < (a: UInt256, b: UInt256) -> Bool {
        if a.l3 != b.l3 { return a.l3 < b.l3 }
        if a.l2 != b.l2 { return a.l2 < b.l2 }
        if a.l1 != b.l1 { return a.l1 < b.l1 }
        return a.l0 < b.l0
    }

    /// Logical shift left; bits shifted past bit 255 are lost (as Core's `arith_uint256`).
    public static func << (a: UInt256, shift: Int) -> UInt256 {
        guard shift > 0 else { return shift == 0 ? a : a >> -shift }
        guard shift < 256 else { return .zero }
        let words = shift / 64, bits = shift % 64
        var r = UInt256.zero
        for i in stride(from: 3, through: words, by: -1) {
            var v = a[limb: i - words] << bits
            if bits > 0, i - words - 1 >= 0 { v |= a[limb: i - words - 1] >> (64 - bits) }
            r[limb: i] = v
        }
        return r
    }

    /// Logical shift right.
    public static func >> (a: UInt256, shift: Int) -> UInt256 {
        guard shift > 0 else { return shift == 0 ? a : a << -shift }
        guard shift < 256 else { return .zero }
        let words = shift / 64, bits = shift % 64
        var r = UInt256.zero
        for i in 0..<(4 - words) {
            var v = a[limb: i + words] >> bits
            if bits > 0, i + words + 1 < 4 { v |= a[limb: i + words + 1] << (64 - bits) }
            r[limb: i] = v
        }
        return r
    }

    /// The product with a 64-bit word and the limb that overflowed past 256 bits (0 if none).
    public func multipliedFullWidth(by m: UInt64) -> (product: UInt256, overflow: UInt64) {
        var r = UInt256.zero
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (hi, lo) = self[limb: i].multipliedFullWidth(by: m)
            let (sum, o) = lo.addingReportingOverflow(carry)
            r[limb: i] = sum
            carry = hi &+ (o ? 1 : 0)              // cannot wrap: hi ≤ 2^64 - 2
        }
        return (r, carry)
    }

    /// Quotient and remainder of division by a non-zero 64-bit word; nil for a zero divisor.
    public func quotientAndRemainder(dividingBy d: UInt64) -> (quotient: UInt256, remainder: UInt64)? {
        guard d != 0 else { return nil }
        var q = UInt256.zero
        var rem: UInt64 = 0
        for i in stride(from: 3, through: 0, by: -1) {
            let (qi, ri) = d.dividingFullWidth((high: rem, low: self[limb: i]))   // rem < d: no trap
            q[limb: i] = qi
            rem = ri
        }
        return (q, rem)
    }

    /// Sum and whether it wrapped past 2^256.
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var r = UInt256.zero
        var carry = false
        for i in 0..<4 {
            let (a, o1) = self[limb: i].addingReportingOverflow(other[limb: i])
            let (b, o2) = a.addingReportingOverflow(carry ? 1 : 0)
            r[limb: i] = b
            carry = o1 || o2
        }
        return (r, carry)
    }

    /// Difference and whether it wrapped below zero.
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var r = UInt256.zero
        var borrow = false
        for i in 0..<4 {
            let (a, o1) = self[limb: i].subtractingReportingOverflow(other[limb: i])
            let (b, o2) = a.subtractingReportingOverflow(borrow ? 1 : 0)
            r[limb: i] = b
            borrow = o1 || o2
        }
        return (r, borrow)
    }

    /// Quotient and remainder of division by a 256-bit divisor; nil for zero.
    public func quotientAndRemainder(dividingBy d: UInt256) -> (quotient: UInt256, remainder: UInt256)? {
        guard let (q, r) = UInt256.divide([l0, l1, l2, l3], by: d) else { return nil }
        return (UInt256(l0: q[0], l1: q[1], l2: q[2], l3: q[3]), r)
    }

    /// Bitwise long division of a little-endian limb array of any width by a 256-bit divisor:
    /// the quotient (as many limbs as the dividend) and the remainder; nil for a zero divisor.
    static func divide(_ n: [UInt64], by d: UInt256) -> (quotient: [UInt64], remainder: UInt256)? {
        guard !d.isZero else { return nil }
        var q = [UInt64](repeating: 0, count: n.count)
        var r = UInt256.zero
        for bit in stride(from: n.count * 64 - 1, through: 0, by: -1) {
            let carry = r.l3 >> 63 == 1                         // the bit shifted out of r
            r = r << 1
            r.l0 |= (n[bit / 64] >> (bit % 64)) & 1
            if carry || !(r < d) {
                r = r.subtractingReportingOverflow(d).partialValue   // true value < 2d: wraps correctly
                q[bit / 64] |= 1 << (bit % 64)
            }
        }
        return (q, r)
    }

    /// The nearest `Double` (round half to even) to (the integer in `limbs` + a fraction in
    /// [0, 1) that is non-zero when `sticky`) × 2^`exponent`. Correctly rounded when the integer
    /// has at least 64 significant bits, or when `sticky` is false.
    static func nearestDouble(limbs: [UInt64], sticky: Bool, exponent: Int) -> Double {
        guard let top = limbs.lastIndex(where: { $0 != 0 }) else { return 0 }
        let width = top * 64 + (64 - limbs[top].leadingZeroBitCount)
        let shift = Swift.max(0, width - 64)
        // The top 64 bits (or all of them), with every bit below folded into a sticky bit, so the
        // one rounding `Double(UInt64)` does (64 → 53 bits) is the correct rounding of the whole.
        var topBits: UInt64 = 0
        var lowBitsSet = sticky
        for bit in 0..<width where (limbs[bit / 64] >> (bit % 64)) & 1 == 1 {
            if bit >= shift { topBits |= 1 << (bit - shift) } else { lowBitsSet = true }
        }
        if shift > 0, lowBitsSet { topBits |= 1 }
        return Double(topBits) * Double(sign: .plus, exponent: shift + exponent, significand: 1)
    }

    /// The nearest `Double` (round half to even), exact for values below 2^53.
    public var doubleValue: Double {
        let width = bitWidth
        guard width > 64 else { return Double(l0) }
        let shift = width - 64
        let top = (self >> shift).l0
        // A sticky bit stands for everything shifted out, so the one rounding that `Double(UInt64)`
        // does (64 → 53 bits) is the correct rounding of the whole number.
        let sticky: UInt64 = (self << (256 - shift)).isZero ? 0 : 1
        return Double(top | sticky) * Double(sign: .plus, exponent: shift, significand: 1)
    }
}
