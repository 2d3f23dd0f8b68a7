import CSodium

/// The two-output HKDF of the Noise framework (rev. 34 §4.3) with HMAC-SHA256:
/// `t = HMAC(ck, ikm)`, `o1 = HMAC(t, 0x01)`, `o2 = HMAC(t, o1 || 0x02)`.
///
/// This equals RFC 5869 HKDF-SHA256 with salt = `ck`, empty info and 64 output bytes (checked in
/// the tests against swift-crypto's `HKDF`), but it is written out here because Debian 12's
/// libsodium 1.0.18 has no HKDF API and the Noise form is what the SV2 spec states.
/// Both outputs are keys (a chaining key and a cipher key, or the two transport keys), so they
/// come back as `SecretKey`s and every intermediate is wiped.
public enum NoiseHKDF {
    public static func derive(chainingKey: SecretKey, inputKeyMaterial ikm: UnsafeRawBufferPointer) -> (SecretKey, SecretKey) {
        var temp = chainingKey.withUnsafeBytes { ck in HMACSHA256.authenticate(key: ck, ikm) }
        var one: UInt8 = 0x01
        var two: UInt8 = 0x02
        var o1 = withUnsafeBytes(of: &temp) { t in
            withUnsafeBytes(of: &one) { HMACSHA256.authenticate(key: t, $0) }
        }
        var o2 = withUnsafeBytes(of: &temp) { t in
            withUnsafeBytes(of: &o1) { o in withUnsafeBytes(of: &two) { HMACSHA256.authenticate(key: t, o, $0) } }
        }
        let result = (SecretKey(o1), SecretKey(o2))
        sodium_memzero(&temp, 32)
        sodium_memzero(&o1, 32)
        sodium_memzero(&o2, 32)
        return result
    }

    public static func derive(chainingKey: SecretKey, inputKeyMaterial ikm: SecretKey) -> (SecretKey, SecretKey) {
        ikm.withUnsafeBytes { derive(chainingKey: chainingKey, inputKeyMaterial: $0) }
    }
}
