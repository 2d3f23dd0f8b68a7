import CSodium

/// libsodium must be initialised once before `randombytes_buf` and friends are used; after
/// `sodium_init()` returns, every libsodium function used here is thread-safe.
enum Sodium {
    /// Touching this runs `sodium_init()` exactly once (Swift `static let` is lazily
    /// initialised under a once-lock). A failure means the process has no entropy source,
    /// which nothing here can recover from.
    static let ready: Bool = {
        let status = sodium_init()
        precondition(status >= 0, "sodium_init failed (\(status)): no usable entropy source")
        return true
    }()

    @inline(__always)
    static func ensureReady() { _ = ready }
}
