import Testing
@testable import RGKit

@Suite struct TransactionTests {
    /// Every transaction of block 702861 against derived/block_702861_txs.csv (all 2,500 rows).
    @Test func everyTransactionOfBlock702861MatchesTheDerivedCSV() throws {
        let block = try Block(bytes: try BitcoinFixtures.block702861Bytes())
        let rows = try BitcoinFixtures.block702861Rows()
        try #require(rows.count == 2_500)
        try #require(block.transactions.count == rows.count)
        var mismatches = 0
        for (tx, row) in zip(block.transactions, rows) {
            let ok = tx.txid.displayHex == row.txid && tx.wtxid.displayHex == row.wtxid
                && tx.strippedSize == row.baseSize && tx.size == row.totalSize && tx.weight == row.weight
                && tx.vsize == row.vsize && tx.legacySigOpCost == row.legacySigopCostX4
                && tx.hasWitness == row.hasWitness
            if !ok {
                mismatches += 1
                Issue.record("tx \(row.index): txid \(tx.txid) wtxid \(tx.wtxid) base \(tx.strippedSize) total \(tx.size) weight \(tx.weight) vsize \(tx.vsize) sigops×4 \(tx.legacySigOpCost) witness \(tx.hasWitness)")
                if mismatches > 10 { break }
            }
        }
        #expect(rows.map(\.index) == Array(0..<2_500))
    }

    /// Encoding gives back the exact input bytes, with and without witness.
    @Test func everyTransactionOfBlock702861RoundTrips() throws {
        let raw = try RawBlock(bytes: try BitcoinFixtures.block702861Bytes())
        for (i, entry) in raw.transactions.enumerated() {
            let bytes = Array(raw.transactionBytes(i))
            let tx = try Transaction(bytes: bytes)
            #expect(tx.serialized() == bytes, "tx \(i)")
            let stripped = tx.serialized(includingWitness: false)
            #expect(stripped.count == entry.digest.strippedSize, "tx \(i)")
            #expect(try Transaction(bytes: stripped).txid == tx.txid, "tx \(i)")
        }
    }

    @Test func theCoinbaseOfBlock702861() throws {
        let block = try Block(bytes: try BitcoinFixtures.block702861Bytes())
        let coinbase = try #require(block.coinbase)
        #expect(coinbase.isCoinbase)
        #expect(!block.transactions[1].isCoinbase)
        #expect(coinbase.txid.displayHex == "764b60c3d9a2c3c5bb6fe7141d9ca6e6778122df75f19366a2c5cb948d1d7d84")
        #expect(coinbase.weight == 904)
        #expect(coinbase.inputs[0].scriptSig.count == 88)
        #expect(coinbase.inputs[0].scriptSig.bytes.starts(with: [0x03, 0x8d, 0xb9, 0x0a]))
        #expect(coinbase.inputs[0].witness == [[UInt8](repeating: 0, count: 32)])
        #expect(coinbase.outputs.map(\.valueSat) == [629_948_405, 0])
        #expect(coinbase.outputs[0].scriptPubKey.hex == "00143156afc4249915008020f932783319f3e610b97d")
        #expect(coinbase.outputs[1].scriptPubKey.hex == "6a24aa21a9ed71bfcc287cd6271682f35f5fba3963861571e0f186899eb0a41a5ebc360a3faa")
        let branch = try BitcoinFixtures.block702861Branch()
        #expect(coinbase.serialized(includingWitness: false).hex == branch.coinbase_tx_nonwitness_hex)
    }

    @Test func aLegacyTransactionHasEqualIdsAndFourTimesItsSizeAsWeight() throws {
        let block = try Block(bytes: try BitcoinFixtures.block100000Bytes())
        for tx in block.transactions {
            #expect(!tx.hasWitness)
            #expect(tx.txid.wire == tx.wtxid.wire)
            #expect(tx.size == tx.strippedSize)
            #expect(tx.weight == 4 * tx.size)
            #expect(tx.serialized() == tx.serialized(includingWitness: false))
        }
    }

    // MARK: malformed input: always a DecodeError, never a trap

    /// A real segwit transaction (702861 tx 1) cut at every length.
    @Test func everyTruncationThrowsTruncated() throws {
        let raw = try RawBlock(bytes: try BitcoinFixtures.block702861Bytes())
        let bytes = Array(raw.transactionBytes(1))
        for length in 0..<bytes.count {
            #expect(throws: DecodeError(.truncated)) { try Transaction(bytes: Array(bytes[0..<length])) }
        }
    }

    @Test func trailingBytesAreRefused() throws {
        let raw = try RawBlock(bytes: try BitcoinFixtures.block702861Bytes())
        #expect(throws: DecodeError(.trailingBytes)) { try Transaction(bytes: Array(raw.transactionBytes(2)) + [0]) }
    }

    @Test func hugeCountsAreRefusedBeforeAllocating() {
        // version, input count 0xffffffff (CompactSize fe ffffffff), nothing else.
        #expect(throws: DecodeError(.tooLarge)) { try Transaction(bytes: [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff]) }
        // 2^64 - 1 outputs.
        let oneInput: [UInt8] = [1, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 36) + [0] + [0xff, 0xff, 0xff, 0xff]
        #expect(throws: DecodeError(.tooLarge)) { try Transaction(bytes: oneInput + [0xff] + [UInt8](repeating: 0xff, count: 8) + [0, 0, 0, 0]) }
        // A script length of 0xffffffff.
        #expect(throws: DecodeError(.tooLarge)) {
            try Transaction(bytes: [1, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 36) + [0xfe, 0xff, 0xff, 0xff, 0xff])
        }
    }

    /// A count the remaining bytes cannot hold is truncation; a count beyond Core's MAX_SIZE is
    /// too large; both before any allocation.
    @Test func countsAreCheckedAgainstMaxSizeAndTheRemainingBytes() throws {
        var reader = ByteReader([0x03, 0xaa, 0xbb])
        #expect(throws: DecodeError(.truncated)) { try reader.readCount(limit: 100, minimumElementSize: 1) }
        reader = ByteReader([0x02, 0xaa, 0xbb])
        #expect(try reader.readCount(limit: 100, minimumElementSize: 1) == 2)
        reader = ByteReader([0x02] + [UInt8](repeating: 0, count: 81))
        #expect(throws: DecodeError(.truncated)) { try reader.readCount(limit: 100, minimumElementSize: 41) }
        reader = ByteReader([0xfe, 0x01, 0x00, 0x00, 0x02])
        #expect(throws: DecodeError(.tooLarge)) { try reader.readCount(limit: Transaction.maxCompactSize, minimumElementSize: 1) }
        // Three inputs announced, bytes for two: truncated, in both decoders.
        let twoInputs = [UInt8](repeating: 0, count: 2 * 41)
        let bytes: [UInt8] = [1, 0, 0, 0, 3] + twoInputs + [0] + [0, 0, 0, 0]
        #expect(throws: DecodeError(.truncated)) { try Transaction(bytes: bytes) }
        #expect(throws: DecodeError(.truncated)) { try TransactionDigest.measure(bytes) }
    }

    @Test func nonMinimalCompactSizeIsRefused() {
        // Input count 1 written as fd 0100.
        let bytes: [UInt8] = [1, 0, 0, 0, 0xfd, 0x01, 0x00] + [UInt8](repeating: 0, count: 36) + [0] + [0xff, 0xff, 0xff, 0xff] + [0] + [0, 0, 0, 0]
        #expect(throws: DecodeError(.nonMinimal)) { try Transaction(bytes: bytes) }
    }

    /// Segwit marker with a flag other than 1, and segwit with every witness empty: refused, as
    /// Core refuses them ("Unknown transaction optional data", "Superfluous witness record").
    @Test func unknownSegwitFlagAndSuperfluousWitnessAreRefused() throws {
        let input: [UInt8] = [UInt8](repeating: 0xab, count: 32) + [0, 0, 0, 0] + [0] + [0xff, 0xff, 0xff, 0xff]
        let output: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0] + [1, 0x51]
        let legacy: [UInt8] = [2, 0, 0, 0] + [1] + input + [1] + output + [0, 0, 0, 0]
        let tx = try Transaction(bytes: legacy)
        #expect(tx.serialized() == legacy)
        let withFlag2: [UInt8] = [2, 0, 0, 0, 0, 2] + [1] + input + [1] + output + [1, 1, 0x00] + [0, 0, 0, 0]
        #expect(throws: DecodeError(.invalidValue)) { try Transaction(bytes: withFlag2) }
        let withFlag0: [UInt8] = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(throws: DecodeError(.invalidValue)) { try Transaction(bytes: withFlag0) }
        let superfluous: [UInt8] = [2, 0, 0, 0, 0, 1] + [1] + input + [1] + output + [0] + [0, 0, 0, 0]
        #expect(throws: DecodeError(.invalidValue)) { try Transaction(bytes: superfluous) }
        // The same with one (empty) witness item is a real witness: Core's HasWitness counts items.
        let oneEmptyItem: [UInt8] = [2, 0, 0, 0, 0, 1] + [1] + input + [1] + output + [1, 0] + [0, 0, 0, 0]
        let segwit = try Transaction(bytes: oneEmptyItem)
        #expect(segwit.hasWitness)
        #expect(segwit.inputs[0].witness == [[]])
        #expect(segwit.serialized() == oneEmptyItem)
        #expect(segwit.txid == tx.txid)
        #expect(segwit.size == legacy.count + 4)          // marker, flag, stack count, item length
        #expect(segwit.weight == 4 * legacy.count + 4)
    }

    @Test func randomMutationsOfRealTransactionsNeverTrap() throws {
        let raw = try RawBlock(bytes: try BitcoinFixtures.block702861Bytes())
        var rng = SplitMix64(seed: 702_861)
        for _ in 0..<3_000 {
            var bytes = Array(raw.transactionBytes(Int.random(in: 0..<raw.transactions.count, using: &rng)))
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.removeLast(Int.random(in: 0..<min(bytes.count, 40), using: &rng))
                default: bytes.insert(0xff, at: Int.random(in: 0...bytes.count, using: &rng))
                }
                if bytes.isEmpty { break }
            }
            do throws(DecodeError) {
                let tx = try Transaction(bytes: bytes)
                #expect(tx.serialized() == bytes)
            } catch {
                #expect(error.offset.map { $0 <= bytes.count } ?? true)
            }
        }
    }
}
