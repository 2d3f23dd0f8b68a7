import Testing
@testable import RGKit

/// Real blocks turned into templates: the verifier's re-derivation must find nothing wrong.
@Suite struct BlockAsTemplateTests {
    @Test func mainnetBlock702861() throws {
        let block = try RawBlock(bytes: try BitcoinFixtures.block702861Bytes())
        let made = try BlockAsTemplate.make(block)
        #expect(made.height == 702_861 && made.transactionCount == 2_499)
        let gbt = try BlockTemplate(json: try JSONDocument(bytes: made.gbtJSON).root)
        #expect(gbt.previousBlockHash == block.header.prevBlockHash)
        #expect(gbt.bits.hex == "170ed0eb" && gbt.curTime == 1_633_002_641 && gbt.version == 0x3fff_e004)
        #expect(gbt.coinbaseValue == 629_948_405)
        #expect(gbt.defaultWitnessCommitment.map(Hex.encode) == "6a24aa21a9ed71bfcc287cd6271682f35f5fba3963861571e0f186899eb0a41a5ebc360a3faa")
        #expect(gbt.rules == ["!segwit"] && gbt.weightLimit == 4_000_000)
        // Each transaction matches the derived table (txid, wtxid, weight), in block order.
        let rows = try BitcoinFixtures.block702861Rows().dropFirst()
        #expect(gbt.transactions.map { $0.txid?.displayHex } == rows.map(\.txid))
        #expect(gbt.transactions.map { $0.wtxid.map { Txid(wire: $0.wire).displayHex } } == rows.map(\.wtxid))
        #expect(gbt.transactions.map { $0.weight.map(Int.init) } == rows.map(\.weight))
        #expect(gbt.transactions.reduce(Int64(0)) { $0 + ($1.weight ?? 0) } == 3_991_818)
        // Fees and sigops need the spent outputs: unknown, never 0.
        #expect(gbt.transactions.allSatisfy { $0.fee == nil && $0.sigops == nil })
        // depends points only backwards, at transactions the block really contains.
        for (index, tx) in gbt.transactions.enumerated() { #expect(tx.depends.allSatisfy { $0 >= 1 && $0 <= index }) }
        #expect(gbt.transactions.contains { !$0.depends.isEmpty })
        #expect(TemplateConsensus.rederive(gbt, network: .mainnet).failures.isEmpty)
        #expect(made.templateID == TemplateID.compute(gbt))
    }

    @Test func testnetBlockAndAPreBIP34BlockWithItsHeight() throws {
        let testnet = try BlockAsTemplate.make(try RawBlock(bytes: try BitcoinFixtures.testnet924634Bytes()))
        let gbt = try BlockTemplate(json: try JSONDocument(bytes: testnet.gbtJSON).root)
        #expect(testnet.height == 924_634 && gbt.transactions.count == 14)
        #expect(TemplateConsensus.rederive(gbt, network: .testnet).failures.isEmpty)

        let old = try RawBlock(bytes: try BitcoinFixtures.block100000Bytes())
        #expect(throws: BlockAsTemplate.Failure.self) { try BlockAsTemplate.make(old) }
        do { _ = try BlockAsTemplate.make(old) } catch { #expect(error.message.contains("pass --height")) }
        let made = try BlockAsTemplate.make(old, height: 100_000)
        let gbt100k = try BlockTemplate(json: try JSONDocument(bytes: made.gbtJSON).root)
        #expect(gbt100k.transactions.count == 3 && gbt100k.sizeLimit == 1_000_000 && gbt100k.defaultWitnessCommitment == nil)
        #expect(gbt100k.coinbaseValue == 5_000_000_000)
        #expect(TemplateConsensus.rederive(gbt100k, network: .mainnet).failures.isEmpty)
        // A height that contradicts the coinbase is refused.
        #expect(throws: BlockAsTemplate.Failure.self) { try BlockAsTemplate.make(try RawBlock(bytes: try BitcoinFixtures.block702861Bytes()), height: 5) }
    }
}
