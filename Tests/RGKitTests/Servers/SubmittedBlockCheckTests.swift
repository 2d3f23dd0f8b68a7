import Testing
@testable import RGKit

@Suite struct SubmittedBlockCheckTests {
    struct Fixture {
        var records: [TemplateRecord]
        var snapshots: [TemplateSnapshot]
        var tips: Set<String>
        var current: TemplateRecord { records[records.count - 1] }

        init(templates: Int = 2) throws {
            records = try TestBlocks.regtestRecords(templates)
            snapshots = records.enumerated().map { TemplateSnapshot(record: $1, sequence: UInt64($0 + 1), receivedMs: 0) }
            tips = Set(snapshots.map(\.previousBlockHash))
        }

        func check(_ block: Block, known: Set<String> = [], extendedTips: Set<String> = [], proposal: Bool = false) -> SubmittedBlockCheck.Outcome {
            SubmittedBlockCheck.check(hex: TestBlocks.hex(block), templates: snapshots, tips: tips, known: known, extendedTips: extendedTips,
                                      network: .regtest, purpose: proposal ? .proposal : .submission)
        }
    }

    @Test func aBlockBuiltFromTheCurrentTemplateIsAcceptedAndMatchedToIt() throws {
        let f = try Fixture()
        let block = try TestBlocks.block(from: f.current.gbt, network: .regtest)
        #expect(f.check(block) == .accepted(hash: block.hash.displayHex, height: f.current.gbt.height,
                                            previousBlockHash: f.snapshots[1].previousBlockHash, templateID: f.current.templateID))
        #expect(f.check(block, known: [block.hash.displayHex]) == .rejected("duplicate"))
        // A different transaction set on the right tip is accepted but matches no template.
        let fewer = try TestBlocks.block(from: f.current.gbt, network: .regtest, edit: { $0.removeLast() })
        #expect(f.check(fewer) == .rejected("bad-witness-merkle-match"))
    }

    /// What rg-gate's stale-hold sends for a template that cannot make a valid block: its tip
    /// with the coinbase alone. The node takes such a block as the new tip.
    @Test func aCoinbaseOnlyBlockOnTheCurrentTipIsAccepted() throws {
        let f = try Fixture()
        let full = try JobTemplate(template: f.current.gbt, templateID: f.current.templateID, payout: GatewayFixtures.regtestPayout,
                                   layout: .standard(tag: "/ReserveGrid test/", extranonceSize: 16))
        let job = try full.coinbaseOnly(subsidySat: Network.regtest.subsidy(height: Int(full.height)))
        let extranonce = [UInt8](repeating: 0, count: 12) + [0, 0, 0, 3]
        let built = job.mineRegtestBlock(extranonce: extranonce)
        let outcome = SubmittedBlockCheck.check(hex: built.hex, templates: f.snapshots, tips: f.tips, known: [], network: .regtest)
        #expect(outcome == .accepted(hash: built.hash.displayHex, height: full.height,
                                     previousBlockHash: f.snapshots[1].previousBlockHash, templateID: nil))
    }

    @Test func coresRejectReasonsInCoresOrder() throws {
        let f = try Fixture()
        let gbt = f.current.gbt
        #expect(f.check(try TestBlocks.block(from: gbt, network: .regtest, mine: false)) == .rejected("high-hash"))
        // A proposal is not mined: BIP23 skips the proof of work.
        let unmined = try TestBlocks.block(from: gbt, network: .regtest, mine: false)
        if case .accepted = f.check(unmined, proposal: true) {} else { Issue.record("an unmined proposal was refused") }

        var wrongRoot = try TestBlocks.block(from: gbt, network: .regtest)
        wrongRoot.header.merkleRoot = MerkleNode(wire: Bytes32(w0: 1, w1: 2, w2: 3, w3: 4))
        while !wrongRoot.header.hasValidProofOfWork(powLimit: Network.regtest.powLimit) { wrongRoot.header.nonce += 1 }
        #expect(f.check(wrongRoot) == .rejected("bad-txnmrklroot"))

        // Builds on the previous template's tip: valid, but it does not become the tip.
        let stale = try TestBlocks.block(from: f.records[0].gbt, network: .regtest)
        #expect(f.check(stale) == .sideBranch(hash: stale.hash.displayHex))
        #expect(f.check(stale, proposal: true) == .rejected("inconclusive-not-best-prevblk"))
        // …and it is checked against the template for its own parent, not the current one.
        var staleWrongHeight = f.records[0].gbt
        staleWrongHeight.height = gbt.height
        #expect(f.check(try TestBlocks.block(from: staleWrongHeight, network: .regtest)) == .rejected("bad-cb-height"))

        var unknownPrev = gbt
        unknownPrev.previousBlockHash = BlockHash(wire: Bytes32(w0: 9, w1: 9, w2: 9, w3: 9))
        #expect(f.check(try TestBlocks.block(from: unknownPrev, network: .regtest)) == .rejected("prev-blk-not-found"))

        var wrongBits = gbt
        wrongBits.bits = CompactTarget(rawValue: 0x207F_FFFE)
        #expect(f.check(try TestBlocks.block(from: wrongBits, network: .regtest)) == .rejected("bad-diffbits"))

        var wrongHeight = gbt
        wrongHeight.height += 1
        #expect(f.check(try TestBlocks.block(from: wrongHeight, network: .regtest)) == .rejected("bad-cb-height"))

        var greedy = gbt
        greedy.coinbaseValue += 1
        #expect(f.check(try TestBlocks.block(from: greedy, network: .regtest)) == .rejected("bad-cb-amount"))

        var noCommitment = gbt
        noCommitment.defaultWitnessCommitment = nil
        #expect(f.check(try TestBlocks.block(from: noCommitment, network: .regtest)) == .rejected("unexpected-witness"))
    }

    @Test func aSecondBlockOnAParentThatAlreadyHasOneLandsOnASideBranch() throws {
        let f = try Fixture()
        let parent = f.snapshots[1].previousBlockHash
        let second = try TestBlocks.block(from: f.current.gbt, network: .regtest, tag: 3)
        #expect(f.check(second, extendedTips: [parent]) == .sideBranch(hash: second.hash.displayHex))
        // The node's tip is now the first block: a proposal on the old parent is not on it.
        let proposal = try TestBlocks.block(from: f.current.gbt, network: .regtest, mine: false, tag: 4)
        #expect(f.check(proposal, extendedTips: [parent], proposal: true) == .rejected("inconclusive-not-best-prevblk"))
        // Invalid stays invalid, whatever the tip.
        var greedy = f.current.gbt
        greedy.coinbaseValue += 1
        #expect(f.check(try TestBlocks.block(from: greedy, network: .regtest), extendedTips: [parent]) == .rejected("bad-cb-amount"))
    }

    @Test func garbageIsADecodeErrorNotAReject() throws {
        let f = try Fixture()
        #expect(SubmittedBlockCheck.check(hex: Array("zz".utf8), templates: f.snapshots, tips: f.tips, known: [], network: .regtest) == .decodeFailed("Block decode failed"))
        #expect(SubmittedBlockCheck.check(hex: Array("abc".utf8), templates: f.snapshots, tips: f.tips, known: [], network: .regtest) == .decodeFailed("Block decode failed"))
        let block = try TestBlocks.block(from: f.current.gbt, network: .regtest)
        let truncated = Array(TestBlocks.hex(block).dropLast(10))
        #expect(SubmittedBlockCheck.check(hex: truncated, templates: f.snapshots, tips: f.tips, known: [], network: .regtest) == .decodeFailed("Block decode failed"))
        var noCoinbase = block
        noCoinbase.transactions.removeFirst()
        #expect(f.check(noCoinbase) == .decodeFailed("Block does not start with a coinbase"))
    }

    @Test func theSnapshotServesTheRecordVerbatimWithItsOwnLongPollID() throws {
        let f = try Fixture(templates: 1)
        let snapshot = f.snapshots[0]
        let served = try JSONDocument(bytes: snapshot.gbtJSON).root
        #expect(served["longpollid"]?.string == snapshot.previousBlockHash + "1")
        for (key, value) in f.current.gbtJSON.members where key.string != "longpollid" {
            #expect(served[key.string].map { Array($0.rawBytes) } == Array(value.rawBytes), "\(key.string)")
        }
        let txids = try JSONDocument(bytes: snapshot.rawMempoolJSON).root.elements.map { $0.string ?? "" }
        #expect(txids == f.current.gbt.declaredTxids.map(\.displayHex))
        #expect(TemplateID.compute(try BlockTemplate(json: served)) == f.current.templateID)
    }
}
