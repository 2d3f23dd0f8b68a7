/// An element of the secp256k1 base field GF(p), p = 2^256 − 2^32 − 977, for the ElligatorSwift
/// maps of BIP-324 (libsecp256k1 0.2.0 on Debian 12 has no ellswift module, and exports no field
/// arithmetic, so this is the one piece of curve maths written here; point multiplication stays in
/// the library).
///
/// Four little-endian 64-bit limbs, always fully reduced (0 ≤ value < p), so equality is limb
/// equality. Add, subtract, multiply and the fixed-exponent powers (inverse, square root) run
/// without branches or table lookups on the value, which is "constant time enough" for what goes
/// through them: public keys and EllSwift randomness, never a long-term secret.
struct FieldElement: Equatable, Sendable {
    var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64

    /// 2^256 mod p = 2^32 + 977: reduction folds the high half back in multiplied by this.
    @usableFromInline static let reductionConstant: UInt64 = 0x1_0000_03D1

    static let zero = FieldElement(l0: 0, l1: 0, l2: 0, l3: 0)
    static let one = FieldElement(l0: 1, l1: 0, l2: 0, l3: 0)
    static let modulus = (l0: 0xFFFF_FFFE_FFFF_FC2F as UInt64, l1: UInt64.max, l2: UInt64.max, l3: UInt64.max)

    @inline(__always)
    init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) {
        self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3
    }

    init(_ small: UInt64) { self.init(l0: small, l1: 0, l2: 0, l3: 0) }

    /// From 32 big-endian bytes, reduced mod p (BIP-324 reads u and t this way: values ≥ p wrap).
    init(bigEndian bytes: Bytes32) {
        // Bytes32 stores byte i at position i; big-endian means byte 0 is most significant.
        self = FieldElement.reducedOnce(l0: bytes.w3.byteSwapped, l1: bytes.w2.byteSwapped,
                                        l2: bytes.w1.byteSwapped, l3: bytes.w0.byteSwapped)
    }

    /// From 32 big-endian bytes only if the value is below p (for x coordinates, which must be canonical).
    init?(canonicalBigEndian bytes: Bytes32) {
        let candidate = FieldElement(l0: bytes.w3.byteSwapped, l1: bytes.w2.byteSwapped,
                                     l2: bytes.w1.byteSwapped, l3: bytes.w0.byteSwapped)
        guard FieldElement.reducedOnce(l0: candidate.l0, l1: candidate.l1, l2: candidate.l2, l3: candidate.l3) == candidate else {
            return nil
        }
        self = candidate
    }

    /// The 32-byte big-endian encoding.
    var bigEndianBytes: Bytes32 {
        Bytes32(w0: l3.byteSwapped, w1: l2.byteSwapped, w2: l1.byteSwapped, w3: l0.byteSwapped)
    }

    var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }
    var isOdd: Bool { l0 & 1 == 1 }

    // MARK: Reduction helpers

    /// Subtracts p once if the value is ≥ p (inputs below 2^256 are below 2p).
    @inline(__always)
    static func reducedOnce(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64) -> FieldElement {
        // value ≥ p  ⇔  value + (2^256 − p) overflows 2^256.
        let (t0, c0) = l0.addingReportingOverflow(reductionConstant)
        let (t1, c1) = l1.addingReportingOverflow(c0 ? 1 : 0)
        let (t2, c2) = l2.addingReportingOverflow(c1 ? 1 : 0)
        let (t3, c3) = l3.addingReportingOverflow(c2 ? 1 : 0)
        let mask = 0 &- UInt64(c3 ? 1 : 0)
        return FieldElement(l0: l0 ^ ((l0 ^ t0) & mask), l1: l1 ^ ((l1 ^ t1) & mask),
                            l2: l2 ^ ((l2 ^ t2) & mask), l3: l3 ^ ((l3 ^ t3) & mask))
    }

    // MARK: Arithmetic

    @inline(__always)
    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        let (s0, c0) = a.l0.addingReportingOverflow(b.l0)
        let (s1a, c1a) = a.l1.addingReportingOverflow(b.l1)
        let (s1, c1b) = s1a.addingReportingOverflow(c0 ? 1 : 0)
        let (s2a, c2a) = a.l2.addingReportingOverflow(b.l2)
        let (s2, c2b) = s2a.addingReportingOverflow((c1a || c1b) ? 1 : 0)
        let (s3a, c3a) = a.l3.addingReportingOverflow(b.l3)
        let (s3, c3b) = s3a.addingReportingOverflow((c2a || c2b) ? 1 : 0)
        let carry = c3a || c3b
        // If the sum overflowed 2^256, add 2^256 − p (the wrapped value is then below p, since
        // a + b < 2p); otherwise subtract p if the sum is ≥ p.
        let (t0, d0) = s0.addingReportingOverflow(reductionConstant)
        let (t1, d1) = s1.addingReportingOverflow(d0 ? 1 : 0)
        let (t2, d2) = s2.addingReportingOverflow(d1 ? 1 : 0)
        let (t3, d3) = s3.addingReportingOverflow(d2 ? 1 : 0)
        let mask = 0 &- UInt64((carry || d3) ? 1 : 0)
        return FieldElement(l0: s0 ^ ((s0 ^ t0) & mask), l1: s1 ^ ((s1 ^ t1) & mask),
                            l2: s2 ^ ((s2 ^ t2) & mask), l3: s3 ^ ((s3 ^ t3) & mask))
    }

    @inline(__always)
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        let (d0, b0) = a.l0.subtractingReportingOverflow(b.l0)
        let (d1a, b1a) = a.l1.subtractingReportingOverflow(b.l1)
        let (d1, b1b) = d1a.subtractingReportingOverflow(b0 ? 1 : 0)
        let (d2a, b2a) = a.l2.subtractingReportingOverflow(b.l2)
        let (d2, b2b) = d2a.subtractingReportingOverflow((b1a || b1b) ? 1 : 0)
        let (d3a, b3a) = a.l3.subtractingReportingOverflow(b.l3)
        let (d3, b3b) = d3a.subtractingReportingOverflow((b2a || b2b) ? 1 : 0)
        // On borrow the wrapped value is a − b + 2^256; adding p means subtracting 2^256 − p.
        let fix = reductionConstant & (0 &- UInt64((b3a || b3b) ? 1 : 0))
        let (r0, e0) = d0.subtractingReportingOverflow(fix)
        let (r1, e1) = d1.subtractingReportingOverflow(e0 ? 1 : 0)
        let (r2, e2) = d2.subtractingReportingOverflow(e1 ? 1 : 0)
        let r3 = d3 &- (e2 ? 1 : 0)
        return FieldElement(l0: r0, l1: r1, l2: r2, l3: r3)
    }

    @inline(__always)
    static prefix func - (a: FieldElement) -> FieldElement { .zero - a }

    static func += (a: inout FieldElement, b: FieldElement) { a = a + b }
    static func -= (a: inout FieldElement, b: FieldElement) { a = a - b }
    static func *= (a: inout FieldElement, b: FieldElement) { a = a * b }

    /// Multiplication: a 512-bit schoolbook product (product scanning with a 192-bit
    /// accumulator), then two folds of the high half by 2^256 ≡ 2^32 + 977 and one conditional
    /// subtraction.
    @inline(__always)
    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        var acc = Accumulator()
        acc.mulAdd(a.l0, b.l0); let r0 = acc.shift()
        acc.mulAdd(a.l0, b.l1); acc.mulAdd(a.l1, b.l0); let r1 = acc.shift()
        acc.mulAdd(a.l0, b.l2); acc.mulAdd(a.l1, b.l1); acc.mulAdd(a.l2, b.l0); let r2 = acc.shift()
        acc.mulAdd(a.l0, b.l3); acc.mulAdd(a.l1, b.l2); acc.mulAdd(a.l2, b.l1); acc.mulAdd(a.l3, b.l0); let r3 = acc.shift()
        acc.mulAdd(a.l1, b.l3); acc.mulAdd(a.l2, b.l2); acc.mulAdd(a.l3, b.l1); let r4 = acc.shift()
        acc.mulAdd(a.l2, b.l3); acc.mulAdd(a.l3, b.l2); let r5 = acc.shift()
        acc.mulAdd(a.l3, b.l3); let r6 = acc.shift()
        let r7 = acc.c0
        return reduce512(r0, r1, r2, r3, r4, r5, r6, r7)
    }

    /// Squaring: the cross products are computed once and doubled.
    @inline(__always)
    func squared() -> FieldElement {
        var acc = Accumulator()
        acc.mulAdd(l0, l0); let r0 = acc.shift()
        acc.mulAdd2(l0, l1); let r1 = acc.shift()
        acc.mulAdd2(l0, l2); acc.mulAdd(l1, l1); let r2 = acc.shift()
        acc.mulAdd2(l0, l3); acc.mulAdd2(l1, l2); let r3 = acc.shift()
        acc.mulAdd2(l1, l3); acc.mulAdd(l2, l2); let r4 = acc.shift()
        acc.mulAdd2(l2, l3); let r5 = acc.shift()
        acc.mulAdd(l3, l3); let r6 = acc.shift()
        let r7 = acc.c0
        return FieldElement.reduce512(r0, r1, r2, r3, r4, r5, r6, r7)
    }

    /// `self` squared `count` times.
    @inline(__always)
    func squared(times count: Int) -> FieldElement {
        var x = self
        for _ in 0..<count { x = x.squared() }
        return x
    }

    @inline(__always)
    static func reduce512(_ r0: UInt64, _ r1: UInt64, _ r2: UInt64, _ r3: UInt64,
                          _ r4: UInt64, _ r5: UInt64, _ r6: UInt64, _ r7: UInt64) -> FieldElement {
        let k = reductionConstant
        // First fold: (r4..r7) · k is at most 289 bits; add it to (r0..r3).
        var (h, l) = r4.multipliedFullWidth(by: k)
        var (s0, o) = r0.addingReportingOverflow(l)
        var carry = h &+ (o ? 1 : 0)
        (h, l) = r5.multipliedFullWidth(by: k)
        (l, o) = l.addingReportingOverflow(carry); h &+= o ? 1 : 0
        var (s1, o2) = r1.addingReportingOverflow(l)
        carry = h &+ (o2 ? 1 : 0)
        (h, l) = r6.multipliedFullWidth(by: k)
        (l, o) = l.addingReportingOverflow(carry); h &+= o ? 1 : 0
        var (s2, o3) = r2.addingReportingOverflow(l)
        carry = h &+ (o3 ? 1 : 0)
        (h, l) = r7.multipliedFullWidth(by: k)
        (l, o) = l.addingReportingOverflow(carry); h &+= o ? 1 : 0
        var (s3, o4) = r3.addingReportingOverflow(l)
        let top = h &+ (o4 ? 1 : 0)                     // < 2^34
        // Second fold: top · k < 2^67.
        (h, l) = top.multipliedFullWidth(by: k)
        (s0, o) = s0.addingReportingOverflow(l)
        (s1, o2) = s1.addingReportingOverflow(h &+ (o ? 1 : 0))
        (s2, o3) = s2.addingReportingOverflow(o2 ? 1 : 0)
        (s3, o4) = s3.addingReportingOverflow(o3 ? 1 : 0)
        // A final wrap past 2^256 leaves a small value: add k once more (cannot overflow again).
        let (t0, c0) = s0.addingReportingOverflow(k & (0 &- UInt64(o4 ? 1 : 0)))
        let (t1, c1) = s1.addingReportingOverflow(c0 ? 1 : 0)
        let (t2, c2) = s2.addingReportingOverflow(c1 ? 1 : 0)
        let t3 = s3 &+ (c2 ? 1 : 0)
        return reducedOnce(l0: t0, l1: t1, l2: t2, l3: t3)
    }

    // MARK: Powers

    /// The power chain shared by inverse and square root: returns (x2, x3, x22, x223) where
    /// xN = self^(2^N − 1), following the block structure of p − 2 and (p + 1)/4 (runs of 1 bits
    /// of lengths 1, 2, 22 and 223), as libsecp256k1 does.
    @inline(__always)
    private func powerChain() -> (x2: FieldElement, x3: FieldElement, x22: FieldElement, x223: FieldElement) {
        let x2 = squared() * self
        let x3 = x2.squared() * self
        let x6 = x3.squared(times: 3) * x3
        let x9 = x6.squared(times: 3) * x3
        let x11 = x9.squared(times: 2) * x2
        let x22 = x11.squared(times: 11) * x11
        let x44 = x22.squared(times: 22) * x22
        let x88 = x44.squared(times: 44) * x44
        let x176 = x88.squared(times: 88) * x88
        let x220 = x176.squared(times: 44) * x44
        let x223 = x220.squared(times: 3) * x3
        return (x2, x3, x22, x223)
    }

    /// self^(p − 2): the inverse for non-zero values, and 0 for 0 (callers check for zero first).
    func inverse() -> FieldElement {
        let c = powerChain()
        var t = c.x223.squared(times: 23) * c.x22
        t = t.squared(times: 5) * self
        t = t.squared(times: 3) * c.x2
        t = t.squared(times: 2) * self
        return t
    }

    /// A square root if one exists (p ≡ 3 mod 4, so it is self^((p + 1)/4)); nil otherwise.
    /// Which of the two roots comes back is fixed by the exponent (the BIP-324 reference does
    /// the same), which matters for the constant sqrt(−3).
    func squareRoot() -> FieldElement? {
        let c = powerChain()
        var t = c.x223.squared(times: 23) * c.x22
        t = t.squared(times: 6) * c.x2
        t = t.squared(times: 2)
        return t.squared() == self ? t : nil
    }

    var isSquare: Bool { squareRoot() != nil }

    /// True when x is the x coordinate of a point on secp256k1 (x³ + 7 is a square).
    var isValidX: Bool { (squared() * self + FieldElement(7)).isSquare }
}

/// A 192-bit accumulator (c0, c1, c2) for product-scanning multiplication.
@usableFromInline
struct Accumulator {
    @usableFromInline var c0: UInt64 = 0, c1: UInt64 = 0, c2: UInt64 = 0

    @inline(__always)
    mutating func mulAdd(_ a: UInt64, _ b: UInt64) {
        let (h, l) = a.multipliedFullWidth(by: b)
        let (n0, o0) = c0.addingReportingOverflow(l)
        let (n1a, o1a) = c1.addingReportingOverflow(h)
        let (n1, o1b) = n1a.addingReportingOverflow(o0 ? 1 : 0)
        c0 = n0
        c1 = n1
        c2 &+= (o1a ? 1 : 0) &+ (o1b ? 1 : 0)
    }

    /// Adds 2·a·b.
    @inline(__always)
    mutating func mulAdd2(_ a: UInt64, _ b: UInt64) {
        let (h, l) = a.multipliedFullWidth(by: b)
        let top = h >> 63
        let h2 = (h << 1) | (l >> 63)
        let l2 = l << 1
        let (n0, o0) = c0.addingReportingOverflow(l2)
        let (n1a, o1a) = c1.addingReportingOverflow(h2)
        let (n1, o1b) = n1a.addingReportingOverflow(o0 ? 1 : 0)
        c0 = n0
        c1 = n1
        c2 &+= top &+ (o1a ? 1 : 0) &+ (o1b ? 1 : 0)
    }

    /// Returns the low word and shifts the accumulator down by 64 bits.
    @inline(__always)
    mutating func shift() -> UInt64 {
        let out = c0
        c0 = c1
        c1 = c2
        c2 = 0
        return out
    }
}
