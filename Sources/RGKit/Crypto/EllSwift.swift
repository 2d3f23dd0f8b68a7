/// ElligatorSwift (BIP-324): a 64-byte encoding `u ‖ t` (two 32-byte big-endian field elements)
/// of a secp256k1 x coordinate that is indistinguishable from uniform random bytes. SV2's Noise
/// handshake sends every public key this way (`Noise_NX_Secp256k1+EllSwift_…`).
///
/// Every 64-byte string decodes to some valid x (u and t are reduced mod p, zero is mapped to one),
/// so decoding never fails; encoding is randomised and has many outputs per x, so two correct
/// implementations only agree byte for byte when the randomness is pinned.
public struct EllSwiftPublicKey: Hashable, Sendable, CustomStringConvertible {
    public static let size = 64

    public let u: Bytes32
    public let t: Bytes32

    public init(u: Bytes32, t: Bytes32) {
        self.u = u
        self.t = t
    }

    /// From exactly 64 bytes.
    public init<C: Collection>(bytes: C) throws(CryptoError) where C.Element == UInt8 {
        guard bytes.count == EllSwiftPublicKey.size, let u = Bytes32(bytes.prefix(32)), let t = Bytes32(bytes.dropFirst(32)) else {
            throw CryptoError(.invalidLength, "an EllSwift public key is 64 bytes, got \(bytes.count)")
        }
        self.init(u: u, t: t)
    }

    public var bytes: [UInt8] { u.bytes + t.bytes }

    public var description: String { "EllSwiftPublicKey(\(Hex.encode(bytes)))" }

    /// The x coordinate this encodes (BIP-324 `XSwiftEC(u, t)`), as 32 big-endian bytes.
    public var x: Bytes32 { xFieldElement.bigEndianBytes }

    var xFieldElement: FieldElement {
        EllSwift.decode(u: FieldElement(bigEndian: u), t: FieldElement(bigEndian: t))
    }

    /// A random encoding of the x coordinate `x` (BIP-324 `XElligatorSwift`). `x` must be the
    /// x coordinate of a curve point, as every public key's is.
    public static func encoding(x: XOnlyPublicKey, using rng: inout some RandomNumberGenerator) -> EllSwiftPublicKey {
        // An XOnlyPublicKey was validated on construction, so its x is canonical and on the curve.
        let xField = FieldElement(canonicalBigEndian: x.bytes) ?? .zero
        let (u, t) = EllSwift.encode(x: xField, using: &rng)
        return EllSwiftPublicKey(u: u.bigEndianBytes, t: t.bigEndianBytes)
    }
}

/// The BIP-324 SwiftEC maps over `FieldElement`. Written from the BIP-324 text and its
/// `reference.py`; checked against all 76 decode and 256 inverse vectors of BIP-324.
enum EllSwift {
    /// sqrt(−3) mod p, the root that (−3)^((p+1)/4) gives (the one BIP-324's reference uses).
    static let sqrtMinus3 = FieldElement(l0: 0x7D8D_27AE_1CD5_F852, l1: 0xC61F_6D15_DA14_ECD4,
                                         l2: 0x2337_70C2_A797_962C, l3: 0x0A2D_2BA9_3507_F1DF)
    /// (sqrt(−3) − 1) / 2, the constant of the inverse map.
    static let c1 = FieldElement(l0: 0x3EC6_93D6_8E6A_FA40, l1: 0x630F_B68A_ED0A_766A,
                                 l2: 0x919B_B861_53CB_CB16, l3: 0x8516_95D4_9A83_F8EF)
    /// 1/2 mod p = (p + 1)/2.
    static let half = FieldElement(l0: 0xFFFF_FFFF_7FFF_FE18, l1: UInt64.max, l2: UInt64.max, l3: 0x7FFF_FFFF_FFFF_FFFF)
    static let seven = FieldElement(7)

    /// `XSwiftEC(u, t)`: always returns a valid x.
    ///
    /// BIP-324 writes it with three divisions: X = (u³+7−t²)/(2t), Y = (X+t)/(√−3·u), then the
    /// first valid of x1 = u + 4Y², x2 = (−X/Y − u)/2, x3 = (X/Y − u)/2. With d = u³+7+t² (never
    /// zero after the t-doubling rule) these are x1 = u − d³/(3t²u²·d) and X/Y = n·√−3·u·3t²u²/(3t²u²·d)
    /// where n = u³+7−t², so one inversion of 3t²u²·d serves all three.
    static func decode(u uIn: FieldElement, t tIn: FieldElement) -> FieldElement {
        let u = uIn.isZero ? FieldElement.one : uIn
        var t = tIn.isZero ? FieldElement.one : tIn
        let u2 = u.squared()
        let g = u2 * u + seven                           // u³ + 7
        if (g + t.squared()).isZero { t = t + t }        // u³ + t² + 7 = 0 → t = 2t
        let t2 = t.squared()
        let n = g - t2                                   // 2t·X
        let d = g + t2                                   // n + 2t²
        let threeT2U2 = { let a = t2 * u2; return a + a + a }()
        let inv = (threeT2U2 * d).inverse()
        let x1 = u - d.squared() * d * inv
        if x1.isValidX { return x1 }
        let xOverY = n * sqrtMinus3 * u * threeT2U2 * inv
        let x2 = (-xOverY - u) * half
        if x2.isValidX { return x2 }
        return (xOverY - u) * half                       // x3: BIP-324 guarantees one of the three is valid
    }

    /// `XSwiftECInv(x, u, case)`: a t with XSwiftEC(u, t) = x for the given case (0…7), or nil.
    static func inverse(x: FieldElement, u: FieldElement, case c: Int) -> FieldElement? {
        let g = u.squared() * u + seven                  // u³ + 7
        let v: FieldElement
        let s: FieldElement
        if c & 2 == 0 {
            let other = -x - u
            if other.isValidX { return nil }
            v = (c & 1 == 0) ? x : other
            let denominator = u.squared() + u * v + v.squared()
            if denominator.isZero { return nil }         // cannot happen for a valid x (see BIP-324); guard anyway
            s = -g * denominator.inverse()
        } else {
            s = x - u
            if s.isZero { return nil }
            let four = FieldElement(4), three = FieldElement(3)
            guard var r = (-s * (four * g + three * s * u.squared())).squareRoot() else { return nil }
            if c & 1 != 0 {
                if r.isZero { return nil }
                r = -r
            }
            v = (-u + r * s.inverse()) * half
        }
        guard var w = s.squareRoot() else { return nil }
        if c & 4 != 0 { w = -w }
        return w * (u * c1 - v)
    }

    /// `XElligatorSwift(x)`: draws (u, case) until the inverse map succeeds (about four tries on
    /// average). u is 32 random bytes reduced mod p, redrawn if zero.
    static func encode(x: FieldElement, using rng: inout some RandomNumberGenerator) -> (u: FieldElement, t: FieldElement) {
        while true {
            let u = FieldElement(bigEndian: rng.nextBytes32())
            let c = Int(truncatingIfNeeded: rng.next() & 7)
            if u.isZero { continue }
            if let t = inverse(x: x, u: u, case: c) { return (u, t) }
        }
    }
}
