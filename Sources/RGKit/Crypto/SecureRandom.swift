import CSodium

/// Secure random bytes from the operating system (libsodium `randombytes_buf`, which reads
/// `getrandom(2)` on Linux). Use this for keys, EllSwift randomness and BIP-340 aux data in
/// production; tests inject a seeded `RandomNumberGenerator` instead.
public enum SecureRandom {
    /// Fills the buffer with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        Sodium.ensureReady()
        randombytes_buf(base, buffer.count)
    }

    public static func bytes(count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            fill(UnsafeMutableRawBufferPointer(out))
            initialized = count
        }
    }
}

/// A `RandomNumberGenerator` backed by `randombytes_buf`: the generator to pass wherever an API
/// takes `using rng: inout some RandomNumberGenerator` outside tests. Stateless, so any number of
/// copies can be used from any thread.
public struct SecureRandomNumberGenerator: RandomNumberGenerator, Sendable {
    public init() {}

    public mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { SecureRandom.fill($0) }
        return value
    }
}

extension RandomNumberGenerator {
    /// 32 bytes drawn from the generator (four 64-bit words, little-endian).
    mutating func nextBytes32() -> Bytes32 {
        Bytes32(w0: next(), w1: next(), w2: next(), w3: next())
    }
}
