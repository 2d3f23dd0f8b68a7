import Foundation
import Testing
@testable import RGKit

@Suite struct Base58Tests {
    /// Bitcoin Core's `base58_encode_decode.json` cases.
    static let vectors: [(String, String)] = [
        ("", ""), ("61", "2g"), ("626262", "a3gV"), ("636363", "aPEr"),
        ("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"),
        ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
        ("516b6fcd0f", "ABnLTmg"), ("bf4f89001e670274dd", "3SEo3LWLoPntC"), ("572e4794", "3EFU7m"),
        ("ecac89cad93923c02321", "EJDM8drfXA6uyA"), ("10c8511e", "Rt5zm"), ("00000000000000000000", "1111111111"),
    ]

    @Test func encodesAndDecodesBitcoinCoreVectors() throws {
        for (hex, text) in Self.vectors {
            #expect(Base58.encode(TestBytes.hex(hex)) == text)
            #expect(try Base58.decode(text) == TestBytes.hex(hex))
        }
    }

    @Test func refusesCharactersOutsideTheAlphabetAndOverlongInput() {
        for bad in ["0", "O", "I", "l", "abc def", "é"] {
            #expect(throws: DecodeError(.invalidValue)) { try Base58.decode(bad) }
        }
        #expect(throws: DecodeError(.tooLarge)) { try Base58.decode(String(repeating: "2", count: 2000)) }
    }

    @Test func randomBytesRoundTrip() throws {
        var rng = SeededGenerator(seed: 58)
        for _ in 0..<200 {
            let zeros = [UInt8](repeating: 0, count: Int(rng.next() % 3))
            let bytes = zeros + rng.bytes(Int(rng.next() % 50))
            #expect(try Base58.decode(Base58.encode(bytes)) == bytes)
        }
    }

    @Test func base58CheckDetectsACorruptedCharacter() throws {
        let text = Base58Check.encode([1, 2, 3, 4, 5])
        #expect(try Base58Check.decode(text) == [1, 2, 3, 4, 5])
        var chars = Array(text)
        chars[2] = chars[2] == "z" ? "y" : "z"
        #expect(throws: DecodeError(.invalidValue)) { try Base58Check.decode(String(chars)) }
        #expect(throws: DecodeError(.truncated)) { try Base58Check.decode("2g") }
    }

    struct MiscVectors: Decodable {
        struct SpecKey: Decodable { let raw_xonly_hex: String; let base58check_with_u16le_version_prefix_0100: String }
        struct SRIPair: Decodable { let public_base58check: String; let public_decoded: String; let secret_base58check: String; let secret_decoded: String }
        let spec_authority_key: SpecKey
        let sri_example_authority_keypair: SRIPair
    }

    static func misc() throws -> MiscVectors {
        try JSONDecoder().decode(MiscVectors.self, from: Fixtures.data("sv2/sv2-official-misc-vectors.json"))
    }

    /// sv2-spec §4.7.1: raw x-only key ↔ base58check with the `01 00` prefix.
    @Test func specAuthorityKeyRoundTrips() throws {
        let v = try Self.misc().spec_authority_key
        let key = try XOnlyPublicKey(hex: v.raw_xonly_hex)
        #expect(key.authorityBase58Check == v.base58check_with_u16le_version_prefix_0100)
        #expect(try XOnlyPublicKey(authorityKey: v.base58check_with_u16le_version_prefix_0100) == key)
        #expect(try XOnlyPublicKey(authorityKey: v.raw_xonly_hex) == key)
        #expect(try XOnlyPublicKey(authorityKey: "  \(v.base58check_with_u16le_version_prefix_0100)\n") == key)
    }

    /// SRI's example config pair: the secret (base58check of 32 raw bytes) gives the public key.
    @Test func sriExampleKeyPairRoundTrips() throws {
        let v = try Self.misc().sri_example_authority_keypair
        let pair = try AuthorityKeyPair(secretBase58Check: v.secret_base58check)
        #expect(pair.keyPair.secretKey.withUnsafeBytes { Hex.encode($0) } == v.secret_decoded)
        #expect(pair.secretBase58Check == v.secret_base58check)
        #expect("0100" + pair.publicKey.hex == v.public_decoded)
        #expect(pair.publicKey.authorityBase58Check == v.public_base58check)
        #expect(try XOnlyPublicKey(authorityKey: v.public_base58check) == pair.publicKey)
    }

    @Test func authorityKeyWithoutTheVersionPrefixIsRefused() throws {
        let v = try Self.misc().spec_authority_key
        let unprefixed = Base58Check.encode(TestBytes.hex(v.raw_xonly_hex))
        #expect(throws: NoiseError(.invalidKey)) { try XOnlyPublicKey(authorityKey: unprefixed) }
        #expect(throws: NoiseError(.invalidKey)) { try XOnlyPublicKey(authorityKey: "not a key") }
    }
}
