import Testing
@testable import RGKit

/// The state machines with random keys, the pitfalls of stratum-v2.md §1.9 (one test each), the
/// certificate window and API misuse.
@Suite struct NoiseHandshakeTests {
    @Test func randomKeysCompleteAndAgree() throws {
        for seed in UInt64(1)...5 {
            let pair = try HandshakePair.make(seed: seed)
            #expect(pair.initiatorSession.handshakeHash == pair.responderSession.handshakeHash)
            #expect(pair.initiatorSession.remoteStaticKey == pair.configuration.staticKey.keyPair.xOnlyPublicKey)
            #expect(pair.initiatorSession.sender.key.constantTimeEquals(pair.responderSession.receiver.key))
            #expect(pair.initiatorSession.receiver.key.constantTimeEquals(pair.responderSession.sender.key))
        }
    }

    // MARK: §1.9 pitfalls

    /// Act 1 hashes the ephemeral and then the empty payload: h = SHA256(SHA256(h0 ‖ e)).
    @Test func act1EndsWithTheExtraMixHashOfTheEmptyPayload() throws {
        let v = try FixedKeyVector.load()
        var h = NoiseSymmetricState.initialHandshakeHash.bytes
        h = SHA256Hash.hash(h + v.hex("msg1_initiator_to_responder")).bytes
        #expect(Hex.encode(h) == v.string("I_h_after_mixhash_e"))
        h = SHA256Hash.hash(h).bytes                         // MixHash(empty)
        #expect(Hex.encode(h) == v.string("I_h_after_empty_payload"))
    }

    /// A responder that forgets the extra MixHash(empty) uses the wrong AD: the initiator refuses act 2.
    @Test func aResponderWithoutTheExtraMixHashIsRefused() throws {
        let v = try FixedKeyVector.load()
        let act1 = v.hex("msg1_initiator_to_responder")
        let ephemeral = try v.keyPair("responder_ephemeral_priv", "responder_ephemeral_ellswift")
        let config = try v.responderConfiguration
        var state = NoiseSymmetricState()
        state.mixHash(act1)                                   // …and no MixHash(empty)
        state.mixHash(ephemeral.encoding.bytes)
        let initiatorEphemeral = try EllSwiftPublicKey(bytes: act1)
        state.mixKey(try ephemeral.sharedSecret(with: initiatorEphemeral, role: .responder))
        var act2 = ephemeral.encoding.bytes + (try state.encryptAndHash(config.staticKey.encoding.bytes))
        state.mixKey(try config.staticKey.sharedSecret(with: initiatorEphemeral, role: .responder))
        act2 += try state.encryptAndHash(try v.certificate.bytes)
        var initiator = NoiseInitiator(authorityKey: try v.authority.publicKey,
                                       ephemeral: try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift"))
        _ = try initiator.writeAct1()
        #expect(throws: NoiseError(.decryptionFailed)) { try initiator.readAct2(act2, nowSeconds: v.nowSeconds) }
        #expect(initiator.state == .failed)
    }

    /// The DH hash puts the initiator's encoding first on both sides; the fixture's `ecdh_es` is
    /// the hash over (initiator ephemeral, responder static).
    @Test func ecdhHashOrderIsInitiatorFirstOnBothSides() throws {
        let v = try FixedKeyVector.load()
        let initiatorE = try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift")
        let responderS = try v.keyPair("responder_static_priv", "responder_static_ellswift")
        let fromInitiator = try initiatorE.sharedSecret(with: responderS.encoding, role: .initiator)
        let fromResponder = try responderS.sharedSecret(with: initiatorE.encoding, role: .responder)
        #expect(secretHex(fromInitiator) == v.string("ecdh_es"))
        #expect(secretHex(fromResponder) == v.string("ecdh_es"))
        let mineFirst = try responderS.sharedSecret(with: initiatorE.encoding, role: .initiator)   // the mistake
        #expect(secretHex(mineFirst) != v.string("ecdh_es"))
    }

    /// The certificate signs the x-only static key; one signed over the 64-byte encoding is refused.
    @Test func certificateOverTheEllSwiftEncodingIsRefused() throws {
        let v = try FixedKeyVector.load()
        let config = try v.responderConfiguration
        let good = try v.certificate
        let wrongMessage = SHA256Hash.hash(good.headerBytes + config.staticKey.encoding.bytes)
        let bad = NoiseCertificate(version: 0, validFromSeconds: good.validFromSeconds, notValidAfterSeconds: good.notValidAfterSeconds,
                                   signature: try v.authority.keyPair.signSchnorr(wrongMessage.bytes, auxiliaryRandom: .zero))
        #expect(throws: NoiseError(.invalidCertificate)) { try Self.handshake(v, certificate: bad, nowSeconds: v.nowSeconds) }
    }

    /// Both handshake encryptions use nonce 0, each under the key of the preceding MixKey, with AD = h.
    @Test func nonceRestartsAtZeroOnEveryMixKey() throws {
        let v = try FixedKeyVector.load()
        let act2 = v.hex("msg2_responder_to_initiator")
        let staticPlain = try ChaCha20Poly1305.open(key: SecretKey(bytes: v.hex("k_after_ee")), nonce: .init(counter: 0),
                                                    ad: v.hex("h_after_mixhash_re"), ciphertext: Array(act2[64..<144]))
        #expect(staticPlain == v.hex("responder_static_ellswift"))
        let certPlain = try ChaCha20Poly1305.open(key: SecretKey(bytes: v.hex("k_after_es")), nonce: .init(counter: 0),
                                                  ad: v.hex("h_after_s"), ciphertext: Array(act2[144..<234]))
        #expect(certPlain == v.nestedHex("cert", "signature_noise_message"))
    }

    /// k1 is initiator → responder; each direction has its own counter; header and payload chunks
    /// take consecutive nonces.
    @Test func directionsAndNonceCountersAreSeparate() throws {
        let pair = try HandshakePair.make(seed: 11)
        var (client, server) = pair.transports()
        var wires: [[UInt8]] = []
        for i in 0..<3 { wires.append(try client.encrypt(SV2Frame(msgType: UInt8(i), payload: [UInt8](repeating: UInt8(i), count: 10)))) }
        #expect(client.encryptor.cipher.nonce == 6)                 // 3 × (header + 1 chunk)
        let reply = try server.encrypt(SV2Frame(msgType: 9, payload: []))
        #expect(server.encryptor.cipher.nonce == 1)                 // empty payload: header only
        #expect(reply.count == 22)
        // The responder cannot read its own direction's key on the initiator's frames and vice versa.
        var wrongWay = NoiseFrameDecryptor(cipher: pair.initiatorSession.receiver, maxPayloadLength: 100)
        wrongWay.append(wires[0])
        #expect(throws: NoiseError(.decryptionFailed)) { try wrongWay.nextFrame() }
        #expect(try server.decrypt(wires.joined()).map(\.header.msgType) == [0, 1, 2])
        #expect(try client.decrypt(reply).map(\.header.msgType) == [9])
        // The header decrypts alone with nonce 0 and the payload with nonce 1.
        var raw = pair.initiatorSession.sender
        _ = try raw.decrypt(Array(wires[0][0..<22]))
        #expect(try raw.decrypt(Array(wires[0][22...])) == [UInt8](repeating: 0, count: 10))
    }

    /// msg_length is the plaintext length; payloads split at 65,519 bytes (ciphertext chunks of 65,535).
    @Test func payloadsAreChunkedAt65519Bytes() throws {
        #expect(NoiseFraming.encryptedFrameSize(payloadLength: 0) == 22)
        #expect(NoiseFraming.encryptedFrameSize(payloadLength: 1) == 22 + 17)
        #expect(NoiseFraming.encryptedFrameSize(payloadLength: 65_519) == 22 + 65_535)
        #expect(NoiseFraming.encryptedFrameSize(payloadLength: 65_520) == 22 + 65_520 + 32)
        #expect(NoiseFraming.encryptedFrameSize(payloadLength: 0xFF_FFFF) == 22 + 0xFF_FFFF + 16 * 257)
        let pair = try HandshakePair.make(seed: 12)
        var (client, server) = pair.transports(maxPayloadLength: 200_000)
        var rng = SeededGenerator(seed: 12)
        let payload = rng.bytes(65_520)
        let wire = try client.encrypt(SV2Frame(msgType: 0x1F, payload: payload))
        #expect(wire.count == 22 + 65_535 + 17)
        #expect(client.encryptor.cipher.nonce == 3)
        var raw = pair.initiatorSession.sender
        let header = try raw.decrypt(Array(wire[0..<22]))
        #expect(try SV2FrameHeader(decoding: header).payloadLength == 65_520)   // plaintext length
        #expect(try raw.decrypt(Array(wire[22..<(22 + 65_535)])) == Array(payload[0..<65_519]))
        #expect(try raw.decrypt(Array(wire[(22 + 65_535)...])) == [payload[65_519]])
        #expect(try server.decrypt(wire) == [SV2Frame(msgType: 0x1F, payload: payload)])
    }

    /// Handshake messages are raw: exactly 64 and 234 bytes, nothing else accepted.
    @Test(arguments: [0, 1, 63, 65, 70, 128])
    func act1OfTheWrongSizeIsRefused(_ size: Int) throws {
        var rng = SeededGenerator(seed: UInt64(size))
        var responder = NoiseResponder(configuration: try FixedKeyVector.load().responderConfiguration)
        #expect(throws: NoiseError(.invalidMessageLength)) { try responder.readAct1(rng.bytes(size), nowSeconds: 0, using: &rng) }
        #expect(responder.state == .failed)
        #expect(throws: NoiseError(.invalidState)) { try responder.readAct1(rng.bytes(64), nowSeconds: 0, using: &rng) }
    }

    @Test(arguments: [0, 64, 170, 233, 235, 298])
    func act2OfTheWrongSizeIsRefused(_ size: Int) throws {
        let v = try FixedKeyVector.load()
        var initiator = NoiseInitiator(authorityKey: try v.authority.publicKey,
                                       ephemeral: try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift"))
        _ = try initiator.writeAct1()
        let act2 = v.hex("msg2_responder_to_initiator")
        let message = size <= 234 ? Array(act2.prefix(size)) : act2 + [UInt8](repeating: 0, count: size - 234)
        #expect(throws: NoiseError(.invalidMessageLength)) { try initiator.readAct2(message, nowSeconds: v.nowSeconds) }
        #expect(initiator.state == .failed)
    }

    /// Flipping any one bit of act 2 makes the initiator refuse it.
    @Test func everyByteOfAct2IsAuthenticated() throws {
        let v = try FixedKeyVector.load()
        let act2 = v.hex("msg2_responder_to_initiator")
        let ephemeral = try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift")
        let authority = try v.authority.publicKey
        for position in 0..<act2.count {
            var tampered = act2
            tampered[position] ^= UInt8(1 << (position % 8))
            var initiator = NoiseInitiator(authorityKey: authority, ephemeral: ephemeral)
            _ = try initiator.writeAct1()
            #expect(throws: NoiseError.self, "byte \(position)") { try initiator.readAct2(tampered, nowSeconds: v.nowSeconds) }
        }
    }

    // MARK: Certificate window and authority

    static func handshake(_ v: FixedKeyVector, certificate: NoiseCertificate, nowSeconds: Int64,
                          authority: XOnlyPublicKey? = nil) throws(NoiseError) -> NoiseSession {
        do {
            var responder = NoiseResponder(configuration: try v.responderConfiguration)
            var initiator = NoiseInitiator(authorityKey: try authority ?? v.authority.publicKey,
                                           ephemeral: try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift"))
            let reply = try responder.readAct1(try initiator.writeAct1(),
                                               ephemeral: try v.keyPair("responder_ephemeral_priv", "responder_ephemeral_ellswift"),
                                               certificate: certificate)
            return try initiator.readAct2(reply.act2, nowSeconds: nowSeconds)
        } catch let error as NoiseError {
            throw error
        } catch {
            throw NoiseError(.invalidKey, "\(error)")
        }
    }

    /// SRI: accept when valid_from − 10 ≤ now ≤ not_valid_after + 10.
    @Test func certificateWindowHasATenSecondLeeway() throws {
        let v = try FixedKeyVector.load()
        let cert = try v.certificate
        let from = Int64(cert.validFromSeconds), until = Int64(cert.notValidAfterSeconds)
        for now in [from - 10, from, until, until + 10] {
            _ = try Self.handshake(v, certificate: cert, nowSeconds: now)
        }
        for now in [from - 11, until + 11, 0, Int64(UInt32.max) + 100] {
            #expect(throws: NoiseError(.certificateNotValidNow), "now \(now)") { try Self.handshake(v, certificate: cert, nowSeconds: now) }
        }
    }

    @Test func certificateFromAnotherAuthorityIsRefused() throws {
        let v = try FixedKeyVector.load()
        var rng = SeededGenerator(seed: 99)
        let other = AuthorityKeyPair.generate(using: &rng).publicKey
        #expect(throws: NoiseError(.invalidCertificate)) {
            try Self.handshake(v, certificate: try v.certificate, nowSeconds: v.nowSeconds, authority: other)
        }
        var cert = try v.certificate
        cert.notValidAfterSeconds += 1                                // any change breaks the signature
        #expect(throws: NoiseError(.invalidCertificate)) { try Self.handshake(v, certificate: cert, nowSeconds: v.nowSeconds) }
    }

    @Test func responderIssuesCertificatesFromNowForTheConfiguredValidity() throws {
        var rng = SeededGenerator(seed: 5)
        let authority = AuthorityKeyPair.generate(using: &rng)
        let config = NoiseResponder.Configuration(authority: authority, certificateValiditySeconds: 600, using: &rng)
        var responder = NoiseResponder(configuration: config)
        var initiator = NoiseInitiator(authorityKey: authority.publicKey, using: &rng)
        let reply = try responder.readAct1(try initiator.writeAct1(), nowSeconds: 1_800_000_000, using: &rng)
        #expect(reply.session.certificate.validFromSeconds == 1_800_000_000)
        #expect(reply.session.certificate.notValidAfterSeconds == 1_800_000_600)
        #expect(reply.session.certificate.version == 0)
        _ = try initiator.readAct2(reply.act2, nowSeconds: 1_800_000_300)
    }

    // MARK: Misuse

    @Test func callsOutOfOrderAreRefused() throws {
        let v = try FixedKeyVector.load()
        var initiator = NoiseInitiator(authorityKey: try v.authority.publicKey,
                                       ephemeral: try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift"))
        #expect(throws: NoiseError(.invalidState)) { try initiator.readAct2(v.hex("msg2_responder_to_initiator"), nowSeconds: v.nowSeconds) }
        _ = try initiator.writeAct1()
        #expect(throws: NoiseError(.invalidState)) { try initiator.writeAct1() }
        _ = try initiator.readAct2(v.hex("msg2_responder_to_initiator"), nowSeconds: v.nowSeconds)
        #expect(throws: NoiseError(.invalidState)) { try initiator.readAct2(v.hex("msg2_responder_to_initiator"), nowSeconds: v.nowSeconds) }
    }
}
