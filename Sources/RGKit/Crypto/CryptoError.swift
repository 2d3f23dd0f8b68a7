/// Why a cryptographic operation could not be done. Equality compares `code` only, so tests can
/// say `#expect(throws: CryptoError(.invalidSecretKey))`. The detail never contains key material.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Not a valid secp256k1 secret: zero, or not below the group order.
        case invalidSecretKey = "invalid_secret_key"
        /// Not a point on secp256k1 (an x-only key with no y, or a malformed encoding).
        case invalidPublicKey = "invalid_public_key"
        /// An AEAD tag did not verify: the ciphertext, the AD, the key or the nonce is wrong.
        case authenticationFailed = "authentication_failed"
        /// An input had the wrong size for the primitive (key, nonce, signature, encoding).
        case invalidLength = "invalid_length"
        /// The library refused the operation for a reason it does not report.
        case libraryFailure = "library_failure"
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool { lhs.code == rhs.code }

    public var description: String { detail.isEmpty ? code.rawValue : "\(code.rawValue): \(detail)" }
}
