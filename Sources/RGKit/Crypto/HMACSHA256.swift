import CSodium

/// HMAC-SHA256 (RFC 2104) through libsodium's incremental `crypto_auth_hmacsha256_*`, which
/// takes keys of any length. The hash state is wiped after each use because it holds the key.
public enum HMACSHA256 {
    /// HMAC over the concatenation of `parts` (saves building a joined buffer).
    public static func authenticate(key: UnsafeRawBufferPointer, _ parts: UnsafeRawBufferPointer...) -> Bytes32 {
        Sodium.ensureReady()
        var state = crypto_auth_hmacsha256_state()
        var out = Bytes32.zero
        // A zero-length key may come with a nil base address; libsodium only reads `keylen` bytes.
        var emptyKey: UInt8 = 0
        if let k = key.baseAddress, key.count > 0 {
            _ = crypto_auth_hmacsha256_init(&state, k.assumingMemoryBound(to: UInt8.self), key.count)
        } else {
            _ = crypto_auth_hmacsha256_init(&state, &emptyKey, 0)
        }
        for part in parts {
            if let p = part.baseAddress, part.count > 0 {
                _ = crypto_auth_hmacsha256_update(&state, p.assumingMemoryBound(to: UInt8.self), UInt64(part.count))
            }
        }
        withUnsafeMutableBytes(of: &out) { o in
            _ = crypto_auth_hmacsha256_final(&state, o.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        sodium_memzero(&state, MemoryLayout<crypto_auth_hmacsha256_state>.size)
        return out
    }

    public static func authenticate(key: [UInt8], data: [UInt8]) -> Bytes32 {
        key.withUnsafeBytes { k in data.withUnsafeBytes { d in authenticate(key: k, d) } }
    }
}
