/// Reading Bitcoin Core's `getmempoolinfo` result (bitcoin.md §1.6).
extension MempoolStats {
    /// The stats a template record carries, from a `getmempoolinfo` result. nil — unknown, not
    /// zero — when the node says its mempool is not loaded yet (`"loaded": false`: the count
    /// is still growing from mempool.dat) or when `size` is missing. Fee rates are BTC/kvB
    /// decimals, converted exactly (no binary floating point) to sat/kvB.
    public init?(getMempoolInfo result: JSONValue) throws(JSONError) {
        let r = try JSONObjectReader(result, path: "getmempoolinfo")
        if try r.optionalBool("loaded") == false { return nil }
        guard let size = try r.optionalInt("size", in: 0...Int64.max) else { return nil }
        let bytes = try r.optionalInt("bytes", in: 0...Int64.max)
        var minFee: Int64?
        if let fee = r.optionalValue("mempoolminfee") {
            guard let text = fee.numberText, let sat = BitcoinAmount.satoshis(decimal: text) else {
                throw JSONError(.wrongType, "getmempoolinfo.mempoolminfee: expected a BTC amount, got \(String(decoding: fee.rawBytes.prefix(40), as: UTF8.self))")
            }
            guard sat >= 0 else { throw JSONError(.outOfRange, "getmempoolinfo.mempoolminfee: negative fee rate") }
            minFee = sat
        }
        self.init(txCount: size, bytes: bytes, minFeeSatPerKvB: minFee)
    }
}

/// Bitcoin amounts as Core prints them: decimal BTC with up to 8 fraction digits.
public enum BitcoinAmount {
    public static let satoshisPerBTC: Int64 = 100_000_000

    /// Exact decimal (a JSON number's text: `0.00001000`, `1e-05`, `21000000`) → satoshis.
    /// nil when it is not a number, has precision below one satoshi, or overflows.
    public static func satoshis(decimal text: String) -> Int64? {
        var chars = Substring(text)
        var negative = false
        if chars.first == "-" { negative = true; chars = chars.dropFirst() }
        var mantissa = ""
        var exponent = 0
        var seenDot = false
        var seenDigit = false
        while let c = chars.first, c != "e", c != "E" {
            chars = chars.dropFirst()
            if c == "." {
                guard !seenDot else { return nil }
                seenDot = true
            } else if let d = c.wholeNumberValue, c.isASCII {
                mantissa.append(Character(String(d)))
                seenDigit = true
                if seenDot { exponent -= 1 }
            } else {
                return nil
            }
        }
        guard seenDigit else { return nil }
        if let e = chars.first, e == "e" || e == "E" {
            chars = chars.dropFirst()
            guard let value = Int(chars), abs(value) < 400 else { return nil }
            exponent += value
        }
        // value = mantissa × 10^exponent BTC = mantissa × 10^(exponent + 8) sat.
        exponent += 8
        var digits = Array(mantissa.drop { $0 == "0" })
        if exponent < 0 {
            // Dropped digits must be zeros: no fractions of a satoshi.
            let drop = -exponent
            if drop > digits.count { return digits.allSatisfy { $0 == "0" } ? 0 : nil }
            guard digits.suffix(drop).allSatisfy({ $0 == "0" }) else { return nil }
            digits.removeLast(drop)
            exponent = 0
        }
        var value: Int64 = 0
        for d in digits {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d.wholeNumberValue ?? 0))
            if o1 || o2 { return nil }
            value = s
        }
        for _ in 0..<exponent {
            if value == 0 { break }
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = m
        }
        return negative ? -value : value
    }
}
