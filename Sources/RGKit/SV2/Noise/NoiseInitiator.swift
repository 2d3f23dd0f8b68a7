/// The client side (a miner) of SV2's Noise NX handshake as a pure state machine: bytes in, bytes
/// out, no socket and no clock. Time (`nowSeconds`, for the certificate window) and randomness
/// (the ephemeral key and its encoding) are passed in.
///
/// ```
/// var initiator = NoiseInitiator(authorityKey: poolKey, using: &rng)
/// send(try initiator.writeAct1())                                  // 64 bytes
/// let session = try initiator.readAct2(received234, nowSeconds: now)  // verifies the certificate
/// ```
/// Any error leaves the machine in `.failed`; the connection must be closed.
public struct NoiseInitiator: Sendable {
    public enum State: Sendable, Equatable {
        case initial, awaitingAct2, completed, failed
    }

    public private(set) var state: State = .initial
    private var symmetric: NoiseSymmetricState
    private let ephemeral: EllSwiftKeyPair
    private let authorityKey: XOnlyPublicKey
    private let certificateLeewaySeconds: Int64

    /// With an injected ephemeral key (tests pin keys and encodings; production uses the other init).
    public init(authorityKey: XOnlyPublicKey, ephemeral: EllSwiftKeyPair,
                certificateLeewaySeconds: Int64 = NoiseCertificate.defaultLeewaySeconds) {
        self.init(authorityKey: authorityKey, ephemeral: ephemeral, certificateLeewaySeconds: certificateLeewaySeconds,
                  recordingTranscript: false)
    }

    /// With a fresh ephemeral key and encoding drawn from `rng` (`SecureRandomNumberGenerator` in production).
    public init(authorityKey: XOnlyPublicKey, certificateLeewaySeconds: Int64 = NoiseCertificate.defaultLeewaySeconds,
                using rng: inout some RandomNumberGenerator) {
        self.init(authorityKey: authorityKey, ephemeral: .generate(using: &rng),
                  certificateLeewaySeconds: certificateLeewaySeconds)
    }

    init(authorityKey: XOnlyPublicKey, ephemeral: EllSwiftKeyPair, certificateLeewaySeconds: Int64, recordingTranscript: Bool) {
        self.authorityKey = authorityKey
        self.ephemeral = ephemeral
        self.certificateLeewaySeconds = certificateLeewaySeconds
        self.symmetric = NoiseSymmetricState(recordingTranscript: recordingTranscript)
    }

    var transcript: NoiseTranscript? { symmetric.transcript }

    /// Act 1 (`-> e`): the 64-byte ephemeral encoding. h absorbs it, then the empty payload:
    /// EncryptAndHash(empty) without a key is one more MixHash(empty), which is easy to forget.
    public mutating func writeAct1() throws(NoiseError) -> [UInt8] {
        guard state == .initial else { throw NoiseError(.invalidState, "act 1 already written (state \(state))") }
        let message = ephemeral.encoding.bytes
        symmetric.mixHash(message)
        symmetric.recordHash("h_after_mixhash_e")
        _ = try symmetric.encryptAndHash([])
        symmetric.recordHash("h_after_empty_payload")
        state = .awaitingAct2
        return message
    }

    /// Act 2 (`<- e, ee, s, es, SIGNATURE_NOISE_MESSAGE`): exactly 234 bytes. Verifies the
    /// certificate against the authority key at `nowSeconds` and returns the session.
    public mutating func readAct2<C: Collection>(_ message: C, nowSeconds: Int64) throws(NoiseError) -> NoiseSession
    where C.Element == UInt8 {
        guard state == .awaitingAct2 else { throw NoiseError(.invalidState, "act 2 not expected (state \(state))") }
        state = .failed                       // until proven otherwise
        guard message.count == NoiseHandshake.act2Size else {
            throw NoiseError(.invalidMessageLength, "act 2 is \(NoiseHandshake.act2Size) bytes, got \(message.count)")
        }
        let bytes = Array(message)
        do {
            let remoteEphemeral = try EllSwiftPublicKey(bytes: bytes[0..<64])
            symmetric.mixHash(remoteEphemeral.bytes)
            symmetric.recordHash("h_after_mixhash_re")
            let ee = try ephemeral.sharedSecret(with: remoteEphemeral, role: .initiator)
            symmetric.record("ecdh_ee", ee)
            symmetric.mixKey(ee)

            let staticPlain = try symmetric.decryptAndHash(Array(bytes[NoiseHandshake.encryptedStaticRange]))
            symmetric.recordHash("h_after_s")
            let remoteStatic = try EllSwiftPublicKey(bytes: staticPlain)
            let remoteStaticX = remoteStatic.x                        // for es and for the certificate
            let es = try ephemeral.sharedSecret(with: remoteStatic, theirX: remoteStaticX, role: .initiator)
            symmetric.record("ecdh_es", es)
            symmetric.mixKey(es)

            let certificatePlain = try symmetric.decryptAndHash(Array(bytes[NoiseHandshake.encryptedCertificateRange]))
            symmetric.recordHash("h_final")
            let certificate = try NoiseCertificate(decoding: certificatePlain)
            let staticKey = try XOnlyPublicKey(bytes: remoteStaticX)
            try certificate.verify(staticKey: staticKey, authority: authorityKey, nowSeconds: nowSeconds,
                                   leewaySeconds: certificateLeewaySeconds)

            let (k1, k2) = symmetric.split()
            symmetric.record("c1", k1.key)
            symmetric.record("c2", k2.key)
            state = .completed
            return NoiseSession(sender: k1, receiver: k2, handshakeHash: symmetric.handshakeHash,
                                remoteStaticKey: staticKey, certificate: certificate)
        } catch let error as NoiseError {
            throw error
        } catch let error as CryptoError {
            throw NoiseError(error, context: "act 2")
        } catch {
            throw NoiseError(.invalidState, "act 2: \(error)")
        }
    }
}
