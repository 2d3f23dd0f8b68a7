import Foundation
import Testing
@testable import RGKit

/// The job factory against js2pool's regtest vectors (two real templates with the coinbase
/// halves, merkle branch, root, block hex and hash js2pool produced), and a block built from a
/// demo regtest template checked the way a node would.
@Suite struct JobTemplateTests {
    @Test func reproducesJS2PoolCoinbaseHalvesRootBranchAndBlockByteForByte() throws {
        let cases = try GatewayFixtures.js2poolTemplates()
        #expect(cases.count == 2)
        for (c, template) in cases {
            let e = c.expected
            // js2pool put its own time (tx1Time / cbTxTime) into the scriptSig.
            let time: UInt32 = c.name.contains("no txs") ? 1_492_667_895 : 1_492_674_362
            let job = try JobTemplate(template: template, templateID: c.name, payout: GatewayFixtures.js2poolPayout,
                                      layout: GatewayFixtures.js2poolLayout(timePush: time))
            #expect(Hex.encode(job.coinbase.prefix) == e.cbTx1, "\(c.name): coinbase prefix")
            #expect(Hex.encode(job.coinbase.suffix) == e.cbTx2, "\(c.name): coinbase suffix")
            let extranonce = try Hex.decode(e.extranonce1 + e.extranonce2)
            #expect(job.coinbase.txid(extranonce: extranonce).wire.hex == e.cbHash, "\(c.name): coinbase txid")
            #expect(job.merkleBranch.map(\.wire.hex) == (e.merkleLink ?? []), "\(c.name): merkle branch")
            #expect(job.merkleRoot(extranonce: extranonce).displayHex == e.merkleRoot, "\(c.name): merkle root")
            let ntime = UInt32(e.nTime, radix: 16)!, nonce = UInt32(e.nonce, radix: 16)!
            let block = job.block(extranonce: extranonce, version: job.version, ntime: ntime, nonce: nonce)
            #expect(block.hash.displayHex == e.blockHash, "\(c.name): block hash")
            #expect(String(decoding: block.hex, as: UTF8.self) == e.blockHex, "\(c.name): block hex")
            // Segwit was not active on that regtest chain (rules []), so no coinbase witness.
            #expect(job.coinbase.witnessReservedValue == nil)
        }
    }

    @Test func aDemoRegtestTemplateAndAWinningShareMakeAValidBlock() throws {
        var feed = GatewayFixtures.Feed(network: .regtest, txs: 25, startHeight: 300)
        let (id, template) = try feed.next(nowMs: GatewayFixtures.now)
        let job = try JobTemplate(template: template, templateID: id, payout: GatewayFixtures.regtestPayout,
                                  layout: .standard(tag: "/ReserveGrid test/", extranonceSize: 16))
        let extranonce = [UInt8](repeating: 0, count: 11) + [7, 0, 0, 0, 1]
        let built = job.mineRegtestBlock(extranonce: extranonce)

        let block = try Block(hex: String(decoding: built.hex, as: UTF8.self))
        #expect(block.hash == built.hash)
        #expect(block.header.hasValidProofOfWork(powLimit: Network.regtest.powLimit))
        #expect(block.header.prevBlockHash == template.previousBlockHash)
        #expect(block.header.bits == template.bits)
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(block.transactions.count == template.transactions.count + 1)
        #expect(Merkle.duplicateTxids(block.txids).isEmpty)
        // BIP34 height, and the scriptSig within 2...100 bytes.
        #expect(block.bip34Height == template.height)
        let coinbase = try #require(block.coinbase)
        #expect((2...100).contains(coinbase.inputs[0].scriptSig.count))
        // Payout pays the whole coinbase value; the witness commitment recomputes, and the
        // coinbase carries the 32-byte reserved value (segwit is active in demo templates).
        #expect(coinbase.outputs[0].scriptPubKey == GatewayFixtures.regtestPayout.scriptPubKey)
        #expect(coinbase.outputs.reduce(0) { $0 + $1.valueSat } == template.coinbaseValue)
        let commitment = try #require(WitnessCommitment(coinbase: coinbase))
        let witnessRoot = try #require(block.computedWitnessRoot)
        #expect(commitment == WitnessCommitment(witnessRoot: witnessRoot, reservedValue: .zero))
        #expect(coinbase.inputs[0].witness == [[UInt8](repeating: 0, count: 32)])
        #expect(commitment.scriptPubKey.bytes == template.defaultWitnessCommitment)
        // Core's coinbase conventions: nLockTime = height − 1 with a non-final sequence.
        #expect(coinbase.lockTime == UInt32(template.height - 1))
        #expect(coinbase.inputs[0].sequence == 0xffff_fffe)
        // The template's transactions follow in order, byte for byte.
        for (i, tx) in template.transactions.enumerated() {
            #expect(block.transactions[i + 1].txid == tx.txid)
        }
        // The block's coinbase txid is the stripped coinbase the miner's merkle root commits to.
        #expect(coinbase.txid == job.coinbase.txid(extranonce: extranonce))
    }

    /// The stale-hold's work for a template whose transactions break consensus: the same tip,
    /// no transaction but the coinbase, paying the subsidy alone, checked as a node would.
    @Test func aCoinbaseOnlyJobMakesAValidBlockOnTheSameTipPayingTheSubsidy() throws {
        var feed = GatewayFixtures.Feed(network: .regtest, txs: 25, startHeight: 300)
        let (id, template) = try feed.next(nowMs: GatewayFixtures.now)
        let full = try JobTemplate(template: template, templateID: id, payout: GatewayFixtures.regtestPayout,
                                   layout: .standard(tag: "/ReserveGrid test/", extranonceSize: 16))
        let subsidy = Network.regtest.subsidy(height: Int(template.height))
        #expect(subsidy < template.coinbaseValue)                 // the full template pays fees on top
        let job = try full.coinbaseOnly(subsidySat: subsidy)
        #expect(job.templateID == full.templateID && job.height == full.height && job.prevHash == full.prevHash)
        #expect(job.bits == full.bits && job.version == full.version && job.minNtime == full.minNtime)
        #expect(job.transactionCount == 0 && job.merkleBranch.isEmpty && job.coinbaseValueSat == subsidy)
        let extranonce = [UInt8](repeating: 0, count: 11) + [7, 0, 0, 0, 2]
        #expect(job.merkleRoot(extranonce: extranonce).wire == job.coinbase.txid(extranonce: extranonce).wire)
        let built = job.mineRegtestBlock(extranonce: extranonce)

        let block = try Block(hex: String(decoding: built.hex, as: UTF8.self))
        #expect(block.hash == built.hash)
        #expect(block.header.hasValidProofOfWork(powLimit: Network.regtest.powLimit))
        #expect(block.header.prevBlockHash == template.previousBlockHash && block.header.bits == template.bits)
        #expect(block.transactions.count == 1)
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(block.bip34Height == template.height)
        let coinbase = try #require(block.coinbase)
        #expect(coinbase.outputs.reduce(0) { $0 + $1.valueSat } == subsidy)
        #expect(coinbase.outputs[0].scriptPubKey == GatewayFixtures.regtestPayout.scriptPubKey)
        // Segwit is active: the commitment is Core's for an empty mempool, and it recomputes.
        let commitment = try #require(WitnessCommitment(coinbase: coinbase))
        let witnessRoot = try #require(block.computedWitnessRoot)
        #expect(commitment == WitnessCommitment(witnessRoot: witnessRoot, reservedValue: .zero))
        #expect(coinbase.inputs[0].witness == [[UInt8](repeating: 0, count: 32)])
        // The stand-in node's own checks, as a proposal (no proof of work asked of it).
        let check = SubmittedBlockCheck.witnessReason(try RawBlock(bytes: try Hex.decode(String(decoding: built.hex, as: UTF8.self))),
                                                      coinbase: coinbase)
        #expect(check == nil)
    }

    @Test(arguments: [Int64(1), 16, 17])
    func lowHeightsArePaddedToTwoScriptSigBytes(_ height: Int64) throws {
        let cb = try Coinbase(height: height, coinbaseAux: [:], coinbaseValueSat: 5_000_000_000, commitmentScript: nil,
                              segwitActive: false, payout: GatewayFixtures.regtestPayout,
                              layout: CoinbaseLayout(scriptSigBeforeExtranonce: [], scriptSigAfterExtranonce: [], extranonceSize: 1))
        let tx = try Transaction(bytes: cb.strippedBytes(extranonce: [0xAB]))
        let script = tx.inputs[0].scriptSig
        #expect(script.count >= 3)
        #expect(BIP34.height(inScriptSig: script) == height)
        if height <= 16 { #expect(script.bytes[1] == Opcode.op0) }
    }

    @Test func coinbaseAuxGoesAfterTheHeightInSortedKeyOrder() throws {
        let cb = try Coinbase(height: 840_000, coinbaseAux: ["b": [0xBB], "a": [0xAA, 0xA1]], coinbaseValueSat: 1, commitmentScript: nil,
                              segwitActive: false, payout: GatewayFixtures.mainnetPayout, layout: .standard(tag: "x", extranonceSize: 4))
        let tx = try Transaction(bytes: cb.strippedBytes(extranonce: [1, 2, 3, 4]))
        #expect(tx.inputs[0].scriptSig.hex == "0340d10c" + "aaa1bb" + "04" + "01020304" + "01" + "78")
    }

    @Test func anOversizedScriptSigIsRefused() {
        #expect(throws: Coinbase.Error(.scriptSigTooLong, "")) {
            try Coinbase(height: 840_000, coinbaseAux: [:], coinbaseValueSat: 1, commitmentScript: nil, segwitActive: false,
                         payout: GatewayFixtures.mainnetPayout, layout: .standard(tag: String(repeating: "x", count: 64), extranonceSize: 32))
        }
    }

    @Test func aCommitmentThatDoesNotMatchTheTransactionsIsRefused() throws {
        var feed = GatewayFixtures.Feed(network: .regtest, txs: 5)
        var (id, template) = try feed.next(nowMs: GatewayFixtures.now)
        template.defaultWitnessCommitment = WitnessCommitment(value: Bytes32(w0: 1, w1: 2, w2: 3, w3: 4)).scriptPubKey.bytes
        #expect(throws: Coinbase.Error(.commitmentMismatch, "")) {
            try JobTemplate(template: template, templateID: id, payout: GatewayFixtures.regtestPayout, layout: .standard())
        }
        template.transactions[2].dataHex = nil
        id += "x"
        #expect(throws: Coinbase.Error.self) {
            try JobTemplate(template: template, templateID: id, payout: GatewayFixtures.regtestPayout, layout: .standard())
        }
    }
}

extension JobTemplate {
    /// Grinds the nonce until the header meets the network target (on regtest about every
    /// second hash does) and assembles the block.
    func mineRegtestBlock(extranonce: [UInt8]) -> (hex: [UInt8], hash: BlockHash) {
        var nonce: UInt32 = 0
        while !header(merkleRoot: merkleRoot(extranonce: extranonce), version: version, ntime: minNtime, nonce: nonce)
            .hash.meets(target: networkTarget) { nonce += 1 }
        return block(extranonce: extranonce, version: version, ntime: minNtime, nonce: nonce)
    }
}
