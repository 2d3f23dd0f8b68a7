/// Fixed-precision decimal text for exports and tables: `0.975000` at 6 digits, whatever the
/// locale (no `String(format:)`, whose `%f` follows `LC_NUMERIC` in C and can print `0,975`).
/// Rounds half away from zero; never prints `-0.000000`.
public enum FixedDecimal {
    /// nil for NaN and infinities (CSV leaves those cells empty). Values beyond ±9e12 fall
    /// back to Swift's shortest round-trip form rather than overflow.
    public static func format(_ value: Double, fractionDigits: Int) -> String? {
        guard value.isFinite else { return nil }
        let digits = max(0, min(fractionDigits, 9))
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard abs(scaled) < 9.0e18 else { return "\(value)" }
        let n = Int64(scaled)
        if n == 0 { return digits == 0 ? "0" : "0." + String(repeating: "0", count: digits) }
        let magnitude = n.magnitude
        let whole = magnitude / UInt64(scale)
        var text = n < 0 ? "-" : ""
        text += String(whole)
        if digits > 0 {
            let fraction = String(magnitude % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }
}
