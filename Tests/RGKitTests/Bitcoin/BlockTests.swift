import Testing
@testable import RGKit

@Suite struct BlockTests {
    @Test func block702861() throws {
        let bytes = try BitcoinFixtures.block702861Bytes()
        let block = try Block(bytes: bytes)
        #expect(block.hash.displayHex == "000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae")
        #expect(block.header.merkleRoot.displayHex == "407d72768cec1a244b7599af79f554055c72d6b2356c890f8c25abf797679022")
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(block.transactions.count == 2_500)
        #expect(block.size == 1_381_836)
        #expect(bytes.count == 1_381_836)
        #expect(block.strippedSize == 870_406)
        #expect(block.weight == 3_993_054)
        #expect(block.overheadSize * 4 == 332)
        #expect(block.header.version == 0x3fff_e004)
        #expect(block.header.time == 1_633_002_641)
        #expect(block.header.nonce == 1_104_860_899)
        #expect(block.header.bits.hex == "170ed0eb")
        #expect(block.header.bits.difficulty == 18_997_641_161_758.953)
        #expect(abs(block.header.bits.difficulty - 18_997_641_161_758.95) < 0.005)
        #expect(block.header.hasValidProofOfWork())
        #expect(block.bip34Height == 702_861)
        #expect(block.coinbase?.txid.displayHex == "764b60c3d9a2c3c5bb6fe7141d9ca6e6778122df75f19366a2c5cb948d1d7d84")
        #expect(block.transactions[0].weight == 904)
        #expect(block.transactions.dropFirst().reduce(0) { $0 + $1.weight } == 3_991_818)
        #expect(Merkle.duplicateTxids(block.txids).isEmpty)
        #expect(Merkle.rootDetectingMutation(block.txids.map(MerkleNode.init))?.mutated == false)

        // BIP141: witness root, commitment, and the coinbase output that carries it.
        let witnessRoot = try #require(block.computedWitnessRoot)
        #expect(witnessRoot.wireHex == "58ccdaba9372cc51a101692e3558df13a81c8f46cde6d870adc60ba48e96e406")
        let reserved = try #require(Bytes32(block.transactions[0].inputs[0].witness[0]))
        #expect(reserved == .zero)
        let commitment = WitnessCommitment(witnessRoot: witnessRoot, reservedValue: reserved)
        #expect(commitment.scriptPubKey.hex == "6a24aa21a9ed71bfcc287cd6271682f35f5fba3963861571e0f186899eb0a41a5ebc360a3faa")
        #expect(WitnessCommitment(coinbase: block.transactions[0]) == commitment)
        #expect(WitnessCommitment.outputIndex(in: block.transactions[0].outputs) == 1)

        #expect(block.serialized() == bytes)
        #expect(block.serialized(includingWitness: false).count == 870_406)
    }

    /// The zero-copy block measurer gives the same totals as the full decoder.
    @Test func rawBlock702861AgreesWithBlock() throws {
        let bytes = try BitcoinFixtures.block702861Bytes()
        let raw = try RawBlock(bytes: bytes)
        #expect(raw.header.hash.displayHex == "000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae")
        #expect(raw.transactions.count == 2_500)
        #expect(raw.size == 1_381_836)
        #expect(raw.strippedSize == 870_406)
        #expect(raw.weight == 3_993_054)
        #expect(Merkle.root(txids: raw.txids) == raw.header.merkleRoot)
        #expect(raw.transactions[0].digest.isCoinbase)
        #expect(raw.transactions.dropFirst().allSatisfy { !$0.digest.isCoinbase })
        let rows = try BitcoinFixtures.block702861Rows()
        #expect(raw.transactions.filter(\.digest.hasWitness).count == rows.filter(\.hasWitness).count)
    }

    @Test func block100000() throws {
        let bytes = try BitcoinFixtures.block100000Bytes()
        let block = try Block(bytes: bytes)
        #expect(block.hash.displayHex == "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506")
        #expect(block.header.merkleRoot.displayHex == "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766")
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(block.txids.map(\.displayHex) == [
            "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
            "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
            "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
            "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
        ])
        #expect(block.size == 957)
        #expect(block.strippedSize == 957)
        #expect(block.weight == 3_828)
        #expect(block.header.time == 1_293_623_863)
        #expect(block.header.nonce == 274_148_111)
        #expect(block.header.bits.hex == "1b04864c")
        #expect(abs(block.header.bits.difficulty - 14_484.16) < 0.005)
        #expect(block.header.hasValidProofOfWork())
        // Before BIP34 (height 227,931) the scriptSig began with a push of nBits, which reads as a
        // well-formed "height": the number means nothing, so callers use it only where BIP34 applies.
        #expect(block.bip34Height == 0x1b04_864c)
        #expect(block.serialized() == bytes)
    }

    struct Expected: Sendable {
        let hash: String, root: String, txs: Int, size: Int, weight: Int, bits: String
    }

    /// Genesis (twice), 99960 (3 txs: odd level) and 99993 from pybitcoinlib_checkblock_valid.json.
    @Test func pythonBitcoinlibValidBlocks() throws {
        let expected: [String: Expected] = [
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f": Expected(
                hash: "", root: "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", txs: 1, size: 285, weight: 1_140, bits: "1d00ffff"),
            "0000000000032d10c9c3fe953772e3e0b0e3b7553aad593384a6ccf30f1c9c27": Expected(
                hash: "", root: "34d5a57822efa653019edfee29b9586a0d0d807572275b45f39a7e9c25614bf9", txs: 3, size: 731, weight: 2_924, bits: "1b04864c"),
            "00000000000306f827d8cc344b91a2a74074e3e1800e523ead74a20a915db27c": Expected(
                hash: "", root: "ff2ecc061ab7f9034ba9cbda612b36313b946b1b2696cc09e70f9e9acb791170", txs: 4, size: 1_349, weight: 5_396, bits: "1b04864c"),
        ]
        let entries = try BitcoinFixtures.checkblockValid()
        #expect(entries.count == 4)
        var seen: [String] = []
        for entry in entries {
            let block = try Block(bytes: entry.bytes)
            let hash = block.hash.displayHex
            let want = try #require(expected[hash], "unexpected block \(hash) (\(entry.comment))")
            seen.append(hash)
            #expect(block.header.merkleRoot.displayHex == want.root)
            #expect(block.computedMerkleRoot == block.header.merkleRoot, "\(entry.comment)")
            #expect(block.transactions.count == want.txs)
            #expect(block.size == want.size)
            #expect(block.strippedSize == want.size)
            #expect(block.weight == want.weight)
            #expect(block.header.bits.hex == want.bits)
            #expect(block.header.hasValidProofOfWork())
            #expect(block.serialized() == entry.bytes)
            let raw = try RawBlock(bytes: entry.bytes)
            #expect(raw.weight == want.weight && raw.txids == block.txids)
        }
        #expect(Set(seen) == Set(expected.keys))
        #expect(seen.filter { $0.hasPrefix("000000000019d6") }.count == 2)
    }

    @Test func genesis() throws {
        let entries = try BitcoinFixtures.checkblockValid()
        let block = try Block(bytes: entries[0].bytes)
        #expect(block.hash.displayHex == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        #expect(block.header.prevBlockHash == .zero)
        #expect(block.header.time == 1_231_006_505)
        #expect(block.header.nonce == 2_083_236_893)
        #expect(block.header.bits == .difficulty1)
        #expect(block.header.bits.difficulty == 1)
        // One transaction: the root is the coinbase txid itself.
        #expect(block.header.merkleRoot.wire == block.transactions[0].txid.wire)
        #expect(Merkle.coinbaseBranch(nonCoinbaseTxids: []).isEmpty)
    }

    @Test func testnet3Block924634() throws {
        let bytes = try BitcoinFixtures.testnet924634Bytes()
        let block = try Block(bytes: bytes)
        #expect(block.hash.displayHex == "000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b")
        #expect(block.header.merkleRoot.displayHex == "7ef6e8a89489bf99fc1b53552c00a6408bc2d03d15a620d42a672f0ae726bc10")
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(block.transactions.count == 15)
        #expect(block.size == 4_319)
        #expect(block.strippedSize == 4_283)
        #expect(block.weight == 17_168)
        #expect(block.header.time == 1_472_004_949)
        #expect(block.header.nonce == 1_879_759_182)
        #expect(block.header.bits.rawValue == 0x1a06_d450)
        #expect(block.header.bits.difficulty == 2_456_598.439_924_212_6)
        #expect(block.header.hasValidProofOfWork(powLimit: Network.testnet.powLimit))
        if let commitment = WitnessCommitment(coinbase: block.transactions[0]), let root = block.computedWitnessRoot,
           let reserved = block.transactions[0].inputs[0].witness.first.flatMap(Bytes32.init) {
            #expect(WitnessCommitment(witnessRoot: root, reservedValue: reserved) == commitment)
        } else {
            Issue.record("testnet block 924634 has witness data, so it must carry a commitment")
        }
        #expect(block.serialized() == bytes)
        let raw = try RawBlock(bytes: bytes)
        #expect(raw.weight == 17_168 && raw.strippedSize == 4_283 && raw.wtxids == block.wtxids)
    }

    @Test func malformedBlocksThrow() throws {
        let bytes = try BitcoinFixtures.block100000Bytes()
        #expect(throws: DecodeError(.trailingBytes)) { try Block(bytes: bytes + [0]) }
        #expect(throws: DecodeError(.trailingBytes)) { try RawBlock(bytes: bytes + [0]) }
        #expect(throws: DecodeError(.truncated)) { try Block(bytes: Array(bytes.dropLast())) }
        #expect(throws: DecodeError(.truncated)) { try RawBlock(bytes: Array(bytes.dropLast())) }
        #expect(throws: DecodeError(.truncated)) { try Block(bytes: Array(bytes.prefix(79))) }
        // A header followed by a transaction count of 2^32 − 1.
        let huge = Array(bytes.prefix(80)) + [0xfe, 0xff, 0xff, 0xff, 0xff]
        #expect(throws: DecodeError(.tooLarge)) { try Block(bytes: huge) }
        #expect(throws: DecodeError(.tooLarge)) { try RawBlock(bytes: huge) }
        var rng = SplitMix64(seed: 100_000)
        for _ in 0..<500 {
            var mutated = bytes
            mutated[Int.random(in: 80..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            let a: DecodeError.Code?
            do throws(DecodeError) { _ = try Block(bytes: mutated); a = nil } catch { a = error.code }
            let b: DecodeError.Code?
            do throws(DecodeError) { _ = try RawBlock(bytes: mutated); b = nil } catch { b = error.code }
            #expect(a == b)
        }
    }
}
