import CSecp256k1
import CSodium

/// The process-wide libsecp256k1 context.
///
/// Created once, on first use, and randomised with 32 bytes from the OS CSPRNG (blinding for the
/// signing and key-generation multiplications). libsecp256k1 documents that a context may be used
/// from any number of threads at once by every call that takes it as `const`; only
/// `secp256k1_context_randomize` and `_destroy` need exclusive access. We randomise inside the
/// once-initialiser and never destroy it, so every use below is thread-safe without a lock.
enum Secp256k1Context {
    nonisolated(unsafe) static let shared: OpaquePointer = {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            preconditionFailure("secp256k1_context_create returned NULL")
        }
        var seed = Bytes32.zero
        withUnsafeMutableBytes(of: &seed) { SecureRandom.fill($0) }
        let status = withUnsafeBytes(of: &seed) { secp256k1_context_randomize(context, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        sodium_memzero(&seed, 32)
        precondition(status == 1, "secp256k1_context_randomize failed")
        return context
    }()
}

/// A BIP-340 x-only public key: the 32-byte big-endian x coordinate of a point whose y is even.
/// Constructing one checks that x is on the curve, so a value of this type is always usable.
public struct XOnlyPublicKey: Hashable, Sendable, CustomStringConvertible {
    public static let size = 32

    /// Big-endian x, as BIP-340 and SV2 certificates and configs write it.
    public let bytes: Bytes32

    public init(bytes: Bytes32) throws(CryptoError) {
        var parsed = secp256k1_xonly_pubkey()
        let ok = withUnsafeBytes(of: bytes) { raw in
            secp256k1_xonly_pubkey_parse(Secp256k1Context.shared, &parsed, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard ok == 1 else { throw CryptoError(.invalidPublicKey, "x-only key \(bytes.hex) is not on secp256k1") }
        self.bytes = bytes
    }

    public init<C: Collection>(bytes: C) throws(CryptoError) where C.Element == UInt8 {
        guard let value = Bytes32(bytes) else {
            throw CryptoError(.invalidLength, "an x-only public key is 32 bytes, got \(bytes.count)")
        }
        try self.init(bytes: value)
    }

    /// From 64 hex digits.
    public init(hex: String) throws(CryptoError) {
        let raw: [UInt8]
        do { raw = try Hex.decode(hex) } catch { throw CryptoError(.invalidPublicKey, "not hex: \(error)") }
        try self.init(bytes: raw)
    }

    public var hex: String { bytes.hex }
    public var description: String { "XOnlyPublicKey(\(hex))" }

    /// BIP-340 verification of `signature` over `message` (any length; BIP-340 allows it).
    public func isValidSignature(_ signature: SchnorrSignature, for message: [UInt8]) -> Bool {
        var parsed = secp256k1_xonly_pubkey()
        let parsedOK = withUnsafeBytes(of: bytes) { raw in
            secp256k1_xonly_pubkey_parse(Secp256k1Context.shared, &parsed, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard parsedOK == 1 else { return false }
        let sig = signature.bytes
        return message.withUnsafeBytes { m in
            sig.withUnsafeBytes { s in
                secp256k1_schnorrsig_verify(Secp256k1Context.shared, s.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                            m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count, &parsed) == 1
            }
        }
    }
}

/// A 64-byte BIP-340 signature `r ‖ s`.
public struct SchnorrSignature: Hashable, Sendable, CustomStringConvertible {
    public static let size = 64
    public let r: Bytes32
    public let s: Bytes32

    public init(r: Bytes32, s: Bytes32) {
        self.r = r
        self.s = s
    }

    public init<C: Collection>(bytes: C) throws(CryptoError) where C.Element == UInt8 {
        guard bytes.count == SchnorrSignature.size, let r = Bytes32(bytes.prefix(32)), let s = Bytes32(bytes.dropFirst(32)) else {
            throw CryptoError(.invalidLength, "a BIP-340 signature is 64 bytes, got \(bytes.count)")
        }
        self.r = r
        self.s = s
    }

    public var bytes: [UInt8] { r.bytes + s.bytes }
    public var description: String { "SchnorrSignature(\(Hex.encode(bytes)))" }
}

/// A secp256k1 secret key with its precomputed libsecp256k1 keypair (secret + public point), for
/// BIP-340 signing and ECDH. The keypair structure holds the secret, so it lives in its own heap
/// block that is wiped on deinit, like `SecretKey`.
public final class Secp256k1KeyPair: @unchecked Sendable {
    public let secretKey: SecretKey
    public let xOnlyPublicKey: XOnlyPublicKey
    private let keypair: UnsafeMutablePointer<secp256k1_keypair>

    /// Fails with `invalidSecretKey` for zero or a value not below the group order.
    public init(secretKey: SecretKey) throws(CryptoError) {
        let context = Secp256k1Context.shared
        let pair = UnsafeMutablePointer<secp256k1_keypair>.allocate(capacity: 1)
        pair.initialize(to: secp256k1_keypair())
        let created = secretKey.withUnsafeBytes { raw in
            secp256k1_keypair_create(context, pair, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard created == 1 else {
            sodium_memzero(pair, MemoryLayout<secp256k1_keypair>.size)
            pair.deallocate()
            throw CryptoError(.invalidSecretKey, "secret key is zero or not below the secp256k1 order")
        }
        var xonly = secp256k1_xonly_pubkey()
        var out = Bytes32.zero
        _ = secp256k1_keypair_xonly_pub(context, &xonly, nil, pair)
        withUnsafeMutableBytes(of: &out) { o in
            _ = secp256k1_xonly_pubkey_serialize(context, o.baseAddress!.assumingMemoryBound(to: UInt8.self), &xonly)
        }
        self.secretKey = secretKey
        self.keypair = pair
        // Derived from a valid secret, so parsing cannot fail; keep the type's invariant anyway.
        guard let key = try? XOnlyPublicKey(bytes: out) else {
            preconditionFailure("libsecp256k1 produced an x-only key it cannot parse")
        }
        self.xOnlyPublicKey = key
    }

    /// From 32 raw secret bytes.
    public convenience init<C: Collection>(secretBytes: C) throws(CryptoError) where C.Element == UInt8 {
        try self.init(secretKey: SecretKey(bytes: secretBytes))
    }

    /// A fresh key: 32 bytes from `rng` until they form a valid secret (fails with probability ~2^-128).
    public static func generate(using rng: inout some RandomNumberGenerator) -> Secp256k1KeyPair {
        while true {
            var raw = rng.nextBytes32()
            let secret = SecretKey(raw)
            sodium_memzero(&raw, 32)
            if let pair = try? Secp256k1KeyPair(secretKey: secret) { return pair }
        }
    }

    deinit {
        sodium_memzero(keypair, MemoryLayout<secp256k1_keypair>.size)
        keypair.deallocate()
    }

    /// BIP-340 signature over `message` (any length) with the given auxiliary randomness
    /// (BIP-340 recommends 32 fresh random bytes; the test vectors pin them).
    public func signSchnorr(_ message: [UInt8], auxiliaryRandom: Bytes32) -> SchnorrSignature {
        var aux = auxiliaryRandom
        var sig = (Bytes32.zero, Bytes32.zero)
        let status = message.withUnsafeBytes { m in
            withUnsafeMutableBytes(of: &aux) { a in
                withUnsafeMutableBytes(of: &sig) { s in
                    // SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT is a brace macro Swift cannot import:
                    // the magic bytes are spelled out (secp256k1_schnorrsig.h).
                    var params = secp256k1_schnorrsig_extraparams()
                    params.magic = (0xDA, 0x6F, 0xB3, 0x8C)
                    params.noncefp = nil
                    params.ndata = a.baseAddress
                    return secp256k1_schnorrsig_sign_custom(Secp256k1Context.shared, s.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                            m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count, keypair, &params)
                }
            }
        }
        // Cannot fail for a valid keypair and the default nonce function.
        precondition(status == 1, "secp256k1_schnorrsig_sign_custom failed")
        return SchnorrSignature(r: sig.0, s: sig.1)
    }

    /// The x coordinate of `secret · P`, where P is either point with x coordinate `x` (the
    /// result does not depend on which). Raw, unhashed: the caller hashes it into a key. Uses
    /// libsecp256k1's constant-time `secp256k1_ecdh` with a hash callback that copies x.
    public func sharedX(withX x: Bytes32) throws(CryptoError) -> SecretKey {
        var point = secp256k1_pubkey()
        let context = Secp256k1Context.shared
        // SEC1 compressed form 02 ‖ x: either y works, the x of the product is the same.
        let parsed = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 33) { buffer in
            buffer[0] = 0x02
            withUnsafeBytes(of: x) { raw in
                for i in 0..<32 { buffer[1 + i] = raw[i] }
            }
            return secp256k1_ec_pubkey_parse(context, &point, buffer.baseAddress!, 33)
        }
        guard parsed == 1 else { throw CryptoError(.invalidPublicKey, "x \(x.hex) is not on secp256k1") }
        var status: Int32 = 0
        let shared = SecretKey { out in
            secretKey.withUnsafeBytes { sk in
                status = secp256k1_ecdh(context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &point,
                                        sk.baseAddress!.assumingMemoryBound(to: UInt8.self), copyXCoordinate, nil)
            }
        }
        guard status == 1 else { throw CryptoError(.libraryFailure, "secp256k1_ecdh failed") }
        return shared
    }
}

extension Secp256k1KeyPair: CustomStringConvertible {
    public var description: String { "Secp256k1KeyPair(public: \(xOnlyPublicKey.hex), secret: <redacted>)" }
}

/// `secp256k1_ecdh` hash callback that returns the raw x coordinate (BIP-324 hashes it itself).
private let copyXCoordinate: secp256k1_ecdh_hash_function = { output, x32, _, _ in
    guard let output, let x32 else { return 0 }
    output.update(from: x32, count: 32)
    return 1
}
