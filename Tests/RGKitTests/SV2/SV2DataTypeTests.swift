import Testing
import RGKit

/// Checks one value against its exact wire bytes, then that every strict prefix is `truncated` and
/// one extra byte is `trailingBytes`.
private func checkWire<T: SV2Codable>(_ value: T, _ hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let bytes = hexBytes(hex)
    #expect(value.sv2Bytes == bytes, "encode", sourceLocation: sourceLocation)
    #expect(try T(sv2Bytes: bytes) == value, "decode", sourceLocation: sourceLocation)
    for cut in 0..<bytes.count {
        #expect(throws: SV2Error(.truncated), "prefix \(cut)", sourceLocation: sourceLocation) {
            try T(sv2Bytes: Array(bytes[..<cut]))
        }
    }
    #expect(throws: SV2Error(.trailingBytes), "trailing", sourceLocation: sourceLocation) { try T(sv2Bytes: bytes + [0]) }
}

@Suite("SV2 data types") struct SV2DataTypeTests {
    @Test func integersAreLittleEndian() throws {
        try checkWire(UInt8(0xAB), "ab")
        try checkWire(UInt16(0x1234), "3412")
        try checkWire(UInt32(0xDEADBEEF), "efbeadde")
        try checkWire(UInt64(0x0102_0304_0506_0708), "0807060504030201")
        var r = SV2Reader(hexBytes("563412"))
        #expect(try r.readU24() == 0x12_3456)
        try r.expectEnd()
        var w = SV2Writer()
        w.writeU24(0xFF_FFFF)
        #expect(w.bytes == [0xFF, 0xFF, 0xFF])
        var short = SV2Reader([1, 2])
        #expect(throws: SV2Error(.truncated)) { try short.readU24() }
        #expect(short.offset == 0, "a failed read does not move the cursor")
    }

    @Test func u24() throws {
        try checkWire(try U24(0x12_3456), "563412")
        try checkWire(U24.max, "ffffff")
        try checkWire(try U24(0), "000000")
        #expect(throws: SV2Error(.valueTooLong)) { try U24(0x100_0000) }
        #expect(throws: SV2Error(.valueTooLong)) { try U24(-1) }
    }

    @Test func u256IsTheRawBytesInOrder() throws {
        let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
        try checkWire(b32(hex), hex)
        // A target compares as a little-endian integer: the last byte is the most significant.
        #expect(b32("ff" + String(repeating: "00", count: 31)) < b32(String(repeating: "00", count: 31) + "01"))
    }

    @Test func f32IsIEEE754LittleEndianAndKeepsEveryBitPattern() throws {
        try checkWire(Float(1e12), "a5d46853")
        try checkWire(Float(2e12), "a5d4e853")
        try checkWire(Float(0), "00000000")
        let negativeZero = try Float(sv2Bytes: hexBytes("00000080"))
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
        #expect(negativeZero.sv2Bytes == hexBytes("00000080"))
        let nan = try Float(sv2Bytes: hexBytes("0100c07f"))        // signalling-style payload
        #expect(nan.isNaN)
        #expect(nan.sv2Bytes == hexBytes("0100c07f"), "NaN payload bits survive a round trip")
        #expect(try Float(sv2Bytes: hexBytes("0000807f")) == .infinity)
    }

    @Test func boolReadsOnlyTheLowBit() throws {
        try checkWire(true, "01")
        try checkWire(false, "00")
        #expect(try Bool(sv2Bytes: [0x02]) == false)
        #expect(try Bool(sv2Bytes: [0xFE]) == false)
        #expect(try Bool(sv2Bytes: [0xFF]) == true)
        #expect(try Bool(sv2Bytes: [0x81]) == true)
    }

    @Test func str0_255() throws {
        try checkWire(Str0_255.empty, "00")
        try checkWire(Str0_255("stale-share"), "0b7374616c652d7368617265")
        try checkWire(Str0_255("é€🙂"), "09c3a9e282acf09f9982")
        let longest = try Str0_255(String(repeating: "a", count: 255))
        try checkWire(longest, "ff" + String(repeating: "61", count: 255))
        // Above the maximum: refused when built (the U8 prefix cannot even say 256 on the wire).
        #expect(throws: SV2Error(.valueTooLong)) { try Str0_255(String(repeating: "a", count: 256)) }
        #expect(throws: SV2Error(.valueTooLong)) { try Str0_255(String(repeating: "é", count: 128)) }   // 256 bytes
        // A declared length past the end is truncated, even at the prefix's maximum.
        #expect(throws: SV2Error(.truncated)) { try Str0_255(sv2Bytes: [0xFF] + Array(repeating: 0x61, count: 254)) }
    }

    @Test(arguments: [
        ("ff", "a lone 0xFF"),
        ("c080", "overlong NUL"),
        ("e282", "cut-off 3-byte sequence"),
        ("eda080", "UTF-16 surrogate U+D800"),
        ("f4908080", "above U+10FFFF"),
        ("80", "lone continuation byte"),
    ])
    func str0_255RefusesInvalidUTF8(hex: String, what: String) {
        let raw = hexBytes(hex)
        #expect(throws: SV2Error(.invalidUTF8), "\(what)") { try Str0_255(sv2Bytes: [UInt8(raw.count)] + raw) }
        #expect(throws: SV2Error(.invalidUTF8), "\(what)") { try Str0_255(utf8: raw) }
    }

    @Test func str0_255EqualityIsByteEquality() throws {
        let composed = Str0_255("\u{E9}")          // é as one scalar
        let decomposed = Str0_255("e\u{301}")      // e + combining acute
        #expect(composed.string == decomposed.string, "Swift String says these are equal…")
        #expect(composed != decomposed, "…but on the wire they are different identities")
        #expect(try Str0_255(sv2Bytes: decomposed.sv2Bytes).utf8 == Array("e\u{301}".utf8))
    }

    @Test func b0_32RefusesADeclaredLengthAbove32() throws {
        try checkWire(B0_32.empty, "00")
        try checkWire(B0_32([1, 2, 3, 4]), "0401020304")
        try checkWire(try B0_32([UInt8](repeating: 7, count: 32)), "20" + String(repeating: "07", count: 32))
        let e = #expect(throws: SV2Error(.lengthTooLarge)) {
            try B0_32(sv2Bytes: [33] + [UInt8](repeating: 0, count: 33))
        }
        #expect(e?.offset == 0)
        // The limit is checked before the bytes are looked for: 0xFF with nothing after is too large, not truncated.
        #expect(throws: SV2Error(.lengthTooLarge)) { try B0_32(sv2Bytes: [0xFF]) }
        #expect(throws: SV2Error(.valueTooLong)) { try B0_32([UInt8](repeating: 0, count: 33)) }
    }

    @Test func b0_255() throws {
        try checkWire(B0_255([0xAA]), "01aa")
        try checkWire(try B0_255([UInt8](repeating: 1, count: 255)), "ff" + String(repeating: "01", count: 255))
        #expect(throws: SV2Error(.valueTooLong)) { try B0_255([UInt8](repeating: 0, count: 256)) }
    }

    @Test func b0_64K() throws {
        try checkWire(B0_64K.empty, "0000")
        try checkWire(B0_64K([1, 2, 3]), "0300010203")
        let longest = try B0_64K([UInt8](repeating: 9, count: 0xFFFF))
        #expect(longest.sv2Bytes.count == 2 + 0xFFFF)
        #expect(try B0_64K(sv2Bytes: longest.sv2Bytes) == longest)
        #expect(throws: SV2Error(.valueTooLong)) { try B0_64K([UInt8](repeating: 0, count: 0x1_0000)) }
        // Declared 65535 with 3 bytes present: refused before anything is read or allocated.
        let e = #expect(throws: SV2Error(.truncated)) { try B0_64K(sv2Bytes: [0xFF, 0xFF, 1, 2, 3]) }
        #expect(e?.offset == 0, "refused at the prefix, not while copying")
    }

    @Test func b0_16M() throws {
        try checkWire(B0_16M.empty, "000000")
        try checkWire(B0_16M([0xAB, 0xCD]), "020000abcd")
        #expect(throws: SV2Error(.valueTooLong)) { try B0_16M([UInt8](repeating: 0, count: 0x100_0000)) }
        let e = #expect(throws: SV2Error(.truncated)) { try B0_16M(sv2Bytes: [0xFF, 0xFF, 0xFF, 0]) }
        #expect(e?.offset == 0)
    }

    @Test func optionAcceptsOnlyCountsZeroAndOne() throws {
        try checkWire(UInt32?.none, "00")
        try checkWire(UInt32?.some(1_700_000_000), "0100f15365")
        for count in [2, 3, 0x7F, 0x80, 0xFF] as [UInt8] {
            let e = #expect(throws: SV2Error(.invalidOption), "count \(count)") {
                try UInt32?(sv2Bytes: [count, 0, 0, 0, 0])
            }
            #expect(e?.offset == 0)
        }
        #expect(throws: SV2Error(.truncated)) { try UInt32?(sv2Bytes: [1, 0, 0]) }
    }

    @Test func seq0_255() throws {
        try checkWire(Seq0_255<Bytes32>([]), "00")
        let two: Seq0_255<Bytes32> = [b32(String(repeating: "11", count: 32)), b32(String(repeating: "22", count: 32))]
        try checkWire(two, "02" + String(repeating: "11", count: 32) + String(repeating: "22", count: 32))
        #expect(throws: SV2Error(.valueTooLong)) { try Seq0_255((0..<256).map { UInt32($0) }) }
        // 255 U256s declared, 64 bytes present: refused from the count, before reserving 255 slots.
        let e = #expect(throws: SV2Error(.truncated)) {
            try Seq0_255<Bytes32>(sv2Bytes: [0xFF] + [UInt8](repeating: 0, count: 64))
        }
        #expect(e?.offset == 0)
    }

    @Test func seq0_64K() throws {
        try checkWire(Seq0_64K<UInt32>([]), "0000")
        try checkWire(Seq0_64K<UInt32>([7, 8]), "02000700000008000000")
        let longest = try Seq0_64K((0..<0xFFFF).map { UInt32($0) })
        #expect(try Seq0_64K<UInt32>(sv2Bytes: longest.sv2Bytes) == longest)
        #expect(throws: SV2Error(.valueTooLong)) { try Seq0_64K((0..<0x1_0000).map { UInt32($0) }) }
        let e = #expect(throws: SV2Error(.truncated)) { try Seq0_64K<UInt32>(sv2Bytes: [0xFF, 0xFF] + [UInt8](repeating: 0, count: 8)) }
        #expect(e?.offset == 0)
        // Elements that are themselves bounded: each one's limit still applies.
        #expect(throws: SV2Error(.lengthTooLarge)) { try Seq0_255<B0_32>(sv2Bytes: [1, 33] + [UInt8](repeating: 0, count: 33)) }
        // Nested options: a bad count deep inside a sequence is found.
        #expect(throws: SV2Error(.invalidOption)) { try Seq0_255<UInt32?>(sv2Bytes: [2, 0, 2]) }
    }

    @Test func fixedSizePublicKeyAndSignature() throws {
        let keyHex = "76637000979c1c11af0c300bcd8c7fe48610fce9b9c11e3daee35ae0b08a7455"
        try checkWire(SV2PublicKey(xOnly: b32(keyHex)), keyHex)
        let sigHex = String(repeating: "ab", count: 32) + String(repeating: "cd", count: 32)
        let sig = try SV2Signature(hexBytes(sigHex))
        try checkWire(sig, sigHex)
        #expect(sig.bytes == hexBytes(sigHex))
        #expect(throws: SV2Error(.valueTooLong)) { try SV2Signature([UInt8](repeating: 0, count: 63)) }
        #expect(throws: SV2Error(.valueTooLong)) { try SV2Signature([UInt8](repeating: 0, count: 65)) }
    }

    @Test func readerChecksTheLimitBeforeTheRemainingBytes() {
        // U24 prefix announcing 16 MiB − 1 against a smaller limit: lengthTooLarge, not truncated.
        var r = SV2Reader([0xFF, 0xFF, 0xFF])
        #expect(throws: SV2Error(.lengthTooLarge)) { try r.readLength(prefixSize: 3, max: 1 << 16, "test") }
        var r2 = SV2Reader([0x10, 0, 0])
        #expect(throws: SV2Error(.truncated)) { try r2.readLength(prefixSize: 3, max: 1 << 16, minElementSize: 4, "test") }
        var r3 = SV2Reader([])
        #expect(throws: SV2Error(.lengthTooLarge)) { try r3.readBytes(-1) }
    }
}
