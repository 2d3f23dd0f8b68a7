@testable import RGKit

/// Real mainnet headers the miner tests search around: block 100,000 (a standard-channel job:
/// the merkle root is given) and block 702,861 (an extended job: its coinbase and branch are in
/// Tests/Fixtures/bitcoin/derived).
enum MinerFixtures {
    struct Fixture {
        let header: BlockHeader
        let blockHashDisplay: String
    }

    static func block100000() throws -> Fixture {
        let bytes = try BitcoinFixtures.block100000Bytes()
        return Fixture(header: try BlockHeader(bytes: Array(bytes[0..<80])),
                       blockHashDisplay: "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506")
    }

    /// Block 702,861 with its coinbase cut into the four SV2 parts at arbitrary points inside the
    /// scriptSig (a pool's split would differ; the txid cannot).
    struct Extended {
        let header: BlockHeader
        let blockHashDisplay: String
        let prefix: [UInt8]
        let extranoncePrefix: [UInt8]
        let extranonce: [UInt8]
        let suffix: [UInt8]
        let merklePath: [Bytes32]
    }

    static func block702861() throws -> Extended {
        let branch = try BitcoinFixtures.block702861Branch()
        let coinbase = try Hex.decode(branch.coinbase_tx_nonwitness_hex)
        return Extended(header: try BlockHeader(hex: branch.header_hex), blockHashDisplay: branch.block_hash,
                        prefix: Array(coinbase[0..<60]), extranoncePrefix: Array(coinbase[60..<64]),
                        extranonce: Array(coinbase[64..<72]), suffix: Array(coinbase[72...]),
                        merklePath: try branch.merkle_branch_internal_order_hex.map { try Bytes32(hex: $0) })
    }

    /// The work a miner would hold for `header` with the share target at the network target.
    static func work(_ header: BlockHeader, rollingMask: UInt32 = 0) -> MinerWork {
        MinerWork(channelID: 1, jobID: 7, version: UInt32(bitPattern: header.version), rollingMask: rollingMask,
                  prevHash: header.prevBlockHash.wire, merkleRoot: header.merkleRoot.wire, ntime: header.time,
                  nbits: header.bits.rawValue, target: header.bits.target!)
    }
}
