/// The pool's authority key: a BIP-340 key pair whose x-only public key miners are configured with,
/// and whose secret signs each Noise certificate (stratum-v2.md §1.6). The key maths is here; file
/// loading and saving are in `AuthorityKeyPair+File.swift`.
public struct AuthorityKeyPair: Sendable, CustomStringConvertible {
    public let keyPair: Secp256k1KeyPair

    public init(keyPair: Secp256k1KeyPair) { self.keyPair = keyPair }

    public init(secretKey: SecretKey) throws(NoiseError) {
        do { keyPair = try Secp256k1KeyPair(secretKey: secretKey) } catch {
            throw NoiseError(.invalidKey, "authority secret: \(error)")
        }
    }

    public static func generate(using rng: inout some RandomNumberGenerator) -> AuthorityKeyPair {
        AuthorityKeyPair(keyPair: .generate(using: &rng))
    }

    /// SRI's config form of the secret: Base58Check of the raw 32 bytes, no version prefix.
    public init(secretBase58Check text: String) throws(NoiseError) {
        var raw: [UInt8]
        do { raw = try Base58Check.decode(text) } catch { throw NoiseError(.invalidKey, "authority secret: \(error)") }
        defer { for i in raw.indices { raw[i] = 0 } }
        guard raw.count == SecretKey.byteCount else {
            throw NoiseError(.invalidKey, "authority secret decodes to \(raw.count) bytes, expected 32")
        }
        do { try self.init(secretKey: SecretKey(bytes: raw)) } catch { throw NoiseError(.invalidKey, "authority secret: \(error)") }
    }

    public var publicKey: XOnlyPublicKey { keyPair.xOnlyPublicKey }

    /// SRI's config form of the secret (Base58Check of the raw 32 bytes). Handle like the key itself.
    public var secretBase58Check: String { keyPair.secretKey.withUnsafeBytes { Base58Check.encode($0) } }

    public var description: String { "AuthorityKeyPair(public: \(publicKey.authorityBase58Check), secret: <redacted>)" }
}

/// The forms of the authority public key that operators paste into miner configs.
extension XOnlyPublicKey {
    /// sv2-spec §4.7.1: the u16 little-endian version 1 (`01 00`) precedes the key.
    public static let authorityKeyVersionPrefix: [UInt8] = [0x01, 0x00]

    /// Base58Check of `01 00 ‖ x-only key`, e.g. `9bXiEd8boQVhq7WddEcERUL5tyyJVFYdU8th3HfbNXK3Yw6GRXh`
    /// (also the last path segment of a `stratum2+tcp://host:port/<key>` URL).
    public var authorityBase58Check: String {
        Base58Check.encode(XOnlyPublicKey.authorityKeyVersionPrefix + bytes.bytes)
    }

    /// Parses either form an operator may paste: 64 hex digits, or the Base58Check form with the
    /// `01 00` prefix. Surrounding whitespace is ignored.
    public init(authorityKey text: String) throws(NoiseError) {
        let trimmed = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        if trimmed.utf8.count == 64, Hex.isHex(trimmed.utf8) {
            do { try self.init(hex: trimmed) } catch { throw NoiseError(.invalidKey, "authority key: \(error)") }
            return
        }
        let payload: [UInt8]
        do { payload = try Base58Check.decode(trimmed) } catch {
            throw NoiseError(.invalidKey, "authority key is neither 64 hex digits nor base58check: \(error)")
        }
        guard payload.count == 34, Array(payload.prefix(2)) == XOnlyPublicKey.authorityKeyVersionPrefix else {
            throw NoiseError(.invalidKey,
                             "authority key must decode to 01 00 + 32 bytes, got \(payload.count) bytes starting \(Hex.encode(payload.prefix(2)))")
        }
        do { try self.init(bytes: payload.dropFirst(2)) } catch { throw NoiseError(.invalidKey, "authority key: \(error)") }
    }
}
