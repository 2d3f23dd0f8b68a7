import Crypto
import Foundation
import Testing
@testable import RGKit

@Suite struct SymmetricCryptoTests {
    /// RFC 8439 §2.8.2.
    @Test func chaCha20Poly1305MatchesRFC8439() throws {
        let key = try SecretKey(bytes: Array(0x80...0x9F).map(UInt8.init))
        let nonce = ChaCha20Poly1305.Nonce(prefix: 0x0000_0007, counter: 0x4746_4544_4342_4140)
        #expect(Hex.encode(withUnsafeBytes(of: nonce.bytes) { Array($0) }) == "070000004041424344454647")
        let ad = TestBytes.hex("50515253c0c1c2c3c4c5c6c7")
        let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
        let sealed = ChaCha20Poly1305.seal(key: key, nonce: nonce, ad: ad, plaintext: plaintext)
        #expect(Hex.encode(sealed) == "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691")
        #expect(try ChaCha20Poly1305.open(key: key, nonce: nonce, ad: ad, ciphertext: sealed) == plaintext)
        var tampered = sealed
        tampered[5] ^= 1
        #expect(throws: CryptoError(.authenticationFailed)) { try ChaCha20Poly1305.open(key: key, nonce: nonce, ad: ad, ciphertext: tampered) }
        #expect(throws: CryptoError(.authenticationFailed)) { try ChaCha20Poly1305.open(key: key, nonce: nonce, ad: [], ciphertext: sealed) }
    }

    /// Cross-check against swift-crypto (BoringSSL), an independent implementation, including
    /// empty plaintexts and the Noise nonce layout.
    @Test func chaCha20Poly1305AgreesWithSwiftCrypto() throws {
        var rng = SeededGenerator(seed: 8439)
        for length in [0, 1, 15, 16, 17, 63, 64, 65, 1000] {
            let keyBytes = rng.bytes(32), ad = rng.bytes(Int(rng.next() % 40)), plaintext = rng.bytes(length)
            let counter = rng.next()
            let ours = ChaCha20Poly1305.seal(key: try SecretKey(bytes: keyBytes), nonce: .init(counter: counter), ad: ad, plaintext: plaintext)
            let nonce = try ChaChaPoly.Nonce(data: [0, 0, 0, 0] + withUnsafeBytes(of: counter.littleEndian) { Array($0) })
            let box = try ChaChaPoly.SealedBox(combined: nonce + ours)
            let opened = try ChaChaPoly.open(box, using: SymmetricKey(data: keyBytes), authenticating: ad)
            #expect(Array(opened) == plaintext)
        }
    }

    /// FIPS 180-2 vectors, and every length across the 55/56/64-byte padding edges and a
    /// multi-block input against swift-crypto (BoringSSL), so the OpenSSL path cannot drift.
    @Test func sha256MatchesFIPSAndSwiftCrypto() {
        #expect(SHA256Hash.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hash.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var rng = SeededGenerator(seed: 256)
        for length in Array(0...130) + [1000, 4096, 100_003] {
            let data = rng.bytes(length)
            let reference = Array(Crypto.SHA256.hash(data: data))
            #expect(SHA256Hash.hash(data).bytes == reference, "length \(length)")
            #expect(SHA256Hash.hash256(data).bytes == Array(Crypto.SHA256.hash(data: reference)), "length \(length)")
            let cut = length / 3
            let joined = data.withUnsafeBytes { all in
                SHA256Hash.hashConcatenation(UnsafeRawBufferPointer(rebasing: all[..<cut]), UnsafeRawBufferPointer(rebasing: all[cut...]))
            }
            #expect(joined.bytes == reference, "length \(length) split at \(cut)")
        }
    }

    /// RFC 4231 test cases 1 and 2.
    @Test func hmacSHA256MatchesRFC4231() {
        #expect(HMACSHA256.authenticate(key: [UInt8](repeating: 0x0B, count: 20), data: Array("Hi There".utf8)).hex
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(HMACSHA256.authenticate(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8)).hex
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// The Noise HKDF equals RFC 5869 HKDF-SHA256 with salt = ck, empty info, 64 bytes.
    @Test func noiseHKDFEqualsRFC5869WithSaltCk() throws {
        var rng = SeededGenerator(seed: 5869)
        for ikmLength in [0, 1, 32, 64, 100] {
            let ck = rng.bytes(32), ikm = rng.bytes(ikmLength)
            let (o1, o2) = ikm.withUnsafeBytes { NoiseHKDF.derive(chainingKey: try! SecretKey(bytes: ck), inputKeyMaterial: $0) }
            let reference = HKDF<Crypto.SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: ikm), salt: ck,
                                                          info: [UInt8](), outputByteCount: 64)
            let expected = reference.withUnsafeBytes { Array($0) }
            #expect(o1.withUnsafeBytes { Array($0) } + o2.withUnsafeBytes { Array($0) } == expected)
        }
    }

    @Test func secretKeysNeverPrintTheirBytes() throws {
        let key = try SecretKey(bytes: [UInt8](repeating: 0xAB, count: 32))
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, "\(key)", String(reflecting: key), dumped] {
            #expect(!text.lowercased().contains("abab"))
            #expect(!text.contains("171"))                                     // 0xAB in decimal
        }
        let pair = try Secp256k1KeyPair(secretBytes: [UInt8](repeating: 0x11, count: 32))
        #expect(!"\(pair)".contains("1111111111"))
    }

    @Test func constantTimeCompare() throws {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
        let a = try SecretKey(bytes: [UInt8](repeating: 7, count: 32)), b = try SecretKey(bytes: [UInt8](repeating: 7, count: 32))
        #expect(a.constantTimeEquals(b))
        #expect(!a.constantTimeEquals(SecretKey.random()))
    }

    @Test func secureRandomIsNotConstant() {
        let a = SecureRandom.bytes(count: 32), b = SecureRandom.bytes(count: 32)
        #expect(a != b)
        var rng = SecureRandomNumberGenerator()
        #expect(rng.next() != rng.next())
    }
}
