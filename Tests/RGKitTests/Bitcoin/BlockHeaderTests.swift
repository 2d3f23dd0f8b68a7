import Testing
@testable import RGKit

@Suite struct BlockHeaderTests {
    static let hashes1to11 = [
        "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048",
        "000000006a625f06636b8bb6ac7b960a8d03705d1ace08b1a19da3fdcc99ddbd",
        "0000000082b5015589a3fdf2d4baff403e6f0be035a5d9742c1cae6295464449",
        "000000004ebadb55ee9096c9a2f8880e09da59c0d68b1c228da88e48844a1485",
        "000000009b7262315dbf071787ad3656097b892abffd1f95a1a022f896f533fc",
        "000000003031a0e73735690c5a1ff2a4be82553b2a12b776fbd3a215dc8f778d",
        "0000000071966c2b1d065fd446b1e485b2c9d9594acd2007ccbd5441cfc89444",
        "00000000408c48f847aa786c2268fc3e6ec2af68e8468a34a28c61b7f1de0dc6",
        "000000008d9dc510f23c2657fc4f67bea30078cc05a90eb89e84cc475c080805",
        "000000002c05cc2e78923c34df87fd108b22221ac6076c18f3ade378a4d915e9",
        "0000000097be56d606cdd9c54b04d4747e957d3608abe69198c661f2add73073",
    ]

    /// Mainnet headers 1...11 (btcd): each hash, the chain linkage, proof of work, round trip.
    @Test func mainnetHeaders1to11() throws {
        let lines = try BitcoinFixtures.headers1to11()
        try #require(lines.count == 11)
        var previous = try BlockHash(displayHex: "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        for (i, line) in lines.enumerated() {
            let header = try BlockHeader(hex: line)
            #expect(header.hash.displayHex == Self.hashes1to11[i], "header \(i + 1)")
            #expect(header.prevBlockHash == previous, "header \(i + 1) links to its parent")
            #expect(header.hasValidProofOfWork(), "header \(i + 1)")
            #expect(header.bits == .difficulty1)
            #expect(header.serialized.hex == line)
            previous = header.hash
        }
    }

    @Test func block1Fields() throws {
        let header = try BlockHeader(hex: try BitcoinFixtures.headers1to11()[0])
        #expect(header.version == 1)
        #expect(header.merkleRoot.wireHex == "982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e")
        #expect(header.merkleRoot.displayHex == "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098")
        #expect(header.prevBlockHash.wireHex == "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000")
        #expect(header.time == 1_231_469_665)
        #expect(header.nonce == 2_573_394_689)
    }

    @Test func proofOfWorkFailsForAWrongNonceBadBitsOrAnEasyTargetAboveTheLimit() throws {
        let header = try BlockHeader(hex: try BitcoinFixtures.headers1to11()[0])
        var wrongNonce = header
        wrongNonce.nonce &+= 1
        #expect(!wrongNonce.hasValidProofOfWork())
        for bits: UInt32 in [0x1d80_ffff /* negative */, 0xff12_3456 /* overflow */, 0x1d00_0000 /* zero */, 0x1e00_ffff /* above powLimit */] {
            var bad = header
            bad.bits = CompactTarget(rawValue: bits)
            #expect(!bad.hasValidProofOfWork(), "bits \(bad.bits)")
        }
    }

    @Test func shortOrLongHeaderBytesThrow() throws {
        let bytes = try Hex.decode(try BitcoinFixtures.headers1to11()[0])
        #expect(throws: DecodeError(.truncated)) { try BlockHeader(bytes: Array(bytes.dropLast())) }
        #expect(throws: DecodeError(.trailingBytes)) { try BlockHeader(bytes: bytes + [0]) }
        #expect(throws: DecodeError(.truncated)) { try BlockHeader(bytes: []) }
    }

    @Test func displayHexParsingRefusesBadInput() {
        #expect(throws: DecodeError(.invalidValue)) { try BlockHash(displayHex: "00") }
        #expect(throws: DecodeError(.invalidHex)) { try BlockHash(displayHex: String(repeating: "g", count: 64)) }
        #expect(throws: DecodeError(.invalidHex)) { try Txid(displayHex: String(repeating: "0", count: 63)) }
    }
}
