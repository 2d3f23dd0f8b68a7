@testable import RGKit

/// Builds a block from a template the way a miner would (a coinbase paying the whole
/// coinbasevalue to OP_TRUE, the template's transactions, the witness commitment), mined on an
/// easy target: for tests of `submitblock` handling. Test-only: the gateway has its own
/// job factory.
enum TestBlocks {
    static func coinbase(height: Int64, value: Int64, commitment: [UInt8]?, tag: UInt8 = 0) -> Transaction {
        var scriptSig = BIP34.heightPush(height)
        scriptSig += [0x02, 0x72, tag]   // push "r", tag: makes each test's coinbase distinct
        let input = TxIn(prevout: .null, scriptSig: Script(scriptSig), sequence: 0xFFFF_FFFF,
                         witness: commitment == nil ? [] : [[UInt8](repeating: 0, count: 32)])
        var outputs = [TxOut(valueSat: value, scriptPubKey: Script([0x51]))]
        if let commitment { outputs.append(TxOut(valueSat: 0, scriptPubKey: Script(commitment))) }
        return Transaction(version: 2, inputs: [input], outputs: outputs, lockTime: 0)
    }

    /// The block for `gbt`; `mine` searches a nonce whose hash meets the target (regtest: about
    /// one in two), or one whose hash does not (`mine: false`).
    static func block(from gbt: BlockTemplate, network: Network, mine: Bool = true, tag: UInt8 = 0,
                      edit: (inout [Transaction]) -> Void = { _ in }) throws -> Block {
        var transactions = [coinbase(height: gbt.height, value: gbt.coinbaseValue, commitment: gbt.defaultWitnessCommitment, tag: tag)]
        for tx in gbt.transactions {
            let hex = tx.dataHex ?? []
            transactions.append(try Transaction(bytes: try hex.withUnsafeBytes { raw throws(DecodeError) in try Hex.decode(raw) }))
        }
        edit(&transactions)
        let root = Merkle.root(txids: transactions.map(\.txid)) ?? .zero
        var header = BlockHeader(version: gbt.version, prevBlockHash: gbt.previousBlockHash ?? .zero, merkleRoot: root,
                                 time: UInt32(gbt.curTime), bits: gbt.bits, nonce: 0)
        while header.hasValidProofOfWork(powLimit: network.powLimit) != mine { header.nonce += 1 }
        return Block(header: header, transactions: transactions)
    }

    static func hex(_ block: Block) -> [UInt8] { Array(Hex.encode(block.serialized()).utf8) }

    /// Successive regtest demo template records (real segwit transactions, consistent
    /// commitment; each builds on a block found on the one before).
    static func regtestRecords(_ count: Int, seed: UInt64 = 5, txs: Int = 12, network: Network = .regtest) throws -> [TemplateRecord] {
        var feed = DemoFeed(options: .init(seed: seed, network: network, startHeight: 300, txs: txs, scenario: .normal))
        return try (0..<count).map { i in
            try TemplateRecord(json: try JSONDocument(bytes: feed.next(nowMs: 1_764_072_000_000 + Int64(i) * 1_000).record).root)
        }
    }
}
