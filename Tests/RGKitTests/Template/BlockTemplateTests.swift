import Foundation
import Testing
@testable import RGKit

@Suite struct BlockTemplateTests {
    static func js2poolTemplate(_ index: Int) throws -> JSONDocument {
        let data = try Fixtures.data("bitcoin/js2pool_regtest_gbt_share_vectors.json")
        let root = try JSONDocument(bytes: [UInt8](data)).root
        let cases = Array(try #require(root["cases"]).elements)
        return try JSONDocument(try #require(cases[index]["template_json_verbatim"]?.string))
    }

    static func btcpool(_ name: String) throws -> JSONValue {
        let doc = try JSONDocument(bytes: try Fixtures.bytes("bitcoin/\(name)"))
        return try #require(doc.root["result"])
    }

    @Test func decodesEveryFieldOfARealRegtestTemplate() throws {
        let t = try BlockTemplate(json: Self.js2poolTemplate(1).root)
        #expect(t.version == 805_306_371)
        #expect(t.height == 240)
        #expect(t.previousBlockHash?.displayHex == "0000000b0f97e9e797d0d40f6f899b82bee1f4390025fbe8f24ac5a493e831c6")
        #expect(t.coinbaseValue == 2_500_009_040)
        #expect(t.bits.rawValue == 0x207F_FFFF)
        #expect(t.transactions.count == 2)
        #expect(t.vbAvailable == ["testdummy": 28, "csv": 0, "segwit": 1])
        #expect(t.coinbaseAux == ["flags": []])
        #expect(t.mutable == ["time", "transactions", "prevblock"])
        #expect(t.sigopLimit == 20_000 && t.sizeLimit == 1_000_000 && t.weightLimit == nil)
        #expect(t.mintime_ok)
        #expect(t.hasTransactionData)
        #expect(t.transactions.allSatisfy { $0.fee != nil && $0.weight != nil && $0.txid != nil })
    }

    @Test func aConsistentRealTemplatePassesEveryConsensusCheck() throws {
        let t = try BlockTemplate(json: Self.js2poolTemplate(1).root)
        let findings = TemplateConsensus.rederive(t, network: .regtest)
        #expect(findings.failures.isEmpty, "\(findings.failures)")
        #expect(findings.decodedTransactions == 2)
        // 25 BTC subsidy at height 240 on regtest (halving every 150) + 9,040 sat of fees.
        #expect(findings.expectedCoinbaseValue == 2_500_009_040)
        #expect(findings.derivedWeight == t.transactions.compactMap(\.weight).reduce(0, +))
    }

    @Test func theSameTemplateOnTheWrongNetworkFailsTheCoinbaseValue() throws {
        let t = try BlockTemplate(json: Self.js2poolTemplate(1).root)
        let findings = TemplateConsensus.rederive(t, network: .mainnet)
        #expect(findings.failure(.coinbaseValue)?.detail.contains("5000000000") == true)
    }

    @Test func trimmedBtcpoolTemplateIsFlaggedForCommitmentAndFees() throws {
        let t = try BlockTemplate(json: Self.btcpool("btcpool_gbt_testnet3_h1038222.json"))
        #expect(t.height == 1_038_222)
        #expect(t.rules == ["csv", "!segwit"])
        let findings = TemplateConsensus.rederive(t, network: .testnet)
        #expect(findings.failure(.txData) == nil)
        #expect(findings.failure(.witnessCommitment) != nil)
        #expect(findings.failure(.coinbaseValue) != nil)
    }

    @Test func preSegwitTemplateWithoutTxidOrWeightStillDecodes() throws {
        let t = try BlockTemplate(json: Self.btcpool("btcpool_gbt_testnet3_h898487.json"))
        #expect(t.height == 898_487)
        #expect(t.transactions.count == 1)
        #expect(t.transactions[0].txid == nil && t.transactions[0].weight == nil && t.transactions[0].wtxid != nil)
        #expect(t.declaredTxids.count == 1)
        #expect(t.weightLimit == nil && t.sigopLimit == 20_000)
    }

    /// Real block 702861 turned into a template (its transactions as `data`, txid, hash and
    /// weight from the block): the re-derivation agrees with every declared value and with the
    /// block's own witness commitment.
    @Test func realMainnetBlockAsTemplateRederivesExactly() throws {
        let raw = try Fixtures.bytes("bitcoin/mainnet_block_000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae.raw")
        let block = try Block(bytes: raw)
        var w = JSONWriter(capacity: 3_000_000)
        w.beginObject()
        w.field("version", Int64(block.header.version))
        w.field("previousblockhash", block.header.prevBlockHash.displayHex)
        w.key("transactions"); w.beginArray()
        for tx in block.transactions.dropFirst() {
            w.beginObject()
            w.field("data", Hex.encode(tx.serialized()))
            w.field("txid", tx.txid.displayHex)
            w.field("hash", tx.wtxid.displayHex)
            w.field("weight", tx.weight)
            w.endObject()
        }
        w.endArray()
        w.field("coinbasevalue", Int64(629_948_405))
        w.field("curtime", Int64(block.header.time))
        w.field("bits", block.header.bits.hex)
        w.field("height", Int64(702_861))
        w.field("weightlimit", 4_000_000)
        let coinbase = try #require(block.coinbase)
        let commitment = try #require(WitnessCommitment(coinbase: coinbase))
        w.field("default_witness_commitment", commitment.scriptPubKey.hex)
        w.endObject()
        let template = try BlockTemplate(json: JSONDocument(bytes: w.bytes).root)
        #expect(template.transactions.count == 2_499)
        let findings = TemplateConsensus.rederive(template, network: .mainnet)
        #expect(findings.failures.isEmpty, "\(findings.failures)")
        #expect(findings.derivedWeight == 3_991_818)
        #expect(findings.expectedCoinbaseValue == nil)   // no fees declared: the check cannot run
    }

    @Test func wrongFieldTypesNameThePath() throws {
        var text = String(decoding: try Self.js2poolTemplate(1).bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"fee\":", with: "\"fee\":\"x\",\"_\":")
        do {
            _ = try BlockTemplate(json: JSONDocument(text).root)
            Issue.record("accepted a string fee")
        } catch {
            #expect(error.code == .wrongType)
            #expect(error.description.contains("gbt.transactions[0].fee"))
        }
    }

    @Test func templateIDIsStableAndOrderIndependent() throws {
        let t = try BlockTemplate(json: Self.js2poolTemplate(1).root)
        let id = TemplateID.compute(t)
        #expect(id.count == 16)
        let reversed = TemplateID.compute(previousBlockHash: t.previousBlockHash!.wire, height: t.height, coinbaseValue: t.coinbaseValue,
                                         txids: t.declaredTxids.reversed())
        #expect(reversed == id)
        // Golden value, recomputed independently in Python from the documented definition
        // (SHA-256 of the domain, prevhash, height, coinbasevalue, count and sorted txids):
        // changing the definition would break the link of every stored record.
        #expect(id == "f9ccd353850f404b")
        let other = TemplateID.compute(previousBlockHash: t.previousBlockHash!.wire, height: t.height, coinbaseValue: t.coinbaseValue + 1,
                                       txids: t.declaredTxids)
        #expect(other != id)
    }
}

extension BlockTemplate {
    fileprivate var mintime_ok: Bool { minTime.map { $0 <= curTime } ?? false }
}
