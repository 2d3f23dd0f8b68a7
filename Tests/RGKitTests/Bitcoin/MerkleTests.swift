import Testing
@testable import RGKit

@Suite struct MerkleTests {
    /// derived/block_702861_coinbase_branch.json: 12 siblings; folding the coinbase txid gives the root.
    @Test func coinbaseBranchOfBlock702861() throws {
        let fixture = try BitcoinFixtures.block702861Branch()
        let block = try Block(bytes: try BitcoinFixtures.block702861Bytes())
        let branch = Merkle.coinbaseBranch(nonCoinbaseTxids: Array(block.txids.dropFirst()))
        #expect(branch.count == 12)
        #expect(branch.map(\.wireHex) == fixture.merkle_branch_internal_order_hex)
        let coinbaseTxid = Txid(wire: SHA256Hash.hash256(try Hex.decode(fixture.coinbase_tx_nonwitness_hex)))
        #expect(coinbaseTxid.displayHex == fixture.coinbase_txid_display)
        let root = Merkle.fold(coinbaseTxid: coinbaseTxid, branch: branch)
        #expect(root.wireHex == fixture.merkle_root_internal_order_hex)
        #expect(root.displayHex == fixture.merkle_root_display)
        #expect(root == block.header.merkleRoot)
        let header = try BlockHeader(hex: fixture.header_hex)
        #expect(header.merkleRoot == root)
        #expect(header.hash.displayHex == fixture.block_hash)
    }

    /// The branch agrees with the full tree for every transaction count from 1 to 70.
    @Test func foldingTheBranchAlwaysGivesTheRoot() {
        let leaves = (0..<70).map { Txid(wire: SHA256Hash.hash256([UInt8(truncatingIfNeeded: $0), 0x5a])) }
        for n in 1...leaves.count {
            let txids = Array(leaves.prefix(n))
            let branch = Merkle.coinbaseBranch(nonCoinbaseTxids: Array(txids.dropFirst()))
            #expect(branch.count == ceilLog2(n))   // ceil(log2(n)), 0 for the coinbase alone
            #expect(Merkle.fold(coinbaseTxid: txids[0], branch: branch) == Merkle.root(txids: txids), "n = \(n)")
        }
    }

    /// js2pool regtest vectors: branch (`merkleLink`, internal order), `cbHash` (internal),
    /// `merkleRoot` and `blockHash` (display order), `headerHash` (internal).
    @Test func js2poolShareVectors() throws {
        let cases = try BitcoinFixtures.js2pool()
        try #require(cases.count == 2)
        for (vector, template) in cases {
            let expected = vector.expected
            let txids = try template.transactions.map { try Txid(displayHex: $0.txid) }
            let branch = Merkle.coinbaseBranch(nonCoinbaseTxids: txids)
            #expect(branch.map(\.wireHex) == (expected.merkleLink ?? []), "\(vector.name)")

            // The coinbase as the pool assembles it: coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2.
            let coinbaseBytes = try Hex.decode(expected.cbTx1 + expected.extranonce1 + expected.extranonce2 + expected.cbTx2)
            let coinbase = try Transaction(bytes: coinbaseBytes)
            #expect(coinbase.isCoinbase)
            #expect(coinbase.txid.wireHex == expected.cbHash, "\(vector.name)")
            let root = Merkle.fold(coinbaseTxid: coinbase.txid, branch: branch)
            #expect(root.displayHex == expected.merkleRoot, "\(vector.name)")

            let block = try Block(hex: expected.blockHex)
            #expect(block.transactions[0] == coinbase)
            #expect(block.header.merkleRoot == root)
            #expect(block.computedMerkleRoot == root)
            #expect(block.hash.displayHex == expected.blockHash, "\(vector.name)")
            if let headerHash = expected.headerHash { #expect(block.hash.wireHex == headerHash) }
            #expect(block.header.prevBlockHash.displayHex == template.previousblockhash)
            #expect(block.header.version == template.version)
            #expect(block.header.bits.hex == template.bits)
            #expect(block.header.time == UInt32(expected.nTime, radix: 16))
            #expect(block.header.nonce == UInt32(expected.nonce, radix: 16))
            #expect(block.header.hasValidProofOfWork(powLimit: Network.regtest.powLimit))
            #expect(!block.header.hasValidProofOfWork())   // regtest bits are above mainnet's limit
            #expect(block.bip34Height == Int64(template.height))
            #expect(coinbase.outputs.reduce(0) { $0 + $1.valueSat } == template.coinbasevalue)
            #expect(template.coinbasevalue == Network.regtest.subsidy(height: template.height) + template.transactions.reduce(0) { $0 + $1.fee })

            // The template's default_witness_commitment recomputes from its transactions.
            let wtxids = try template.transactions.map { try Wtxid(displayHex: $0.hash) }
            let commitment = WitnessCommitment(witnessRoot: Merkle.witnessRoot(nonCoinbaseWtxids: wtxids))
            #expect(commitment.scriptPubKey.hex == template.default_witness_commitment, "\(vector.name)")
            #expect(WitnessCommitment(coinbase: coinbase) == commitment)
            for (tx, gbt) in zip(block.transactions.dropFirst(), template.transactions) {
                #expect(tx.serialized().hex == gbt.data)
                #expect(tx.txid.displayHex == gbt.txid && tx.wtxid.displayHex == gbt.hash && tx.weight == gbt.weight)
            }
        }
    }

    /// CVE-2012-2459: [a, b, c] and [a, b, c, c] have the same root; the longer list is flagged.
    @Test func duplicatedTailIsDetected() throws {
        let block = try #require(try BitcoinFixtures.checkblockValid().map { try Block(bytes: $0.bytes) }.first { $0.transactions.count == 3 })
        let txids = block.txids
        let mutatedList = txids + [txids[2]]
        #expect(Merkle.root(txids: txids) == block.header.merkleRoot)
        #expect(Merkle.root(txids: mutatedList) == block.header.merkleRoot)
        #expect(Merkle.rootDetectingMutation(txids.map(MerkleNode.init))?.mutated == false)
        #expect(Merkle.rootDetectingMutation(mutatedList.map(MerkleNode.init))?.mutated == true)
        #expect(Merkle.duplicateTxids(txids).isEmpty)
        #expect(Merkle.duplicateTxids(mutatedList) == [txids[2]])
        #expect(Merkle.duplicateTxids([txids[0], txids[1], txids[0], txids[0], txids[1]]) == [txids[0], txids[1]])
    }

    @Test func edgeCases() {
        #expect(Merkle.root([]) == nil)
        #expect(Merkle.witnessRoot(wtxids: []) == nil)
        let a = MerkleNode(wire: SHA256Hash.hash256([1]))
        let b = MerkleNode(wire: SHA256Hash.hash256([2]))
        #expect(Merkle.root([a]) == a)
        #expect(Merkle.root([a, b]) == MerkleNode.parent(a, b))
        #expect(Merkle.root([a, b, a]) == MerkleNode.parent(MerkleNode.parent(a, b), MerkleNode.parent(a, a)))
        // A template with only the coinbase: witness root is the zero leaf itself.
        #expect(Merkle.witnessRoot(nonCoinbaseWtxids: []) == .zero)
        #expect(Merkle.witnessRoot(wtxids: [Wtxid(wire: a.wire)]) == .zero)
    }
}

private func ceilLog2(_ n: Int) -> Int {
    var bits = 0
    while (1 << bits) < n { bits += 1 }
    return bits
}
