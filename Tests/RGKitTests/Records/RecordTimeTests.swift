import Testing
@testable import RGKit

@Suite struct RecordTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_764_000_000_000, "2025-11-24T16:00:00.000Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (1_709_164_800_123, "2024-02-29T00:00:00.123Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func formatsUTCWithMilliseconds(ms: Int64, text: String) {
        #expect(RecordTime.rfc3339(ms: ms) == text)
        #expect(RecordTime.parseRFC3339(text) == ms)
    }

    @Test func parsesOffsetsFractionsAndSeparators() {
        #expect(RecordTime.parseRFC3339("2025-11-24T18:00:00+02:00") == 1_764_000_000_000)
        #expect(RecordTime.parseRFC3339("2025-11-24t16:00:00z") == 1_764_000_000_000)
        #expect(RecordTime.parseRFC3339("2025-11-24 16:00:00Z") == 1_764_000_000_000)
        #expect(RecordTime.parseRFC3339("2025-11-24T12:30:00-03:30") == 1_764_000_000_000)
        #expect(RecordTime.parseRFC3339("2024-02-29T12:30:15.123456789Z") == 1_709_209_815_123)   // truncated to ms
        #expect(RecordTime.parseRFC3339("2024-02-29T12:30:15.1Z") == 1_709_209_815_100)
        #expect(RecordTime.parseRFC3339("2025-11-24") == 1_763_942_400_000)
    }

    @Test(arguments: ["2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-11-24T24:00:00Z", "2025-11-24T16:00:00",
                      "2025-11-24T16:00Z", "2025-11-24T16:00:00.Z", "2025-11-24T16:00:00+2:00", "2025-11-24T16:00:00Zjunk", "25-11-24"])
    func refusesMalformedTimestamps(_ text: String) {
        #expect(RecordTime.parseRFC3339(text) == nil)
    }

    @Test func boundsAcceptDurationsMillisecondsAndTimestamps() throws {
        let now: Int64 = 1_764_000_000_000
        #expect(try RecordTime.parseBound("90s", nowMs: now) == now - 90_000)
        #expect(try RecordTime.parseBound("15m", nowMs: now) == now - 900_000)
        #expect(try RecordTime.parseBound("24h", nowMs: now) == now - 86_400_000)
        #expect(try RecordTime.parseBound("7d", nowMs: now) == now - 604_800_000)
        #expect(try RecordTime.parseBound("1763000000000", nowMs: now) == 1_763_000_000_000)
        #expect(try RecordTime.parseBound("0", nowMs: now) == 0)
        #expect(try RecordTime.parseBound(" 2025-11-24T16:00:00Z ", nowMs: now) == now)
    }

    @Test(arguments: ["", "1764000000", "24x", "h", "-5m", "99999999999999999999d", "yesterday"])
    func boundsRefuseWhatTheyCannotRead(_ text: String) {
        #expect(throws: RecordTime.ParseError.self) { try RecordTime.parseBound(text, nowMs: 1_764_000_000_000) }
    }

    @Test func unixSecondsAreCalledOut() {
        do {
            _ = try RecordTime.parseBound("1764000000", nowMs: 0)
            Issue.record("accepted seconds as milliseconds")
        } catch {
            #expect(error.description.contains("looks like Unix seconds"))
        }
    }

    @Test func formattingAndParsingAgreeAcrossCenturies() throws {
        var ms: Int64 = -2_208_988_800_000            // 1900-01-01
        while ms < 4_102_444_800_000 {                // 2100-01-01
            #expect(RecordTime.parseRFC3339(RecordTime.rfc3339(ms: ms)) == ms)
            ms += 86_400_000 * 37 + 3_723_456
        }
    }
}

@Suite struct FixedDecimalTests {
    @Test func printsExactlyTheAskedDigits() {
        #expect(FixedDecimal.format(0.975, fractionDigits: 6) == "0.975000")
        #expect(FixedDecimal.format(1.0 / 3.0, fractionDigits: 6) == "0.333333")
        #expect(FixedDecimal.format(2.0 / 3.0, fractionDigits: 6) == "0.666667")
        #expect(FixedDecimal.format(12.5, fractionDigits: 1) == "12.5")
        #expect(FixedDecimal.format(1_000_000.25, fractionDigits: 2) == "1000000.25")
        #expect(FixedDecimal.format(0.05, fractionDigits: 2) == "0.05")
        #expect(FixedDecimal.format(-1.5, fractionDigits: 3) == "-1.500")
    }

    @Test func roundsHalfAwayFromZeroAndNeverPrintsNegativeZero() {
        #expect(FixedDecimal.format(2.5, fractionDigits: 0) == "3")
        #expect(FixedDecimal.format(-2.5, fractionDigits: 0) == "-3")
        #expect(FixedDecimal.format(-0.0000001, fractionDigits: 6) == "0.000000")
        #expect(FixedDecimal.format(-0.0, fractionDigits: 2) == "0.00")
    }

    @Test func nonFiniteHasNoText() {
        #expect(FixedDecimal.format(.nan, fractionDigits: 6) == nil)
        #expect(FixedDecimal.format(.infinity, fractionDigits: 6) == nil)
    }
}
