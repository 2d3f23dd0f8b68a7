/// The server side (the pool gateway) of SV2's Noise NX handshake as a pure state machine: it reads
/// the 64-byte act 1 and writes the 234-byte act 2 with a certificate signed by the authority key.
/// Time and randomness are passed in; nothing here touches a socket or a clock.
///
/// ```
/// var responder = NoiseResponder(configuration: config)        // config built once per process
/// let reply = try responder.readAct1(received64, nowSeconds: now, using: &rng)
/// send(reply.act2)                                              // 234 bytes
/// var transport = reply.session.transport(maxPayloadLength: …)
/// ```
public struct NoiseResponder: Sendable {
    /// Built once and shared by every connection: the static key (with one EllSwift encoding, so it
    /// is not re-encoded per connection), the authority key that signs certificates, and how long
    /// each certificate is valid.
    public struct Configuration: Sendable {
        public let staticKey: EllSwiftKeyPair
        public let authority: AuthorityKeyPair
        public let certificateValiditySeconds: UInt32

        public init(staticKey: EllSwiftKeyPair, authority: AuthorityKeyPair, certificateValiditySeconds: UInt32) {
            self.staticKey = staticKey
            self.authority = authority
            self.certificateValiditySeconds = certificateValiditySeconds
        }

        /// A fresh static key for this process (SRI's pool also makes its own static key), signed
        /// for by `authority` on every handshake.
        public init(authority: AuthorityKeyPair, certificateValiditySeconds: UInt32, using rng: inout some RandomNumberGenerator) {
            self.init(staticKey: .generate(using: &rng), authority: authority, certificateValiditySeconds: certificateValiditySeconds)
        }

        /// A certificate for this static key valid from `nowSeconds` for the configured time.
        public func certificate(nowSeconds: Int64, auxiliaryRandom: Bytes32) -> NoiseCertificate {
            let from = UInt32(clamping: nowSeconds)
            let until = UInt32(clamping: Int64(from) + Int64(certificateValiditySeconds))
            return NoiseCertificate(signing: staticKey.keyPair.xOnlyPublicKey, with: authority.keyPair,
                                    validFromSeconds: from, notValidAfterSeconds: until, auxiliaryRandom: auxiliaryRandom)
        }
    }

    public enum State: Sendable, Equatable { case awaitingAct1, completed, failed }

    /// The handshake output: act 2 to send, and the session to use afterwards.
    public struct Reply: Sendable {
        public let act2: [UInt8]
        public let session: NoiseSession
    }

    public let configuration: Configuration
    public private(set) var state: State = .awaitingAct1
    private var symmetric: NoiseSymmetricState

    public init(configuration: Configuration) {
        self.init(configuration: configuration, recordingTranscript: false)
    }

    init(configuration: Configuration, recordingTranscript: Bool) {
        self.configuration = configuration
        self.symmetric = NoiseSymmetricState(recordingTranscript: recordingTranscript)
    }

    var transcript: NoiseTranscript? { symmetric.transcript }

    /// Reads act 1 and answers with a fresh ephemeral key and a certificate valid from `nowSeconds`.
    public mutating func readAct1<C: Collection>(_ message: C, nowSeconds: Int64,
                                                 using rng: inout some RandomNumberGenerator) throws(NoiseError) -> Reply
    where C.Element == UInt8 {
        guard state == .awaitingAct1 else { throw NoiseError(.invalidState, "act 1 not expected (state \(state))") }
        guard message.count == NoiseHandshake.act1Size else {
            state = .failed
            throw NoiseError(.invalidMessageLength, "act 1 is \(NoiseHandshake.act1Size) bytes, got \(message.count)")
        }
        let ephemeral = EllSwiftKeyPair.generate(using: &rng)
        let certificate = configuration.certificate(nowSeconds: nowSeconds, auxiliaryRandom: rng.nextBytes32())
        return try readAct1(message, ephemeral: ephemeral, certificate: certificate)
    }

    /// Reads act 1 and answers with the given ephemeral key and certificate (tests pin both).
    public mutating func readAct1<C: Collection>(_ message: C, ephemeral: EllSwiftKeyPair,
                                                 certificate: NoiseCertificate) throws(NoiseError) -> Reply
    where C.Element == UInt8 {
        guard state == .awaitingAct1 else { throw NoiseError(.invalidState, "act 1 not expected (state \(state))") }
        state = .failed                       // until proven otherwise
        guard message.count == NoiseHandshake.act1Size else {
            throw NoiseError(.invalidMessageLength, "act 1 is \(NoiseHandshake.act1Size) bytes, got \(message.count)")
        }
        do {
            // Act 1: MixHash(e), then DecryptAndHash(empty) = MixHash(empty) (no key yet).
            let remoteEphemeral = try EllSwiftPublicKey(bytes: message)
            let remoteEphemeralX = remoteEphemeral.x                  // decoded once, used by ee and es
            symmetric.mixHash(remoteEphemeral.bytes)
            symmetric.recordHash("h_after_mixhash_e")
            _ = try symmetric.decryptAndHash([])
            symmetric.recordHash("h_after_empty_payload")

            // Act 2: e, ee, s, es, SIGNATURE_NOISE_MESSAGE.
            var act2 = ephemeral.encoding.bytes
            act2.reserveCapacity(NoiseHandshake.act2Size)
            symmetric.mixHash(act2)
            symmetric.recordHash("h_after_mixhash_re")
            let ee = try ephemeral.sharedSecret(with: remoteEphemeral, theirX: remoteEphemeralX, role: .responder)
            symmetric.record("ecdh_ee", ee)
            symmetric.mixKey(ee)
            act2 += try symmetric.encryptAndHash(configuration.staticKey.encoding.bytes)
            symmetric.recordHash("h_after_s")
            let es = try configuration.staticKey.sharedSecret(with: remoteEphemeral, theirX: remoteEphemeralX, role: .responder)
            symmetric.record("ecdh_es", es)
            symmetric.mixKey(es)
            act2 += try symmetric.encryptAndHash(certificate.bytes)
            symmetric.recordHash("h_final")

            let (k1, k2) = symmetric.split()
            symmetric.record("c1", k1.key)
            symmetric.record("c2", k2.key)
            state = .completed
            return Reply(act2: act2, session: NoiseSession(sender: k2, receiver: k1, handshakeHash: symmetric.handshakeHash,
                                                           remoteStaticKey: nil, certificate: certificate))
        } catch let error as NoiseError {
            throw error
        } catch let error as CryptoError {
            throw NoiseError(error, context: "act 1")
        } catch {
            throw NoiseError(.invalidState, "act 1: \(error)")
        }
    }
}
