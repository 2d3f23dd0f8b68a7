import Testing
@testable import RGKit

@Suite struct ScriptTests {
    @Test(arguments: [
        ("76a91489abcdefabbaabbaabbaabbaabbaabbaabbaabba88ac", 1, 1),           // P2PKH
        ("00143156afc4249915008020f932783319f3e610b97d", 0, 0),                 // P2WPKH
        ("5221" + String(repeating: "02", count: 33) + "21" + String(repeating: "03", count: 33) + "52ae", 20, 2), // 2-of-2 bare multisig
        ("ad", 1, 1), ("ae", 20, 20), ("af", 20, 20), ("60af", 20, 16), ("4fae", 20, 20), // OP_1NEGATE is not OP_N
        ("ac4c", 1, 1),          // PUSHDATA1 without its length byte: counting stops after CHECKSIG
        ("4c05ac", 0, 0),        // push of 5 bytes with 1 left: stops at once
        ("ac02acac", 1, 1),      // CHECKSIG, then a push that carries two CHECKSIG bytes as data
        ("ac4d0100ac", 1, 1),    // PUSHDATA2 of one byte
        ("ac4e01000000acac", 2, 2), // PUSHDATA4 of one byte, then a real CHECKSIG
        ("ac4e01000000", 1, 1),  // PUSHDATA4 running past the end
        ("", 0, 0),
    ])
    func sigOpCounting(hex: String, legacy: Int, accurate: Int) throws {
        let script = try Script(hex: hex)
        #expect(script.sigOpCount() == legacy)
        #expect(script.sigOpCount(accurate: true) == accurate)
    }

    @Test func operationsAndMalformedPushes() throws {
        var ops = try Script(hex: "0002abcd4c01ff76ac4d0500aa").operations
        #expect(ops.next() == ScriptOperation(opcode: 0x00, pushRange: 1..<1))
        #expect(ops.next() == ScriptOperation(opcode: 0x02, pushRange: 2..<4))
        #expect(ops.next() == ScriptOperation(opcode: 0x4c, pushRange: 6..<7))
        #expect(ops.next() == ScriptOperation(opcode: 0x76, pushRange: nil))
        #expect(ops.next() == ScriptOperation(opcode: 0xac, pushRange: nil))
        #expect(!ops.isMalformed)
        #expect(ops.next() == nil)   // PUSHDATA2 of 5 bytes with 1 left
        #expect(ops.isMalformed)
        #expect(ops.next() == nil)

        var clean = try Script(hex: "51").operations
        #expect(clean.next()?.opcode == 0x51)
        #expect(clean.next() == nil)
        #expect(!clean.isMalformed)
    }

    /// Legacy sigop counts of the whole block agree with the derived CSV (× 4), summed.
    @Test func block702861LegacySigopTotal() throws {
        let block = try Block(bytes: try BitcoinFixtures.block702861Bytes())
        let rows = try BitcoinFixtures.block702861Rows()
        #expect(block.transactions.reduce(0) { $0 + $1.legacySigOpCost } == rows.reduce(0) { $0 + $1.legacySigopCostX4 })
    }
}
