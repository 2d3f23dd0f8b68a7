import Testing
@testable import RGKit

/// BIP173 / BIP350 test vectors (typed in from bitcoin/bips bip-0173.mediawiki and
/// bip-0350.mediawiki, "Test vectors"), and base58 vectors from Bitcoin Core's
/// src/test/data/key_io_valid.json.
@Suite struct Bech32Tests {
    static let validBech32 = [
        "A12UEL5L",
        "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        "?1ezyfcl",
    ]
    static let validBech32m = [
        "A1LQFN3A",
        "a1lqfn3a",
        "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
        "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
        "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
        "?1v759aa",
    ]
    /// Invalid as Bech32 (BIP173) and as Bech32m (BIP350), each with the reason the BIP gives.
    static let invalid = [
        "\u{20}1nwldj5",            // HRP character out of range
        "\u{7F}1axkwrx",
        "\u{80}1eym55h",
        "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",   // too long
        "pzry9x0s0muk",             // no separator
        "1pzry9x0s0muk",            // empty HRP
        "x1b4n0q5v",                // invalid data character
        "li1dgmt3",                 // too short checksum
        "de1lg7wt\u{FF}",           // invalid character in checksum
        "A1G7SGD8",                 // checksum calculated with uppercase HRP
        "10a06t8",                  // empty HRP
        "1qzzfhee",                 // empty HRP
        "\u{20}1xj0phk", "\u{7F}1g6xzxy", "\u{80}1vctc34",
        "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
        "qyrz8wqd2c9m", "1qyrz8wqd2c9m", "y1b0jsk6g", "lt1igcx5c0", "in1muywd", "mm1crxm3i", "au1s5cgom",
        "M1VUXWEZ", "16plkw9", "1p2gdwpf",
    ]

    @Test(arguments: validBech32)
    func validBech32StringsDecodeAsBech32(_ s: String) throws {
        #expect(try Bech32.decode(s).variant == .bech32)
    }

    @Test(arguments: validBech32m)
    func validBech32mStringsDecodeAsBech32m(_ s: String) throws {
        #expect(try Bech32.decode(s).variant == .bech32m)
    }

    @Test(arguments: invalid)
    func invalidStringsAreRefused(_ s: String) {
        #expect(throws: DecodeError.self) { try Bech32.decode(s) }
    }

    @Test func encodingRoundTrips() throws {
        for s in Self.validBech32 + Self.validBech32m {
            let d = try Bech32.decode(s)
            #expect(Bech32.encode(hrp: d.hrp, data: d.data, variant: d.variant) == s.lowercased())
        }
    }
}

@Suite struct AddressTests {
    /// BIP350's valid segwit addresses (the v1+ ones re-encoded with bech32m) and BIP173's v0 ones.
    static let validSegwit: [(String, Network, String)] = [
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", .mainnet, "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", .testnet,
         "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
        ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", .mainnet,
         "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"),
        ("BC1SW50QGDZ25J", .mainnet, "6002751e"),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", .mainnet, "5210751e76e8199196d454941c45d1b3a323"),
        ("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", .testnet,
         "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
        ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", .testnet,
         "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", .mainnet,
         "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
        // Bitcoin Core key_io_valid.json
        ("bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", .mainnet, "00146100fc6343edc8c874496cb2f5bbfec88ea9b77c"),
        ("bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu", .mainnet,
         "51203c671ef1e3913f94980a9e146ba895908550ef4234abb7503d436521aba54c75"),
        ("bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9", .regtest, "00146f58bac9506f9bfb821d62e69330410bb56f0085"),
        ("bcrt1pfwxjqvtt4tcxrtdluukfmy2dv7xd2qzdfy6kajv5nwn4yam3wxkq3553uh", .regtest,
         "51204b8d20316baaf061adbfe72c9d914d678cd5004d49356ec9949ba752777171ac"),
        ("tb1q3vya2h5435jkugq2few7dmktlrwq4ejmfaw7kr", .signet, "00148b09d55e958d256e200a4e5de6eecbf8dc0ae65b"),
    ]

    /// Base58 P2PKH / P2SH from Core's key_io_valid.json.
    static let validBase58: [(String, Network, String)] = [
        ("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", .mainnet, "76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac"),
        ("36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm", .mainnet, "a914373b819a068f32b7a6b38b6b38729647cfde01c287"),
        ("mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ", .testnet4, "76a914ce28b26c57472737f5c3561a1761185bd8589a4388ac"),
        ("2NC2hEhe28ULKAJkW5MjZ3jtTMJdvXmByvK", .testnet4, "a914ce0bba75891ff9ec60148d4bd4a09ee2dc5c933187"),
        ("n4fajahJrAuKbN7uNsKjLjQkz9Qn5ewJXQ", .regtest, "76a914fdeca3b08e38af53d7c4c60e3ad208ce5066441088ac"),
        ("2MxFajLApXpYk4VodBSZSt7rw8y4ryABkfA", .regtest, "a91436e9f191e0b75036a77f65e2eaa4752443233fbe87"),
        ("1FjL87pn8ky6Vbavd1ZHeChRXtoxwRGCRd", .mainnet, "76a914a19331b7b2627e663e25a7b001e4c0dcc5e21bc788ac"),
        ("3BZECeAH8gSKkjrTx8PwMrNQBLG18yHpvf", .mainnet, "a9146c382dcdf5b284760c8e3fead91f7422cd76aa8787"),
    ]

    /// BIP350 and BIP173 invalid segwit addresses, for the network their prefix names.
    static let invalidSegwit: [(String, Network)] = [
        ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", .testnet),       // invalid HRP
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", .mainnet),       // bech32 instead of bech32m
        ("tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", .testnet),
        ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", .mainnet),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", .mainnet),                            // bech32m instead of bech32
        ("tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", .testnet),
        ("bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", .mainnet),       // bad checksum character
        ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", .mainnet),       // witness version 17+
        ("bc1pw5dgrnzv", .mainnet),                                                          // 1-byte program
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", .mainnet),   // 41 bytes
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", .mainnet),                                 // v0 must be 20/32
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", .testnet),       // mixed case
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", .mainnet),     // padding > 4 bits
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", .testnet),       // non-zero padding
        ("bc1gmk9yu", .mainnet),                                                             // empty data
        ("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", .testnet),                           // BIP173: invalid HRP
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", .mainnet),                           // invalid checksum
        ("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", .mainnet),                           // invalid witness version
        ("bc1rw5uspcuh", .mainnet),                                                          // program length
        ("bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90", .mainnet),
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", .testnet),       // mixed case
        ("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", .mainnet),                                // padding > 4 bits
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", .testnet),       // non-zero padding
        // BIP173's v1+ vectors were bech32; since BIP350 they must be refused.
        ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx", .mainnet),
        ("BC1SW50QA3JX3S", .mainnet),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj", .mainnet),
    ]

    @Test(arguments: validSegwit + validBase58)
    func validAddressesGiveTheirScript(_ v: (String, Network, String)) throws {
        let address = try Address(v.0, network: v.1)
        #expect(address.scriptPubKey.hex == v.2)
        #expect(address.encoded(for: v.1) == (v.0.hasPrefix("BC1") ? v.0.lowercased() : v.0))
    }

    @Test(arguments: invalidSegwit)
    func invalidSegwitAddressesAreRefused(_ v: (String, Network)) {
        #expect(throws: Address.ParseError.self) { try Address(v.0, network: v.1) }
    }

    @Test func anAddressOfAnotherNetworkIsRefusedWithBothNetworksNamed() throws {
        do {
            _ = try Address("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", network: .mainnet)
            Issue.record("accepted a testnet address on mainnet")
        } catch {
            #expect(error.code == .wrongNetwork)
            #expect(error.detail.contains("testnet") && error.detail.contains("mainnet"))
        }
        #expect(throws: Address.ParseError(.wrongNetwork, "")) { try Address("bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9", network: .testnet) }
        #expect(throws: Address.ParseError(.wrongNetwork, "")) { try Address("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo", network: .regtest) }
        #expect(throws: Address.ParseError(.wrongNetwork, "")) { try Address("mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ", network: .mainnet) }
        #expect(throws: Address.ParseError(.wrongNetwork, "")) { try Address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", network: .regtest) }
    }

    @Test func aBase58ChecksumErrorIsRefused() {
        #expect(throws: Address.ParseError(.invalidEncoding, "")) { try Address("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mp", network: .mainnet) }
    }
}

@Suite struct PayoutTests {
    @Test func standardAddressesAndRawScriptsAreAccepted() throws {
        #expect(try Payout(parsing: "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv", network: .mainnet).scriptPubKey.hex
                == "00146100fc6343edc8c874496cb2f5bbfec88ea9b77c")
        #expect(try Payout(parsing: " bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu\n", network: .mainnet).scriptPubKey.hex
                == "51203c671ef1e3913f94980a9e146ba895908550ef4234abb7503d436521aba54c75")
        #expect(try Payout(parsing: "3BZECeAH8gSKkjrTx8PwMrNQBLG18yHpvf", network: .mainnet).scriptPubKey.hex
                == "a9146c382dcdf5b284760c8e3fead91f7422cd76aa8787")
        #expect(try Payout(parsing: "raw:76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac", network: .mainnet).scriptPubKey.hex
                == "76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac")
    }

    @Test func futureWitnessVersionsAreRefusedAsPayouts() {
        // Valid addresses (BIP350), but anyone could spend a v2+ output today.
        #expect(throws: Payout.Error.self) { try Payout(parsing: "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", network: .mainnet) }
        #expect(throws: Payout.Error.self) { try Payout(parsing: "BC1SW50QGDZ25J", network: .mainnet) }
        #expect(throws: Payout.Error.self) {
            try Payout(parsing: "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", network: .mainnet)
        }
    }

    @Test func wrongNetworkAndBadRawScriptsAreRefusedWithAMessage() {
        do {
            _ = try Payout(parsing: "tb1q3vya2h5435jkugq2few7dmktlrwq4ejmfaw7kr", network: .mainnet)
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("testnet") && error.message.contains("mainnet"))
        }
        #expect(throws: Payout.Error.self) { try Payout(parsing: "raw:zz", network: .mainnet) }
        #expect(throws: Payout.Error.self) { try Payout(parsing: "raw:", network: .mainnet) }
    }
}
