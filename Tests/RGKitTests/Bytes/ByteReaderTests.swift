import Testing
@testable import RGKit

@Suite struct ByteReaderTests {
    @Test func compactSizeRoundTripsAtEveryWidthBoundary() throws {
        for value in [0, 1, 0xFC, 0xFD, 0xFFFF, 0x1_0000, 0xFFFF_FFFF, 0x1_0000_0000] {
            var writer = ByteWriter()
            writer.writeCompactSize(value)
            #expect(writer.count == ByteWriter.compactSizeLength(value))
            var reader = ByteReader(writer.bytes)
            #expect(try reader.readCompactSize(limit: Int.max) == value)
            try reader.expectEnd()
        }
    }

    @Test func nonMinimalCompactSizeIsRefused() {
        var reader = ByteReader([0xFD, 0x10, 0x00])
        #expect(throws: DecodeError(.nonMinimal)) { try reader.readCompactSize(limit: 1000) }
    }

    @Test func compactSizeAboveLimitIsRefusedBeforeReadingThePayload() {
        var reader = ByteReader([0xFE, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(throws: DecodeError(.tooLarge)) { try reader.readCompactSize(limit: 4_000_000) }
    }

    @Test func truncatedReadsThrowWithTheOffset() {
        var reader = ByteReader([1, 2, 3])
        #expect(throws: DecodeError(.truncated)) { try reader.readLE(UInt32.self) }
        #expect(reader.offset == 0)
    }

    @Test func hexRoundTripsAndRejectsBadDigits() throws {
        #expect(try Hex.decode("00ffA0") == [0x00, 0xFF, 0xA0])
        #expect(Hex.encode([0x00, 0xFF, 0xA0]) == "00ffa0")
        #expect(throws: DecodeError(.invalidHex)) { try Hex.decode("0g") }
        #expect(throws: DecodeError(.invalidHex)) { try Hex.decode("abc") }
    }

    @Test func sha256dOfTheEmptyStringMatchesTheKnownValue() {
        #expect(SHA256Hash.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hash.hash256([UInt8]()).hex == "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456")
    }
}
