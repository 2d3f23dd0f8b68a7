/// Durations as operators type them: `250ms`, `30s`, `15m`, `24h`, `7d`; a bare number is
/// seconds. Returned in milliseconds.
public enum DurationText {
    public static func milliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces
        let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "5m" must not be read as "5" + "m" of "ms": the loop tries "ms" first.
            guard let value = Double(number), value >= 0, value.isFinite else { return nil }
            return Int64((value * scale).rounded())
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds.isFinite else { return nil }
        return Int64((seconds * 1_000).rounded())
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
