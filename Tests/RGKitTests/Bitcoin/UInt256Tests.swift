import Testing
@testable import RGKit

@Suite struct UInt256Tests {
    @Test func bytesAndHex() throws {
        let hex = "00000000000010c6e6d9be4cd74927913e81450efdc9c4da9003eea209aaa3ad"
        let value = try UInt256(bigEndianHex: hex)
        #expect(value.bigEndianHex == hex)
        #expect(value.littleEndianBytes.reversed.hex == hex)
        #expect(UInt256(littleEndian: value.littleEndianBytes) == value)
        #expect(try UInt256(bigEndianHex: "1") == UInt256(1))
        #expect(throws: DecodeError(.invalidValue)) { try UInt256(bigEndianHex: String(repeating: "0", count: 65)) }
    }

    @Test func comparisonMatchesBytes32() throws {
        var rng = SplitMix64(seed: 256)
        for _ in 0..<1_000 {
            let a = UInt256(l0: rng.next(), l1: rng.next() >> 60, l2: rng.next() & 1, l3: rng.next() >> 62)
            let b = UInt256(l0: rng.next(), l1: rng.next() >> 60, l2: rng.next() & 1, l3: rng.next() >> 62)
            #expect((a < b) == (a.littleEndianBytes < b.littleEndianBytes))
        }
    }

    @Test func shifts() throws {
        let one = UInt256(1)
        #expect((one << 255).bigEndianHex == "8" + String(repeating: "0", count: 63))
        #expect((one << 256) == .zero)
        #expect((one << 64) == UInt256(l0: 0, l1: 1, l2: 0, l3: 0))
        #expect(((one << 200) >> 200) == one)
        #expect((UInt256.max >> 255) == one)
        #expect((UInt256.max >> 256) == .zero)
        let x = try UInt256(bigEndianHex: "0123456789abcdeffedcba98765432100f1e2d3c4b5a69788796a5b4c3d2e1f0")
        // A shift by s equals s shifts by one bit (which only ever moves bits between neighbours).
        for s in [1, 7, 63, 64, 65, 100, 128, 191, 200, 255] {
            var left = x, right = x
            for _ in 0..<s { left = left << 1; right = right >> 1 }
            #expect(x << s == left, "<< \(s)")
            #expect(x >> s == right, ">> \(s)")
            #expect((x >> s) << s <= x)
        }
        #expect((x << 4).bigEndianHex == "123456789abcdeffedcba98765432100f1e2d3c4b5a69788796a5b4c3d2e1f00")
        #expect((x >> 4).bigEndianHex == "00123456789abcdeffedcba98765432100f1e2d3c4b5a69788796a5b4c3d2e1f")
        #expect((x >> 68).bigEndianHex == "000000000000000000123456789abcdeffedcba98765432100f1e2d3c4b5a697")   // python
    }

    @Test func multiplyAndDivideByAWord() throws {
        let x = try UInt256(bigEndianHex: "00000000ffff0000000000000000000000000000000000000000000000000000")
        let (q, r) = try #require(x.quotientAndRemainder(dividingBy: 1_000_000))
        #expect(q.bigEndianHex == "00000000000010c6e6d9be4cd74927913e81450efdc9c4da9003eea209aaa3ad")
        let (back, overflow) = q.multipliedFullWidth(by: 1_000_000)
        #expect(overflow == 0)
        #expect(back.quotientAndRemainder(dividingBy: 1)?.quotient == back)
        #expect(UInt256.max.multipliedFullWidth(by: 2).overflow == 1)
        #expect(UInt256.max.multipliedFullWidth(by: 2).product == UInt256.max << 1)
        #expect(x.quotientAndRemainder(dividingBy: 0) == nil)
        // q × d + r = x
        #expect(back.addingReportingOverflow(UInt256(r)) == (x, false))
        #expect(x.subtractingReportingOverflow(back) == (UInt256(r), false))
        #expect(UInt256.zero.subtractingReportingOverflow(UInt256(1)) == (.max, true))
        #expect(UInt256.max.addingReportingOverflow(UInt256(1)) == (.zero, true))
    }

    @Test func divisionByA256BitNumber() throws {
        let diff1 = ShareDifficulty.difficulty1Target
        let hash = try UInt256(bigEndianHex: "000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae")
        let (q, r) = try #require(diff1.quotientAndRemainder(dividingBy: hash))
        #expect(q == UInt256(5_758_480_135_129_432))    // python: diff1 // hash
        #expect(r < hash)
        #expect(diff1.quotientAndRemainder(dividingBy: .zero) == nil)
        #expect(try #require(UInt256.max.quotientAndRemainder(dividingBy: .max)) == (UInt256(1), .zero))
        #expect(try #require(UInt256(7).quotientAndRemainder(dividingBy: UInt256.max)) == (.zero, UInt256(7)))
        // Agrees with division by a word.
        var rng = SplitMix64(seed: 9)
        for _ in 0..<200 {
            let n = UInt256(l0: rng.next(), l1: rng.next(), l2: rng.next(), l3: rng.next())
            let d = rng.next() | 1
            let (qw, rw) = try #require(n.quotientAndRemainder(dividingBy: d))
            let (qb, rb) = try #require(n.quotientAndRemainder(dividingBy: UInt256(d)))
            #expect(qw == qb && UInt256(rw) == rb)
        }
    }

    @Test func doubleConversionRoundsToNearest() throws {
        #expect(UInt256(0).doubleValue == 0)
        #expect(UInt256(12_345).doubleValue == 12_345)
        #expect((UInt256(1) << 200).doubleValue == 0x1p200)
        #expect(UInt256.max.doubleValue == 0x1p256)
        // 2^64 + 1 is not representable: nearest is 2^64. (2^53 + 1) × 2^100 rounds to even (down);
        // (2^53 + 1) × 2^100 + 1 is above the halfway point and rounds up.
        #expect(((UInt256(1) << 64)).doubleValue == 0x1p64)
        let halfway = UInt256((1 << 53) + 1) << 100
        #expect(halfway.doubleValue == 0x1p153)
        var above = halfway
        above.l0 |= 1
        #expect(above.doubleValue == 0x1p153 + 0x1p101)
    }
}
