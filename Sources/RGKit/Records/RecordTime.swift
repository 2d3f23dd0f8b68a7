#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions between the record contract's Unix milliseconds and what people type or read:
/// RFC 3339 timestamps (UTC, `2025-11-24T16:00:00.000Z`) and durations back from now (`24h`).
/// Pure arithmetic on the proleptic Gregorian calendar: no locale, no time zone database, no
/// Foundation, so the same input gives the same output on every machine.
public enum RecordTime {
    public static let msPerSecond: Int64 = 1_000
    public static let msPerDay: Int64 = 86_400_000

    /// Why a time bound was refused; the message names the accepted forms.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let input: String
        public let reason: String
        public var description: String {
            "\"\(input)\": \(reason); use a duration back from now (90s, 15m, 24h, 7d), Unix milliseconds (1764000000000) or RFC 3339 (2025-11-24T16:00:00Z)"
        }
    }

    /// The wall clock in Unix milliseconds (what `verified_ms` and `--since 24h` are relative to).
    public static func nowMs() -> Int64 { WallClock.milliseconds() }

    // MARK: formatting

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC: always 24 characters for years 0…9999, so the text
    /// sorts like the number.
    public static func rfc3339(ms: Int64) -> String {
        let days = floorDiv(ms, msPerDay)
        var rest = ms - days * msPerDay
        let (y, m, d) = civil(fromDays: days)
        let hour = rest / 3_600_000; rest %= 3_600_000
        let minute = rest / 60_000; rest %= 60_000
        let second = rest / 1_000
        let milli = rest % 1_000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(milli, 3))Z"
    }

    // MARK: parsing

    /// A `--since`/`--until` value: `90s`, `15m`, `24h`, `7d` (that long before `nowMs`), Unix
    /// milliseconds, or an RFC 3339 date-time (a bare `YYYY-MM-DD` means midnight UTC).
    /// A plain integer below 10^11 is refused: it is almost surely Unix *seconds*, and read as
    /// milliseconds it would silently mean January 1970.
    public static func parseBound(_ text: String, nowMs: Int64) throws(ParseError) -> Int64 {
        let s = text.trimmingASCIIWhitespace()
        let bytes = Array(s.utf8)
        guard !bytes.isEmpty else { throw ParseError(input: text, reason: "empty time") }
        if bytes.allSatisfy(isDigit) {
            guard bytes.count <= 18, let ms = Int64(s) else { throw ParseError(input: text, reason: "number out of range") }
            if ms != 0 && ms < 100_000_000_000 {
                throw ParseError(input: text, reason: "looks like Unix seconds, expected Unix milliseconds (append 000)")
            }
            return ms
        }
        if let unit = bytes.last, durationScale(unit) != nil, bytes.count >= 2, bytes.dropLast().allSatisfy(isDigit) {
            guard bytes.count <= 13, let span = DurationText.milliseconds(s) else {
                throw ParseError(input: text, reason: "duration out of range")
            }
            return nowMs - span
        }
        if let ms = parseRFC3339(s) { return ms }
        throw ParseError(input: text, reason: "not a time")
    }

    /// RFC 3339 `date-time` (`T`, `t` or a space between date and time; `Z`, `z` or `±HH:MM`;
    /// any number of fraction digits, truncated to milliseconds), or a bare `full-date`.
    public static func parseRFC3339(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int64? {
            guard i + digits <= b.count else { return nil }
            var v: Int64 = 0
            for k in i ..< i + digits {
                guard isDigit(b[k]) else { return nil }
                v = v * 10 + Int64(b[k] - 0x30)
            }
            i += digits
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        let dayMs = days(fromCivil: year, month, day) * msPerDay
        if i == b.count { return dayMs }
        guard i < b.count, [0x54, 0x74, 0x20].contains(b[i]) else { return nil }
        i += 1
        guard let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A), let second = number(2) else { return nil }
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        var milli: Int64 = 0
        if expect(0x2E) {
            var digits = 0
            while i < b.count, isDigit(b[i]) {
                if digits < 3 { milli = milli * 10 + Int64(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits ..< 3 { milli *= 10 } }
        }
        var offsetMs: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D {
            let sign: Int64 = b[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = number(2), expect(0x3A), let om = number(2), oh <= 23, om <= 59 else { return nil }
            offsetMs = sign * (oh * 3_600_000 + om * 60_000)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return dayMs + hour * 3_600_000 + minute * 60_000 + second * 1_000 + milli - offsetMs
    }

    // MARK: calendar (Howard Hinnant's days_from_civil / civil_from_days)

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func durationScale(_ unit: UInt8) -> Int64? {
        switch unit {
        case UInt8(ascii: "s"): 1_000
        case UInt8(ascii: "m"): 60_000
        case UInt8(ascii: "h"): 3_600_000
        case UInt8(ascii: "d"): 86_400_000
        default: nil
        }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

extension String {
    fileprivate func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
