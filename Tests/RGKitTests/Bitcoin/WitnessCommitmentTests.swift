import Testing
@testable import RGKit

@Suite struct WitnessCommitmentTests {
    @Test func scriptShapeAndParsing() throws {
        let value = try Bytes32(hex: "71bfcc287cd6271682f35f5fba3963861571e0f186899eb0a41a5ebc360a3faa")
        let commitment = WitnessCommitment(value: value)
        #expect(commitment.scriptPubKey.hex == "6a24aa21a9ed71bfcc287cd6271682f35f5fba3963861571e0f186899eb0a41a5ebc360a3faa")
        #expect(commitment.scriptPubKey.count == 38)
        #expect(WitnessCommitment(scriptPubKey: commitment.scriptPubKey) == commitment)
        // Core accepts extra bytes after the 38th and ignores them.
        #expect(WitnessCommitment(scriptPubKey: Script(commitment.scriptPubKey.bytes + [0x01])) == commitment)
        #expect(WitnessCommitment(scriptPubKey: Script(Array(commitment.scriptPubKey.bytes.dropLast()))) == nil)
        var wrongHeader = commitment.scriptPubKey.bytes
        wrongHeader[5] = 0xee
        #expect(WitnessCommitment(scriptPubKey: Script(wrongHeader)) == nil)
    }

    /// If several outputs match, the last one is the commitment (Core's GetWitnessCommitmentIndex).
    @Test func lastMatchingOutputWins() {
        let first = WitnessCommitment(value: SHA256Hash.hash256([1]))
        let second = WitnessCommitment(value: SHA256Hash.hash256([2]))
        let outputs = [
            TxOut(valueSat: 0, scriptPubKey: first.scriptPubKey),
            TxOut(valueSat: 50, scriptPubKey: Script([0x51])),
            TxOut(valueSat: 0, scriptPubKey: second.scriptPubKey),
            TxOut(valueSat: 0, scriptPubKey: Script([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed])),   // too short
        ]
        #expect(WitnessCommitment.outputIndex(in: outputs) == 2)
        let coinbase = Transaction(version: 2, inputs: [TxIn(prevout: .null, scriptSig: Script([0x51, 0x00]), sequence: .max)],
                                   outputs: outputs, lockTime: 0)
        #expect(coinbase.isCoinbase)
        #expect(WitnessCommitment(coinbase: coinbase) == second)
        #expect(WitnessCommitment.outputIndex(in: [outputs[1]]) == nil)
    }
}
