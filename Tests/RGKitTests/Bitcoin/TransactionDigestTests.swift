import Testing
@testable import RGKit

@Suite struct TransactionDigestTests {
    /// The zero-copy measurer and the full decoder agree on every transaction of block 702861.
    @Test func agreesWithTransactionOnEveryTransactionOfBlock702861() throws {
        let bytes = try BitcoinFixtures.block702861Bytes()
        let block = try Block(bytes: bytes)
        let raw = try RawBlock(bytes: bytes)
        try #require(raw.transactions.count == block.transactions.count)
        for (i, tx) in block.transactions.enumerated() {
            let digest = try TransactionDigest.measure(Array(raw.transactionBytes(i)))
            #expect(digest == raw.transactions[i].digest)
            #expect(digest.txid == tx.txid, "tx \(i)")
            #expect(digest.wtxid == tx.wtxid, "tx \(i)")
            #expect(digest.size == tx.size, "tx \(i)")
            #expect(digest.strippedSize == tx.strippedSize, "tx \(i)")
            #expect(digest.weight == tx.weight, "tx \(i)")
            #expect(digest.vsize == tx.vsize, "tx \(i)")
            #expect(digest.legacySigOpCount == tx.legacySigOpCount, "tx \(i)")
            #expect(digest.hasWitness == tx.hasWitness, "tx \(i)")
            #expect(digest.isCoinbase == tx.isCoinbase, "tx \(i)")
            #expect(digest.inputCount == tx.inputs.count, "tx \(i)")
            #expect(digest.outputCount == tx.outputs.count, "tx \(i)")
        }
    }

    @Test func matchesTheDerivedCSV() throws {
        let raw = try RawBlock(bytes: try BitcoinFixtures.block702861Bytes())
        let rows = try BitcoinFixtures.block702861Rows()
        try #require(rows.count == raw.transactions.count)
        for (entry, row) in zip(raw.transactions, rows) {
            let d = entry.digest
            #expect(d.txid.displayHex == row.txid && d.wtxid.displayHex == row.wtxid
                    && d.strippedSize == row.baseSize && d.size == row.totalSize && d.weight == row.weight
                    && d.vsize == row.vsize && d.legacySigOpCost == row.legacySigopCostX4 && d.hasWitness == row.hasWitness,
                    "tx \(row.index)")
        }
    }

    @Test func emptyAndTruncatedInputThrow() throws {
        #expect(throws: DecodeError(.truncated)) { try TransactionDigest.measure([UInt8]()) }
        let raw = try RawBlock(bytes: try BitcoinFixtures.block702861Bytes())
        let bytes = Array(raw.transactionBytes(3))
        for length in 0..<bytes.count {
            #expect(throws: DecodeError(.truncated)) { try TransactionDigest.measure(Array(bytes[0..<length])) }
        }
        #expect(throws: DecodeError(.trailingBytes)) { try TransactionDigest.measure(bytes + [0]) }
        bytes.withUnsafeBytes { buffer in
            #expect(throws: DecodeError(.truncated)) { try TransactionDigest.measure(buffer, from: -1) }
            #expect(throws: DecodeError(.truncated)) { try TransactionDigest.measure(buffer, from: buffer.count + 1) }
            #expect(throws: DecodeError(.truncated)) { try TransactionDigest.measure(buffer, from: buffer.count) }
        }
    }

    /// Mutated real transactions: the measurer fails exactly when the decoder fails, with the same
    /// error code, and otherwise gives the same values.
    @Test func agreesWithTransactionOnMutatedInput() throws {
        let raw = try RawBlock(bytes: try BitcoinFixtures.block702861Bytes())
        var rng = SplitMix64(seed: 2_459)
        var decoded = 0
        for _ in 0..<4_000 {
            var bytes = Array(raw.transactionBytes(Int.random(in: 0..<raw.transactions.count, using: &rng)))
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.removeLast(Int.random(in: 0..<min(bytes.count, 8), using: &rng))
                case 2: bytes[Int.random(in: 0..<min(bytes.count, 8), using: &rng)] ^= 0x01   // around the marker
                default: bytes.insert(UInt8.random(in: 0xfc...0xff, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
                }
                if bytes.isEmpty { break }
            }
            let viaDecoder: Result<Transaction, DecodeError>
            do throws(DecodeError) { viaDecoder = .success(try Transaction(bytes: bytes)) } catch { viaDecoder = .failure(error) }
            let viaDigest: Result<TransactionDigest, DecodeError>
            do throws(DecodeError) { viaDigest = .success(try TransactionDigest.measure(bytes)) } catch { viaDigest = .failure(error) }
            switch (viaDecoder, viaDigest) {
            case let (.success(tx), .success(d)):
                decoded += 1
                #expect(d.txid == tx.txid && d.wtxid == tx.wtxid && d.weight == tx.weight && d.size == tx.size
                        && d.legacySigOpCount == tx.legacySigOpCount)
            case let (.failure(a), .failure(b)):
                #expect(a.code == b.code && a.offset == b.offset, "decoder: \(a); digest: \(b)")
            default:
                Issue.record("decoder and digest disagree: \(viaDecoder) vs \(viaDigest)")
            }
        }
        #expect(decoded > 0)   // some mutations (script bytes) keep the transaction well-formed
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...120, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do throws(DecodeError) { _ = try TransactionDigest.measure(bytes) } catch { #expect((error.offset ?? 0) <= bytes.count) }
            do throws(DecodeError) { _ = try Transaction(bytes: bytes) } catch { #expect((error.offset ?? 0) <= bytes.count) }
        }
    }
}
