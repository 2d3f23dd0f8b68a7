import Testing
@testable import RGKit

@Suite struct BIP34Tests {
    /// bitcoin.md §2.4 (checked against Core's `CScript() << height`) plus 0 and 1,000,000.
    @Test(arguments: [
        (Int64(0), "00"), (1, "51"), (2, "52"), (16, "60"), (17, "0111"), (127, "017f"), (128, "028000"),
        (255, "02ff00"), (256, "020001"), (32_767, "02ff7f"), (32_768, "03008000"), (65_535, "03ffff00"),
        (8_388_607, "03ffff7f"), (8_388_608, "0400008000"), (840_000, "0340d10c"), (900_000, "03a0bb0d"),
        (702_861, "038db90a"), (1_000_000, "0340420f"), (2_147_483_647, "04ffffff7f"), (2_147_483_648, "050000008000"),
    ])
    func heightPushAndBack(height: Int64, push: String) throws {
        #expect(BIP34.heightPush(height).hex == push)
        let pushBytes = try Hex.decode(push)
        #expect(BIP34.height(inScriptSig: Script(pushBytes)) == height)
        // With the rest of a coinbase scriptSig after it (extranonces, tags).
        #expect(BIP34.height(inScriptSig: Script(pushBytes + [0x04, 0xde, 0xad, 0xbe, 0xef])) == height)
    }

    @Test func realCoinbases() throws {
        let block = try Block(bytes: try BitcoinFixtures.block702861Bytes())
        #expect(BIP34.height(inScriptSig: block.transactions[0].inputs[0].scriptSig) == 702_861)
        // btcpool h898487's coinbase1 ends with the height push 03b7b50d.
        #expect(BIP34.height(inScriptSig: try Script(hex: "03b7b50d")) == 898_487)
        for (vector, template) in try BitcoinFixtures.js2pool() {
            let block = try Block(hex: vector.expected.blockHex)
            #expect(BIP34.height(inScriptSig: block.transactions[0].inputs[0].scriptSig) == Int64(template.height))
        }
    }

    /// Not what `CScript() << height` writes: no height.
    @Test(arguments: [
        "",              // empty
        "03e80000",      // 232 with a redundant zero byte (non-minimal)
        "0100",          // 0 as a one-byte push instead of OP_0
        "0105",          // 5 as a push instead of OP_5
        "0180",          // negative zero
        "02ff80",        // negative
        "4f",            // OP_1NEGATE
        "038db9",        // push runs past the end
        "4c038db90a",    // OP_PUSHDATA1
        "6a",            // not a push
        "09010203040506070809", // longer than 8 bytes
    ])
    func refusedPrefixes(hex: String) throws {
        #expect(BIP34.height(inScriptSig: try Script(hex: hex)) == nil)
    }
}
