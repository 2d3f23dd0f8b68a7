import Testing
@testable import RGKit

@Suite struct CompactTargetTests {
    @Test func difficulty1() throws {
        let target = try #require(CompactTarget.difficulty1.targetValue)
        #expect(target.bigEndianHex == "00000000ffff0000000000000000000000000000000000000000000000000000")
        #expect(CompactTarget.difficulty1.target?.hex == "0000000000000000000000000000000000000000000000000000ffff00000000")
        #expect(target == ShareDifficulty.difficulty1Target)
        #expect(CompactTarget(target: target) == .difficulty1)
        #expect(CompactTarget.difficulty1.difficulty == 1)
    }

    /// nBits of the real blocks and templates: decode, re-encode, difficulty (bitcoin.md §2.8).
    @Test(arguments: [
        (UInt32(0x170e_d0eb), 18_997_641_161_758.953),
        (0x1a06_d450, 2_456_598.439_924_212_6),
        (0x1b04_864c, 14_484.162_361_225_399),
        (0x1703_4219, 86_388_558_925_171.02),
        (0x1d00_ffff, 1.0),
    ])
    func realBitsRoundTripAndGiveTheKnownDifficulty(bits: UInt32, difficulty: Double) throws {
        let compact = CompactTarget(rawValue: bits)
        let target = try #require(compact.targetValue)
        #expect(CompactTarget(target: target) == compact)
        #expect(CompactTarget(target: target.littleEndianBytes) == compact)
        #expect(compact.difficulty == difficulty)
        // Core's float loop and the exact quotient agree for these (one rounding either way).
        #expect(ShareDifficulty.difficulty(ofTarget: target) == difficulty)
    }

    @Test func gbtHexForm() throws {
        let bits = try CompactTarget(hex: "1a06d450")
        #expect(bits.rawValue == 0x1a06_d450)
        #expect(bits.hex == "1a06d450")
        #expect(bits.rawValue == 436_655_184)
        #expect(try CompactTarget(hex: "1d00ffff") == .difficulty1)
        #expect(throws: DecodeError(.invalidValue)) { try CompactTarget(hex: "1d00ff") }
        #expect(throws: DecodeError(.invalidHex)) { try CompactTarget(hex: "1d00ffzz") }
    }

    @Test func regtestTarget() throws {
        let target = try #require(CompactTarget(rawValue: 0x207f_ffff).targetValue)
        #expect(target.bigEndianHex == "7fffff0000000000000000000000000000000000000000000000000000000000")
        #expect(!(Network.regtest.powLimit < target))
        #expect(Network.mainnet.powLimit < target)
    }

    /// The SetCompact / GetCompact cases of Bitcoin Core's arith_uint256 tests: zero mantissas,
    /// the sign bit, small exponents that shift the mantissa out, and overflow.
    @Test(arguments: [
        // bits, expanded (big-endian hex, leading zeros dropped), negative, overflow, GetCompact of the value
        (UInt32(0x0000_0000), "0", false, false, UInt32(0)),
        (0x0012_3456, "0", false, false, 0),
        (0x0100_3456, "0", false, false, 0),
        (0x0200_0056, "0", false, false, 0),
        (0x0300_0000, "0", false, false, 0),
        (0x0400_0000, "0", false, false, 0),
        (0x0092_3456, "0", false, false, 0),
        (0x0180_3456, "0", false, false, 0),
        (0x0280_0056, "0", false, false, 0),
        (0x0380_0000, "0", false, false, 0),
        (0x0480_0000, "0", false, false, 0),
        (0x0112_3456, "12", false, false, 0x0112_0000),
        (0x01fe_dcba, "7e", true, false, 0x017e_0000),
        (0x0212_3456, "1234", false, false, 0x0212_3400),
        (0x0312_3456, "123456", false, false, 0x0312_3456),
        (0x0412_3456, "12345600", false, false, 0x0412_3456),
        (0x0492_3456, "12345600", true, false, 0x0412_3456),
        (0x0500_9234, "92340000", false, false, 0x0500_9234),
        (0x2012_3456, "1234560000000000000000000000000000000000000000000000000000000000", false, false, 0x2012_3456),
    ])
    func coreArithUint256CompactCases(bits: UInt32, value: String, negative: Bool, overflow: Bool, compact: UInt32) throws {
        let e = CompactTarget(rawValue: bits).expanded
        #expect(e.target == (try UInt256(bigEndianHex: value)))
        #expect(e.isNegative == negative)
        #expect(e.isOverflow == overflow)
        #expect(CompactTarget(target: e.target).rawValue == compact)
        if negative || e.target.isZero { #expect(CompactTarget(rawValue: bits).targetValue == nil) }
    }

    @Test func overflowIsReportedAndRefused() {
        for bits: UInt32 in [0xff12_3456, 0x2300_0001, 0x2200_0100, 0x2101_0000] {
            let compact = CompactTarget(rawValue: bits)
            #expect(compact.expanded.isOverflow, "\(compact)")
            #expect(compact.targetValue == nil)
            #expect(compact.target == nil)
        }
        // The largest exponents that still fit: 0x22 with a 1-byte mantissa, 0x21 with 2 bytes.
        #expect(!CompactTarget(rawValue: 0x2200_00ff).expanded.isOverflow)
        #expect(!CompactTarget(rawValue: 0x2100_ffff).expanded.isOverflow)
        #expect(CompactTarget(rawValue: 0x2200_00ff).targetValue?.bigEndianHex == "ff" + String(repeating: "0", count: 62))
    }

    /// GetCompact moves the mantissa down a byte when its top bit would read as the sign.
    @Test func encodingAvoidsTheSignBit() throws {
        #expect(CompactTarget(target: UInt256(0x80)).rawValue == 0x0200_8000)
        #expect(CompactTarget(target: try UInt256(bigEndianHex: "ff" + String(repeating: "0", count: 56))).rawValue == 0x1e00_ff00)
        #expect(CompactTarget(target: UInt256.zero).rawValue == 0)
        // Lossy: only the top 3 significant bytes survive.
        let full = try UInt256(bigEndianHex: "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
        #expect(CompactTarget(target: full).rawValue == 0x1d00_ffff)
    }
}
