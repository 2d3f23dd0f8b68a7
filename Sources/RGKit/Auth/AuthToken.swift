/// A bearer secret (session, e-mail link, reset link): 32 random bytes, shown to its holder as
/// 64 lowercase hex digits and stored only as the SHA-256 of those bytes. A database copy then
/// holds nothing that can be presented back; SHA-256 (not argon2) is enough because the input
/// has 256 bits of entropy and cannot be guessed.
public struct AuthToken: Sendable, Equatable {
    public static let byteCount = 32

    /// The 64 hex digits handed to the holder; never stored, never logged.
    public let raw: String
    /// SHA-256 of the 32 bytes, hex; what the store keeps and looks up.
    public let hash: String

    /// A token from 32 random bytes (the caller's randomness, so tests can fix it).
    public init(randomBytes: [UInt8]) {
        precondition(randomBytes.count == Self.byteCount, "a token is made of 32 random bytes")
        raw = randomBytes.hex
        hash = SHA256Hash.hash(randomBytes).hex
    }

    /// The stored form of a token someone presented; nil unless it is exactly 64 hex digits
    /// (so garbage never reaches a query).
    public static func hash(presented text: some StringProtocol) -> String? {
        guard text.utf8.count == 2 * byteCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high { bytes.append(h << 4 | v); high = nil } else { high = v }
        }
        return SHA256Hash.hash(bytes).hex
    }
}
