/// An element of the secp256k1 base field GF(p), p = 2^256 − 2^32 − 977, for the ElligatorSwift
/// maps of BIP-324 (libsecp256k1 0.2.0 on Debian 12 has no ellswift module, and exports no field
/// arithmetic, so this is the one piece of curve maths written here; point multiplication stays in
/// the library).
///
/// Four little-endian 64-bit limbs, always fully reduced (0 ≤ value < p), so equality is limb
/// equality. Add, subtract, multiply and the fixed-exponent powers (inverse, square root) use no
/// table lookups and branch only on rare carries into zero limbs (see `addCarrying`), which is
/// "constant time enough" for what goes through them: public keys and EllSwift randomness, never
/// a long-term secret (secret scalars only ever go to libsecp256k1).
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
        var c: UInt64 = 0
        let t0 = addCarrying(l0, reductionConstant, &c)
        let t1 = addCarrying(l1, 0, &c)
        let t2 = addCarrying(l2, 0, &c)
        let t3 = addCarrying(l3, 0, &c)
        return select(mask: 0 &- c, FieldElement(l0: t0, l1: t1, l2: t2, l3: t3), else: FieldElement(l0: l0, l1: l1, l2: l2, l3: l3))
    }

    /// `a` where `mask` is all ones, `b` where it is zero, without a branch.
    @inline(__always)
    static func select(mask: UInt64, _ a: FieldElement, else b: FieldElement) -> FieldElement {
        FieldElement(l0: b.l0 ^ ((a.l0 ^ b.l0) & mask), l1: b.l1 ^ ((a.l1 ^ b.l1) & mask),
                     l2: b.l2 ^ ((a.l2 ^ b.l2) & mask), l3: b.l3 ^ ((a.l3 ^ b.l3) & mask))
    }

    // MARK: Arithmetic

    @inline(__always)
    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        var c: UInt64 = 0
        let s0 = addCarrying(a.l0, b.l0, &c)
        let s1 = addCarrying(a.l1, b.l1, &c)
        let s2 = addCarrying(a.l2, b.l2, &c)
        let s3 = addCarrying(a.l3, b.l3, &c)
        // If the sum overflowed 2^256, adding 2^256 − p wraps it below p (a + b < 2p); otherwise
        // that same addition overflows exactly when the sum is ≥ p. Either way take it then.
        var d: UInt64 = 0
        let t0 = addCarrying(s0, reductionConstant, &d)
        let t1 = addCarrying(s1, 0, &d)
        let t2 = addCarrying(s2, 0, &d)
        let t3 = addCarrying(s3, 0, &d)
        return select(mask: 0 &- (c | d), FieldElement(l0: t0, l1: t1, l2: t2, l3: t3), else: FieldElement(l0: s0, l1: s1, l2: s2, l3: s3))
    }

    @inline(__always)
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        var borrow: UInt64 = 0
        let d0 = subtractBorrowing(a.l0, b.l0, &borrow)
        let d1 = subtractBorrowing(a.l1, b.l1, &borrow)
        let d2 = subtractBorrowing(a.l2, b.l2, &borrow)
        let d3 = subtractBorrowing(a.l3, b.l3, &borrow)
        // On borrow the wrapped value is a − b + 2^256; adding p means subtracting 2^256 − p.
        var e: UInt64 = 0
        let r0 = subtractBorrowing(d0, reductionConstant & (0 &- borrow), &e)
        let r1 = subtractBorrowing(d1, 0, &e)
        let r2 = subtractBorrowing(d2, 0, &e)
        let r3 = subtractBorrowing(d3, 0, &e)
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
        // First fold: (r4..r7) · k (each product below 2^97) added to (r0..r3).
        let (h0, m0) = r4.multipliedFullWidth(by: k)
        let (h1, m1) = r5.multipliedFullWidth(by: k)
        let (h2, m2) = r6.multipliedFullWidth(by: k)
        let (h3, m3) = r7.multipliedFullWidth(by: k)
        var c: UInt64 = 0
        var s0 = addCarrying(r0, m0, &c)
        var s1 = addCarrying(r1, m1, &c)
        var s2 = addCarrying(r2, m2, &c)
        var s3 = addCarrying(r3, m3, &c)
        var top = h3 &+ c                                  // h3 < 2^33
        c = 0
        s1 = addCarrying(s1, h0, &c)
        s2 = addCarrying(s2, h1, &c)
        s3 = addCarrying(s3, h2, &c)
        top = top &+ c                                     // < 2^34
        // Second fold: top · k < 2^67.
        let (hh, ll) = top.multipliedFullWidth(by: k)
        c = 0
        s0 = addCarrying(s0, ll, &c)
        s1 = addCarrying(s1, hh, &c)
        s2 = addCarrying(s2, 0, &c)
        s3 = addCarrying(s3, 0, &c)
        // A wrap past 2^256 leaves a small value: add k once more (this cannot overflow again).
        var e: UInt64 = 0
        s0 = addCarrying(s0, k & (0 &- c), &e)
        s1 = addCarrying(s1, 0, &e)
        s2 = addCarrying(s2, 0, &e)
        s3 = addCarrying(s3, 0, &e)
        return reducedOnce(l0: s0, l1: s1, l2: s2, l3: s3)
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

/// `a + b + carry` with the carry (0 or 1) updated. Written with comparisons rather than
/// `addingReportingOverflow` and a Bool: LLVM turned that form into branches on every carry of
/// the product accumulation (3.5× slower, and data-dependent). What branches remain are on carries
/// into limbs known to be zero, which almost never happen and only ever depend on public values
/// here (EllSwift encodings and the x of public keys).
@inline(__always)
func addCarrying(_ a: UInt64, _ b: UInt64, _ carry: inout UInt64) -> UInt64 {
    let s1 = a &+ b
    let c1: UInt64 = s1 < a ? 1 : 0
    let s2 = s1 &+ carry
    let c2: UInt64 = s2 < s1 ? 1 : 0
    carry = c1 | c2                                        // at most one of them is set
    return s2
}

/// `a − b − borrow` with the borrow (0 or 1) updated.
@inline(__always)
func subtractBorrowing(_ a: UInt64, _ b: UInt64, _ borrow: inout UInt64) -> UInt64 {
    let d1 = a &- b
    let b1: UInt64 = a < b ? 1 : 0
    let d2 = d1 &- borrow
    let b2: UInt64 = d1 < borrow ? 1 : 0
    borrow = b1 | b2
    return d2
}

/// A 192-bit accumulator (c0, c1, c2) for product-scanning multiplication.
@usableFromInline
struct Accumulator {
    @usableFromInline var c0: UInt64 = 0, c1: UInt64 = 0, c2: UInt64 = 0

    @inline(__always)
    mutating func mulAdd(_ a: UInt64, _ b: UInt64) {
        let (h, l) = a.multipliedFullWidth(by: b)
        add(h, l)
    }

    /// Adds 2·a·b (the cross products of a square): the same 128-bit product added twice, which
    /// keeps to the carry pattern LLVM compiles without branches.
    @inline(__always)
    mutating func mulAdd2(_ a: UInt64, _ b: UInt64) {
        let (h, l) = a.multipliedFullWidth(by: b)
        add(h, l)
        add(h, l)
    }

    @inline(__always)
    private mutating func add(_ h: UInt64, _ l: UInt64) {
        c0 = c0 &+ l
        let k0: UInt64 = c0 < l ? 1 : 0
        let t = h &+ k0                                    // a product's high word is ≤ 2^64 − 2
        c1 = c1 &+ t
        c2 = c2 &+ (c1 < t ? 1 : 0)
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
