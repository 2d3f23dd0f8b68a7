import Testing
@testable import RGKit

@Suite struct FieldElementTests {
    static let pMinusOne = FieldElement(l0: 0xFFFF_FFFE_FFFF_FC2E, l1: .max, l2: .max, l3: .max)

    /// Multiplication by double-and-add using only `+`, an independent check of the 512-bit product
    /// and its reduction.
    static func slowMultiply(_ a: FieldElement, _ b: FieldElement) -> FieldElement {
        var result = FieldElement.zero
        var addend = a
        for limb in [b.l0, b.l1, b.l2, b.l3] {
            for bit in 0..<64 {
                if (limb >> UInt64(bit)) & 1 == 1 { result = result + addend }
                addend = addend + addend
            }
        }
        return result
    }

    static func random(_ rng: inout SeededGenerator) -> FieldElement {
        FieldElement(bigEndian: rng.nextBytes32())
    }

    @Test func bytesAtOrAboveTheModulusAreReduced() {
        let p = TestBytes.bytes32("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
        #expect(FieldElement(bigEndian: p) == .zero)
        #expect(FieldElement(canonicalBigEndian: p) == nil)
        let max = TestBytes.bytes32(String(repeating: "f", count: 64))
        #expect(FieldElement(bigEndian: max) == FieldElement(0x1_0000_03D0))   // 2^256 − 1 − p
        #expect(FieldElement(bigEndian: FieldElement(12345).bigEndianBytes) == FieldElement(12345))
    }

    @Test func additionAndSubtractionWrapAtTheModulus() {
        #expect(Self.pMinusOne + .one == .zero)
        #expect(FieldElement.zero - .one == Self.pMinusOne)
        #expect(Self.pMinusOne + Self.pMinusOne == Self.pMinusOne - .one)
        #expect(-FieldElement.zero == .zero)
        #expect(Self.pMinusOne * Self.pMinusOne == .one)                     // (−1)² = 1
    }

    @Test func multiplicationAgreesWithDoubleAndAdd() {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<300 {
            let a = Self.random(&rng), b = Self.random(&rng)
            #expect(a * b == Self.slowMultiply(a, b))
            #expect(a.squared() == a * a)
        }
        // Limb patterns that stress carries.
        let edge = [FieldElement.zero, .one, Self.pMinusOne, FieldElement(l0: .max, l1: .max, l2: .max, l3: 0),
                    FieldElement(l0: 0, l1: 0, l2: 0, l3: 1 << 63), FieldElement(0x1_0000_03D1)]
        for a in edge { for b in edge { #expect(a * b == Self.slowMultiply(a, b)) } }
    }

    @Test func inverseAndSquareRootObeyTheirDefinitions() {
        var rng = SeededGenerator(seed: 2)
        var squares = 0
        for _ in 0..<200 {
            let a = Self.random(&rng)
            #expect(a * a.inverse() == .one)
            let root = a.squared().squareRoot()
            #expect(root?.squared() == a.squared())
            if let r = a.squareRoot() { squares += 1; #expect(r.squared() == a) }
        }
        #expect((60...140).contains(squares))                   // about half are squares
        #expect((-FieldElement.one).squareRoot() == nil)        // p ≡ 3 (mod 4)
        #expect(FieldElement.zero.squareRoot() == .zero)
    }

    @Test func ellSwiftConstantsMatchTheirDefinitions() {
        let minus3 = -FieldElement(3)
        #expect(EllSwift.sqrtMinus3.squared() == minus3)
        #expect(minus3.squareRoot() == EllSwift.sqrtMinus3)     // the root BIP-324's reference picks
        #expect(EllSwift.sqrtMinus3.bigEndianBytes.hex == "0a2d2ba93507f1df233770c2a797962cc61f6d15da14ecd47d8d27ae1cd5f852")
        #expect(EllSwift.half + EllSwift.half == .one)
        #expect(EllSwift.c1 == (EllSwift.sqrtMinus3 - .one) * EllSwift.half)
    }

    @Test func aboutHalfOfAllXAreOnTheCurve() throws {
        let gx = try #require(FieldElement(canonicalBigEndian: TestBytes.bytes32("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")))
        #expect(gx.isValidX)                                    // the generator's x
        let valid = (1...200).filter { FieldElement(UInt64($0)).isValidX }.count
        #expect((70...130).contains(valid))
    }
}
