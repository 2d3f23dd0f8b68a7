/// RFC 4648 base64 (standard alphabet, `=` padding), for HTTP Basic credentials and SMTP AUTH PLAIN. Decoding is
/// strict: a wrong length, a character outside the alphabet, padding anywhere but the end, or
/// non-zero bits left in the last symbol all give nil, so one credential has one encoding.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(index) }
        return table
    }()

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next()
            let b2 = iterator.next()
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
            out.append(b1.map { alphabet[Int(($0 & 0x0F) << 2 | (b2 ?? 0) >> 6)] } ?? UInt8(ascii: "="))
            out.append(b2.map { alphabet[Int($0 & 0x3F)] } ?? UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? { decode(Array(text.utf8)) }

    public static func decode<C: Collection>(_ text: C) -> [UInt8]? where C.Element == UInt8 {
        let symbols = Array(text)
        guard symbols.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(symbols.count / 4 * 3)
        var index = 0
        while index < symbols.count {
            let isLast = index + 4 == symbols.count
            let padding = isLast ? (symbols[index + 3] == UInt8(ascii: "=") ? (symbols[index + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var values: [UInt8] = [0, 0, 0, 0]
            for k in 0..<(4 - padding) {
                let v = reverse[Int(symbols[index + k])]
                guard v != 0xFF else { return nil }
                values[k] = v
            }
            let b0 = values[0] << 2 | values[1] >> 4
            let b1 = (values[1] & 0x0F) << 4 | values[2] >> 2
            let b2 = (values[2] & 0x03) << 6 | values[3]
            out.append(b0)
            switch padding {
            case 0: out.append(b1); out.append(b2)
            case 1:
                guard values[2] & 0x03 == 0 else { return nil }
                out.append(b1)
            default:
                guard values[1] & 0x0F == 0 else { return nil }
            }
            index += 4
        }
        return out
    }
}
