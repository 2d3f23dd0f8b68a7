import Foundation
import Testing
@testable import RGKit

/// Reproduces `sv2-noise-handshake-fixed-keys.json` byte for byte on both sides, with the keys and
/// EllSwift encodings injected (EllSwift encoding is randomised, so only pinned bytes can match).
@Suite struct NoiseFixedKeyTests {
    /// Transcript labels → fixture keys. Both roles must produce every one of them.
    static let sharedSteps: [(label: String, key: String)] = [
        ("h_after_mixhash_e", "I_h_after_mixhash_e"),
        ("h_after_empty_payload", "I_h_after_empty_payload"),
        ("h_after_mixhash_re", "h_after_mixhash_re"),
        ("ecdh_ee", "ecdh_ee"),
        ("h_after_s", "h_after_s"),
        ("ecdh_es", "ecdh_es"),
        ("h_final", "h_final"),
        ("c1", "transport_key_c1_initiator_to_responder"),
        ("c2", "transport_key_c2_responder_to_initiator"),
    ]

    /// ck and k after each MixKey (recorded as "ck"/"k" twice: after ee, then after es).
    static func mixKeyValues(_ transcript: NoiseTranscript) -> [String] {
        transcript.entries.filter { $0.label == "ck" || $0.label == "k" }.map { Hex.encode($0.value) }
    }

    static func expectedMixKeyValues(_ v: FixedKeyVector) -> [String] {
        ["ck_after_ee", "k_after_ee", "ck_after_es", "k_after_es"].map { v.string($0) }
    }

    @Test func protocolNameHashAndInitialHashMatchSRIAndTheSpec() throws {
        let misc = try JSONSerialization.jsonObject(with: Fixtures.data("sv2/sv2-official-misc-vectors.json")) as? [String: Any]
        #expect(NoiseHandshake.protocolName == misc?["noise_protocol_name"] as? String)
        #expect(NoiseSymmetricState.initialChainingKey.hex == misc?["noise_sha256_protocol_name_ck0"] as? String)
        let v = try FixedKeyVector.load()
        #expect(NoiseSymmetricState.initialChainingKey.hex == v.string("ck_init"))
        #expect(NoiseSymmetricState.initialHandshakeHash.hex == v.string("h_init"))
        #expect(NoiseHandshake.protocolName.utf8.count == 45)
    }

    @Test func certificateMatchesTheFixture() throws {
        let v = try FixedKeyVector.load()
        let cert = try v.certificate
        let staticKey = try v.keyPair("responder_static_priv", "responder_static_ellswift")
        #expect(staticKey.keyPair.xOnlyPublicKey.hex == v.string("responder_static_xonly"))
        #expect(staticKey.encoding.x.hex == v.string("responder_static_xonly"))
        #expect(try v.authority.publicKey.hex == v.string("authority_xonly_pub"))
        #expect(cert.headerBytes + staticKey.keyPair.xOnlyPublicKey.bytes.bytes == v.nestedHex("cert", "signed_preimage"))
        #expect(NoiseCertificate.signedMessage(version: cert.version, validFromSeconds: cert.validFromSeconds,
                                               notValidAfterSeconds: cert.notValidAfterSeconds,
                                               staticKey: staticKey.keyPair.xOnlyPublicKey).bytes == v.nestedHex("cert", "msg_hash_m"))
        #expect(cert.signature.bytes == v.nestedHex("cert", "signature"))
        #expect(cert.bytes == v.nestedHex("cert", "signature_noise_message"))
        #expect(try NoiseCertificate(decoding: cert.bytes) == cert)
    }

    @Test func responderReproducesEveryValueAndAct2() throws {
        let v = try FixedKeyVector.load()
        var responder = NoiseResponder(configuration: try v.responderConfiguration, recordingTranscript: true)
        let reply = try responder.readAct1(v.hex("msg1_initiator_to_responder"),
                                           ephemeral: try v.keyPair("responder_ephemeral_priv", "responder_ephemeral_ellswift"),
                                           certificate: try v.certificate)
        #expect(reply.act2.count == 234)
        #expect(reply.act2 == v.hex("msg2_responder_to_initiator"))
        let transcript = try #require(responder.transcript)
        for step in Self.sharedSteps {
            #expect(transcript[step.label].map(Hex.encode) == v.string(step.key), "responder step \(step.label)")
        }
        #expect(Self.mixKeyValues(transcript) == Self.expectedMixKeyValues(v))
        #expect(reply.session.handshakeHash.hex == v.string("h_final"))
        // The responder sends with k2 and receives with k1.
        #expect(secretHex(reply.session.sender.key) == v.string("transport_key_c2_responder_to_initiator"))
        #expect(secretHex(reply.session.receiver.key) == v.string("transport_key_c1_initiator_to_responder"))
        #expect(responder.state == .completed)
    }

    @Test func initiatorReproducesEveryValueAndAct1() throws {
        let v = try FixedKeyVector.load()
        var initiator = NoiseInitiator(authorityKey: try XOnlyPublicKey(hex: v.string("authority_xonly_pub")),
                                       ephemeral: try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift"),
                                       certificateLeewaySeconds: 10, recordingTranscript: true)
        let act1 = try initiator.writeAct1()
        #expect(act1.count == 64)
        #expect(act1 == v.hex("msg1_initiator_to_responder"))
        let session = try initiator.readAct2(v.hex("msg2_responder_to_initiator"), nowSeconds: v.nowSeconds)
        let transcript = try #require(initiator.transcript)
        for step in Self.sharedSteps {
            #expect(transcript[step.label].map(Hex.encode) == v.string(step.key), "initiator step \(step.label)")
        }
        #expect(Self.mixKeyValues(transcript) == Self.expectedMixKeyValues(v))
        #expect(session.remoteStaticKey?.hex == v.string("responder_static_xonly"))
        #expect(session.certificate.bytes == v.nestedHex("cert", "signature_noise_message"))
        #expect(secretHex(session.sender.key) == v.string("transport_key_c1_initiator_to_responder"))
        #expect(secretHex(session.receiver.key) == v.string("transport_key_c2_responder_to_initiator"))
        #expect(initiator.state == .completed)
    }

    /// The two transport samples: decrypt them, and re-encrypting the plaintext gives the same wire
    /// bytes (header with nonce 0, payload with nonce 1, empty AD).
    @Test func transportSamplesDecryptAndReencrypt() throws {
        let v = try FixedKeyVector.load()
        let k1 = try SecretKey(bytes: v.hex("transport_key_c1_initiator_to_responder"))
        let k2 = try SecretKey(bytes: v.hex("transport_key_c2_responder_to_initiator"))
        for (name, key) in [("transport_example", k1), ("transport_example_reply", k2)] {
            let wire = v.nestedHex(name, "wire")
            let header = try SV2FrameHeader(decoding: v.nestedHex(name, "plaintext_header"))
            let payload = v.nestedHex(name, "plaintext_payload")
            var decryptor = NoiseFrameDecryptor(cipher: NoiseCipherState(key: key), maxPayloadLength: 1024)
            decryptor.append(wire)
            let frame = try #require(try decryptor.nextFrame())
            #expect(frame.header == header)
            #expect(frame.payload == payload)
            #expect(try decryptor.nextFrame() == nil)
            #expect(decryptor.cipher.nonce == 2)
            var encryptor = NoiseFrameEncryptor(cipher: NoiseCipherState(key: key))
            #expect(try encryptor.encrypt(SV2Frame(header: header, payload: payload)) == wire, "\(name)")
        }
        #expect(v.nestedHex("transport_example", "ciphertext_header_22").count == 22)
        #expect(Array(v.nestedHex("transport_example", "wire").prefix(22)) == v.nestedHex("transport_example", "ciphertext_header_22"))
    }

    /// Both state machines together, from the fixed keys, end in sessions that talk to each other.
    @Test func bothRolesTogetherInteroperate() throws {
        let v = try FixedKeyVector.load()
        var initiator = NoiseInitiator(authorityKey: try v.authority.publicKey,
                                       ephemeral: try v.keyPair("initiator_ephemeral_priv", "initiator_ephemeral_ellswift"))
        var responder = NoiseResponder(configuration: try v.responderConfiguration)
        let reply = try responder.readAct1(try initiator.writeAct1(),
                                           ephemeral: try v.keyPair("responder_ephemeral_priv", "responder_ephemeral_ellswift"),
                                           certificate: try v.certificate)
        let session = try initiator.readAct2(reply.act2, nowSeconds: v.nowSeconds)
        var client = session.transport(maxPayloadLength: 1 << 16), server = reply.session.transport(maxPayloadLength: 1 << 16)
        let frame = SV2Frame(msgType: 0x00, payload: v.nestedHex("transport_example", "plaintext_payload"))
        let wire = try client.encrypt(frame)
        #expect(wire == v.nestedHex("transport_example", "wire"))
        #expect(try server.decrypt(wire) == [frame])
    }
}
