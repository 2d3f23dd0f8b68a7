/// Text forms of the dashboard's numbers and times. Pure.
public enum DashboardFormat {
    /// `2026-11-25 16:36:58Z` (UTC) for Unix milliseconds.
    public static func time(_ ms: Int64?) -> String {
        guard let ms else { return "—" }
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60))Z"
    }

    /// `HH:MM` UTC, for chart labels.
    public static func clock(_ ms: Int64) -> String {
        let t = time(ms)
        let parts = t.split(separator: " ")
        return parts.count == 2 ? String(parts[1].prefix(5)) : t
    }

    /// Hashes per second with an SI prefix: `12.3 TH/s`.
    public static func hashrate(_ hs: Double?) -> String {
        guard let hs, hs.isFinite else { return "—" }
        let units = ["H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s", "EH/s"]
        var value = hs
        var unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return "\(fixed(value, 1)) \(units[unit])"
    }

    /// Satoshis as BTC with eight decimals.
    public static func btc(_ sat: Int64) -> String {
        let sign = sat < 0 ? "-" : ""
        let v = sat.magnitude
        let frac = String(v % 100_000_000)
        return "\(sign)\(v / 100_000_000).\(String(repeating: "0", count: 8 - frac.count))\(frac) BTC"
    }

    public static func percent(_ ratio: Double?) -> String {
        guard let ratio, ratio.isFinite else { return "—" }
        return "\(fixed(ratio * 100, 1)) %"
    }

    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "—" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
            if digits == 0 { text = String(text[..<dot]) }
        } else if digits > 0 {
            text += "." + String(repeating: "0", count: digits)
        }
        return text
    }

    /// Thousands separated with a thin space.
    public static func count(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{202F}" }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}

/// Charts as inline SVG, rendered on the server: no chart library, no script needed to see
/// them. Pure; every label is escaped.
public enum SVGChart {
    public struct Series: Sendable {
        public var name: String
        public var values: [Double]
        /// A CSS class (coloured by the stylesheet; inline styles are forbidden by our CSP).
        public var cssClass: String
        public init(name: String, values: [Double], cssClass: String) {
            self.name = name
            self.values = values
            self.cssClass = cssClass
        }
    }

    /// Stacked bars, one column per label.
    public static func stackedBars(labels: [String], series: [Series], title: String, width: Int = 720, height: Int = 200) -> String {
        let count = labels.count
        guard count > 0 else { return "" }
        let top = 10.0, bottom = 24.0, left = 44.0
        let plotH = Double(height) - top - bottom
        let plotW = Double(width) - left - 6
        let totals = (0..<count).map { i in series.reduce(0) { $0 + ($1.values.indices.contains(i) ? $1.values[i] : 0) } }
        let maxValue = max(1, totals.max() ?? 1)
        let step = plotW / Double(count)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(AuthPages.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(AuthPages.escape(title))</title>"
        svg += axis(left: left, top: top, plotW: plotW, plotH: plotH, maxLabel: DashboardFormat.count(Int64(maxValue)))
        for i in 0..<count {
            var y = top + plotH
            for s in series {
                let v = s.values.indices.contains(i) ? s.values[i] : 0
                guard v > 0 else { continue }
                let h = plotH * v / maxValue
                y -= h
                svg += "<rect class=\"\(s.cssClass)\" x=\"\(f(left + Double(i) * step + 1))\" y=\"\(f(y))\" width=\"\(f(max(1, step - 2)))\" height=\"\(f(h))\"><title>\(AuthPages.escape(labels[i])) \(AuthPages.escape(s.name)): \(Int64(v))</title></rect>"
            }
            if count <= 24 ? i % 3 == 0 : i % max(1, count / 8) == 0 {
                svg += "<text class=\"label\" x=\"\(f(left + Double(i) * step))\" y=\"\(height - 6)\">\(AuthPages.escape(labels[i]))</text>"
            }
        }
        return svg + legend(series, x: left + 4, width: width) + "</svg>"
    }

    /// A line (area) chart of one series; `format` labels the maximum.
    public static func line(labels: [String], values: [Double], title: String, format: (Double) -> String, width: Int = 720, height: Int = 200) -> String {
        let count = values.count
        guard count > 0 else { return "" }
        let top = 10.0, bottom = 24.0, left = 70.0
        let plotH = Double(height) - top - bottom
        let plotW = Double(width) - left - 6
        let maxValue = max(values.max() ?? 0, 1e-9)
        let step = count > 1 ? plotW / Double(count - 1) : plotW
        var points: [String] = []
        for (i, v) in values.enumerated() {
            points.append("\(f(left + Double(i) * step)),\(f(top + plotH - plotH * v / maxValue))")
        }
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(AuthPages.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(AuthPages.escape(title))</title>"
        svg += axis(left: left, top: top, plotW: plotW, plotH: plotH, maxLabel: format(maxValue))
        svg += "<polygon class=\"area\" points=\"\(f(left)),\(f(top + plotH)) \(points.joined(separator: " ")) \(f(left + Double(count - 1) * step)),\(f(top + plotH))\"/>"
        svg += "<polyline class=\"line\" fill=\"none\" points=\"\(points.joined(separator: " "))\"/>"
        for i in stride(from: 0, to: count, by: max(1, count / 8)) where labels.indices.contains(i) {
            svg += "<text class=\"label\" x=\"\(f(left + Double(i) * step))\" y=\"\(height - 6)\">\(AuthPages.escape(labels[i]))</text>"
        }
        return svg + "</svg>"
    }

    static func axis(left: Double, top: Double, plotW: Double, plotH: Double, maxLabel: String) -> String {
        "<line class=\"axis\" x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\"/>"
            + "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top))\"/>"
            + "<text class=\"label\" x=\"2\" y=\"\(f(top + 10))\">\(AuthPages.escape(maxLabel))</text>"
            + "<text class=\"label\" x=\"2\" y=\"\(f(top + plotH))\">0</text>"
    }

    static func legend(_ series: [Series], x: Double, width: Int) -> String {
        var out = ""
        var offset = x + 40
        for s in series {
            out += "<rect class=\"\(s.cssClass)\" x=\"\(f(offset))\" y=\"2\" width=\"10\" height=\"10\"/><text class=\"label\" x=\"\(f(offset + 14))\" y=\"11\">\(AuthPages.escape(s.name))</text>"
            offset += 20 + Double(s.name.count) * 7
        }
        return out
    }

    static func f(_ v: Double) -> String { DashboardFormat.fixed(v, 1) }
}
