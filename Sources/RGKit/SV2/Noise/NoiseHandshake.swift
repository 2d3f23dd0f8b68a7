/// Constants of SV2's Noise NX handshake (sv2-spec §4; stratum-v2.md §1). The two handshake
/// messages travel raw: no SV2 frame header, no length prefix (SRI's "HandShakeFrame").
public enum NoiseHandshake {
    public static let protocolName = "Noise_NX_Secp256k1+EllSwift_ChaChaPoly_SHA256"
    /// Act 1, initiator → responder: the initiator's ephemeral key, EllSwift-encoded.
    public static let act1Size = 64
    /// Act 2, responder → initiator: ephemeral (64, plaintext) ‖ static (64 + 16 MAC) ‖
    /// certificate (74 + 16 MAC). The spec text's "170 bytes" is the pre-EllSwift layout.
    public static let act2Size = 234
    public static let macSize = 16
    static let encryptedStaticRange = 64..<144
    static let encryptedCertificateRange = 144..<234
}

/// What a finished handshake yields: a cipher state per direction (both at nonce 0) and, on the
/// initiator side, the server's static key and the certificate that vouched for it.
public struct NoiseSession: Sendable {
    /// Encrypts what we send: k1 for the initiator, k2 for the responder.
    public var sender: NoiseCipherState
    /// Decrypts what we receive.
    public var receiver: NoiseCipherState
    /// The final h; SV2 does not use it afterwards, but it identifies the session (channel binding).
    public let handshakeHash: Bytes32
    /// The responder's static x-only key (initiator side only).
    public let remoteStaticKey: XOnlyPublicKey?
    /// The certificate the responder sent (initiator side: verified; responder side: what was sent).
    public let certificate: NoiseCertificate

    /// The transport for this session, refusing frames above `maxPayloadLength`.
    public func transport(maxPayloadLength: Int) -> NoiseTransport {
        NoiseTransport(sender: sender, receiver: receiver, maxPayloadLength: maxPayloadLength)
    }
}
