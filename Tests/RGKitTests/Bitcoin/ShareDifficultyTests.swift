import Testing
@testable import RGKit

@Suite struct ShareDifficultyTests {
    /// bitcoin.md §2.8: exact targets, including D = 1,000,000 where a double would lose the tail.
    @Test(arguments: [
        (UInt64(1), "00000000ffff0000000000000000000000000000000000000000000000000000"),
        (1_024, "00000000003fffc0000000000000000000000000000000000000000000000000"),
        (65_536, "000000000000ffff000000000000000000000000000000000000000000000000"),
        (1_000_000, "00000000000010c6e6d9be4cd74927913e81450efdc9c4da9003eea209aaa3ad"),
    ])
    func integerDifficulty(difficulty: UInt64, target: String) throws {
        #expect(ShareDifficulty.target(difficulty: difficulty)?.bigEndianHex == target)
        #expect(ShareDifficulty.target(difficulty: Double(difficulty))?.bigEndianHex == target)
        #expect(ShareDifficulty.target(numerator: difficulty * 3, denominator: 3)?.bigEndianHex == target)
        let t = try #require(ShareDifficulty.target(difficulty: difficulty))
        #expect(abs(ShareDifficulty.difficulty(ofTarget: t) - Double(difficulty)) <= Double(difficulty) * 1e-15)
    }

    /// Fractional difficulty. Rationals are exact; a Double is taken as the binary fraction it
    /// stores (0.001 is not 1/1000), so its target differs from the rational one in the low bits.
    /// Expected values computed with Python's Fraction.
    @Test func fractionalDifficulty() {
        #expect(ShareDifficulty.target(numerator: 1, denominator: 1_024)?.bigEndianHex
                == "000003fffc000000000000000000000000000000000000000000000000000000")
        #expect(ShareDifficulty.target(numerator: 1, denominator: 1_000)?.bigEndianHex
                == "000003e7fc180000000000000000000000000000000000000000000000000000")
        #expect(ShareDifficulty.target(numerator: 1_000, denominator: 3)?.bigEndianHex
                == "0000000000c49ae147ae147ae147ae147ae147ae147ae147ae147ae147ae147a")
        #expect(ShareDifficulty.target(difficulty: 0.5)?.bigEndianHex
                == "00000001fffe0000000000000000000000000000000000000000000000000000")
        #expect(ShareDifficulty.target(difficulty: 1.5)?.bigEndianHex
                == "00000000aaaa0000000000000000000000000000000000000000000000000000")
        #expect(ShareDifficulty.target(difficulty: 3.3)?.bigEndianHex
                == "000000004d931745d1745e442b04efc794d27cc5e49a4bf3ac8ea27e7583b128")
        #expect(ShareDifficulty.target(difficulty: 0.001)?.bigEndianHex
                == "000003e7fc17fffffffa2405dc00000008c9f735fffffff2d10d2f00000013c6")
        #expect(ShareDifficulty.target(difficulty: 1e-9)?.bigEndianHex
                == "3b9a8e6535fffef481b5fe088151b0791619e09d7e3f36fccfbaa4c14955fdb7")
    }

    @Test func invalidAndExtremeDifficulty() {
        #expect(ShareDifficulty.target(difficulty: UInt64(0)) == nil)
        #expect(ShareDifficulty.target(numerator: 1, denominator: 0) == nil)
        #expect(ShareDifficulty.target(difficulty: 0.0) == nil)
        #expect(ShareDifficulty.target(difficulty: -1.0) == nil)
        #expect(ShareDifficulty.target(difficulty: .nan) == nil)
        #expect(ShareDifficulty.target(difficulty: .infinity) == nil)
        #expect(ShareDifficulty.target(difficulty: 1e-12) == .max)                       // saturates
        #expect(ShareDifficulty.target(difficulty: .leastNonzeroMagnitude) == .max)
        #expect(ShareDifficulty.target(numerator: 1, denominator: .max) == .max)
        #expect(ShareDifficulty.target(difficulty: UInt64.max)?.bigEndianHex
                == "000000000000000000000000ffff000000000000ffff000000000000ffff0000")
        #expect(ShareDifficulty.target(difficulty: 1e80) == .zero)
        #expect(ShareDifficulty.target(difficulty: .greatestFiniteMagnitude) == .zero)
    }

    @Test func difficultyOfAHash() throws {
        // Block 702861's hash beats its network difficulty; python: diff1 / hash = 5758480135129432.0
        let hash = try BlockHash(displayHex: "000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae")
        #expect(ShareDifficulty.difficulty(ofHash: hash) == 5_758_480_135_129_432.0)
        #expect(ShareDifficulty.difficulty(ofHash: hash) > CompactTarget(rawValue: 0x170e_d0eb).difficulty)
        let block1 = try BlockHash(displayHex: "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048")
        #expect(ShareDifficulty.difficulty(ofHash: block1) == 1.945_203_856_255_584_5)
        #expect(ShareDifficulty.difficulty(ofHash: .zero) == .infinity)
        // Meeting a share target is decided by integers: block 1 meets difficulty 1, not 2.
        #expect(block1.meets(target: try #require(ShareDifficulty.target(difficulty: UInt64(1))).littleEndianBytes))
        #expect(!block1.meets(target: try #require(ShareDifficulty.target(difficulty: UInt64(2))).littleEndianBytes))
    }

    @Test func theApproximateDifficultyOfAHashIsWithinAFewUlpsOfTheExactOne() throws {
        var rng = SplitMix64(seed: 2026)
        let real = ["000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae",
                    "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048",
                    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"]
        var hashes = try real.map { try BlockHash(displayHex: $0) }
        for _ in 0..<2_000 {
            var bytes = (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for i in 0..<Int(rng.next() % 30) { bytes[31 - i] = 0 }      // leading zeros, as shares have
            hashes.append(BlockHash(wire: try #require(Bytes32(bytes))))
        }
        for hash in hashes {
            let exact = ShareDifficulty.difficulty(ofHash: hash)
            let approximate = ShareDifficulty.approximateDifficulty(ofHash: hash)
            #expect(abs(approximate - exact) <= 4 * exact.ulp, "\(hash.displayHex)")
        }
        #expect(ShareDifficulty.approximateDifficulty(ofHash: .zero) == .infinity)
    }
}
