import Foundation
@testable import RGKit

/// Loaders for the real Bitcoin data in Tests/Fixtures/bitcoin (see Tests/Fixtures/README.md for
/// provenance and the expected values these tests assert).
enum BitcoinFixtures {
    static let block702861Path = "bitcoin/mainnet_block_000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae.raw"
    static let testnet924634Path = "bitcoin/testnet_block_000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b.raw"

    static func block702861Bytes() throws -> [UInt8] { try Fixtures.bytes(block702861Path) }
    static func testnet924634Bytes() throws -> [UInt8] { try Fixtures.bytes(testnet924634Path) }

    static func block100000Bytes() throws -> [UInt8] {
        try Hex.decode(try Fixtures.text("bitcoin/mainnet_block_100000.hex").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// One row of derived/block_702861_txs.csv.
    struct TxRow: Sendable {
        let index: Int
        let txid: String
        let wtxid: String
        let baseSize: Int
        let totalSize: Int
        let weight: Int
        let vsize: Int
        let legacySigopCostX4: Int
        let hasWitness: Bool
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    static func block702861Rows() throws -> [TxRow] {
        let lines = try Fixtures.text("bitcoin/derived/block_702861_txs.csv").split(whereSeparator: \.isNewline)
        guard lines.first == "index,txid,wtxid,base_size,total_size,weight,vsize,legacy_sigop_cost_x4,has_witness" else {
            throw FixtureError(description: "unexpected CSV header \(lines.first ?? "")")
        }
        return try lines.dropFirst().map { line in
            let f = line.split(separator: ",").map(String.init)
            guard f.count == 9, let index = Int(f[0]), let base = Int(f[3]), let total = Int(f[4]),
                  let weight = Int(f[5]), let vsize = Int(f[6]), let sigops = Int(f[7]), let witness = Int(f[8]) else {
                throw FixtureError(description: "bad CSV row \(line)")
            }
            return TxRow(index: index, txid: f[1], wtxid: f[2], baseSize: base, totalSize: total, weight: weight,
                         vsize: vsize, legacySigopCostX4: sigops, hasWitness: witness == 1)
        }
    }

    struct CoinbaseBranch: Decodable {
        let height: Int
        let block_hash: String
        let coinbase_tx_nonwitness_hex: String
        let coinbase_txid_display: String
        let merkle_branch_internal_order_hex: [String]
        let merkle_root_internal_order_hex: String
        let merkle_root_display: String
        let header_hex: String
    }

    static func block702861Branch() throws -> CoinbaseBranch {
        try JSONDecoder().decode(CoinbaseBranch.self, from: try Fixtures.data("bitcoin/derived/block_702861_coinbase_branch.json"))
    }

    struct JS2PoolFile: Decodable {
        struct Case: Decodable {
            let name: String
            let template_json_verbatim: String
            let expected: Expected
        }
        struct Expected: Decodable {
            let extranonce1: String
            let extranonce2: String
            let nTime: String
            let nonce: String
            let cbTx1: String
            let cbTx2: String
            let cbHash: String           // internal order
            let merkleRoot: String       // display order
            let headerHash: String?      // internal order
            let blockHash: String        // display order
            let blockHex: String
            let merkleLink: [String]?    // internal order
        }
        let cases: [Case]
    }

    /// The parts of a getblocktemplate answer these tests use.
    struct Template: Decodable {
        struct Tx: Decodable {
            let data: String
            let txid: String
            let hash: String
            let fee: Int64
            let weight: Int
        }
        let version: Int32
        let previousblockhash: String
        let transactions: [Tx]
        let coinbasevalue: Int64
        let bits: String
        let height: Int
        let curtime: UInt32
        let default_witness_commitment: String?
    }

    static func js2pool() throws -> [(JS2PoolFile.Case, Template)] {
        let file = try JSONDecoder().decode(JS2PoolFile.self, from: try Fixtures.data("bitcoin/js2pool_regtest_gbt_share_vectors.json"))
        return try file.cases.map { ($0, try JSONDecoder().decode(Template.self, from: Data($0.template_json_verbatim.utf8))) }
    }

    /// The block entries of pybitcoinlib_checkblock_valid.json: (comment, serialized block).
    static func checkblockValid() throws -> [(comment: String, bytes: [UInt8])] {
        let json = try JSONSerialization.jsonObject(with: try Fixtures.data("bitcoin/pybitcoinlib_checkblock_valid.json"))
        guard let entries = json as? [[Any]] else { throw FixtureError(description: "not an array of arrays") }
        return try entries.filter { $0.count == 5 }.map { entry in
            guard let comment = entry[0] as? String, let hex = entry[4] as? String else {
                throw FixtureError(description: "bad entry \(entry)")
            }
            return (comment, try Hex.decode(hex))
        }
    }

    static func headers1to11() throws -> [String] {
        try Fixtures.text("bitcoin/btcd_blockheaders-mainnet-1-11.txt")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

