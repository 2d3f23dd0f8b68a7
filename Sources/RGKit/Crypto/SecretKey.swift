import CSodium

/// Exactly 32 secret bytes (a secp256k1 secret, a ChaCha20-Poly1305 key, a Noise chaining key)
/// that are wiped with `sodium_memzero` when the last reference goes away, and that never show
/// up in `print`, string interpolation, `dump` or a debugger summary.
///
/// A final class rather than a struct: a struct's bytes would be copied freely by the compiler
/// and no copy could be wiped. The bytes live in their own heap block that is never resized or
/// copied; read them only inside `withUnsafeBytes`.
///
/// Immutable after `init`, so sharing across threads is safe (`@unchecked Sendable` because the
/// class holds a raw pointer).
public final class SecretKey: @unchecked Sendable {
    public static let byteCount = 32

    private let storage: UnsafeMutableRawPointer

    /// Fills a new key through `body`, which must write all 32 bytes.
    public init(unsafeUninitializedWith body: (UnsafeMutableRawBufferPointer) -> Void) {
        storage = UnsafeMutableRawPointer.allocate(byteCount: SecretKey.byteCount, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: SecretKey.byteCount)
        body(UnsafeMutableRawBufferPointer(start: storage, count: SecretKey.byteCount))
    }

    /// Copies exactly 32 bytes. The caller should wipe its own copy afterwards.
    public convenience init<C: Collection>(bytes: C) throws(CryptoError) where C.Element == UInt8 {
        guard bytes.count == SecretKey.byteCount else {
            throw CryptoError(.invalidLength, "a secret key is 32 bytes, got \(bytes.count)")
        }
        self.init { out in
            var i = 0
            for b in bytes { out[i] = b; i += 1 }
        }
    }

    /// Copies 32 bytes from a `Bytes32` (for values computed on the stack, e.g. an HKDF output).
    public convenience init(_ value: Bytes32) {
        self.init { out in Swift.withUnsafeBytes(of: value) { out.copyMemory(from: $0) } }
    }

    /// 32 bytes from the operating system's CSPRNG.
    public static func random() -> SecretKey {
        SecretKey { SecureRandom.fill($0) }
    }

    deinit {
        sodium_memzero(storage, SecretKey.byteCount)
        storage.deallocate()
    }

    /// The only way to read the bytes. Do not let the pointer escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: SecretKey.byteCount))
    }

    /// Constant-time equality (`sodium_memcmp`). Deliberately not `Equatable`: `==` on secrets
    /// invites early-exit comparisons elsewhere.
    public func constantTimeEquals(_ other: SecretKey) -> Bool {
        withUnsafeBytes { a in other.withUnsafeBytes { b in ConstantTime.equals(a, b) } }
    }
}

extension SecretKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SecretKey(<redacted>)" }
    public var debugDescription: String { "SecretKey(<redacted>)" }
    /// `dump` and the debugger see no children, so the bytes are not printed there either.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}
