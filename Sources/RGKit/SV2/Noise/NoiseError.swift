/// Why the Noise handshake or transport could not go on. Every one of these ends the connection:
/// the handshake and transport fail closed (stratum-v2.md §1.3, §1.7). Equality compares `code`
/// only, so tests can say `#expect(throws: NoiseError(.decryptionFailed))`.
public struct NoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A handshake message of the wrong size (act 1 is 64 bytes, act 2 is 234).
        case invalidMessageLength = "invalid_message_length"
        /// An AEAD tag did not verify (handshake or transport). Never retried: the nonce and the
        /// stream position are no longer trustworthy.
        case decryptionFailed = "decryption_failed"
        /// The certificate's BIP-340 signature does not verify against the authority key.
        case invalidCertificate = "invalid_certificate"
        /// The certificate is outside its validity window at `nowSeconds` (± the leeway).
        case certificateNotValidNow = "certificate_not_valid_now"
        /// A key that is not a valid secp256k1 key (wrong length, not on the curve, zero secret).
        case invalidKey = "invalid_key"
        /// A frame header announced more payload than the configured maximum.
        case frameTooLarge = "frame_too_large"
        /// A frame to send whose header does not match its payload.
        case invalidFrame = "invalid_frame"
        /// 2^64 − 1 messages on one cipher state; Noise forbids the last nonce.
        case nonceExhausted = "nonce_exhausted"
        /// A call in the wrong state: writing act 1 twice, using a failed decryptor, sending before
        /// the handshake finished.
        case invalidState = "invalid_state"
        /// The peer did not finish the handshake in time.
        case handshakeTimeout = "handshake_timeout"
        /// The connection closed in the middle of a handshake message or a frame.
        case truncated
        /// The authority key file could not be read, written or parsed, or is readable by others.
        case keyFile = "key_file"
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public static func == (lhs: NoiseError, rhs: NoiseError) -> Bool { lhs.code == rhs.code }

    public var description: String { detail.isEmpty ? code.rawValue : "\(code.rawValue): \(detail)" }
}

extension NoiseError {
    init(_ error: CryptoError, context: String) {
        switch error.code {
        case .authenticationFailed: self.init(.decryptionFailed, "\(context): \(error)")
        case .invalidSecretKey, .invalidPublicKey, .invalidLength: self.init(.invalidKey, "\(context): \(error)")
        case .libraryFailure: self.init(.invalidKey, "\(context): \(error)")
        }
    }
}
