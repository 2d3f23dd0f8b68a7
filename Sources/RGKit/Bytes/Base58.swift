/// Base58 with Bitcoin's alphabet (no 0, O, I, l): leading zero bytes become leading '1's.
/// Quadratic in the input length, so decoding refuses inputs longer than `maxLength` characters
/// before doing any work (keys and addresses are under 120 characters).
public enum Base58 {
    static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Character value or -1, indexed by ASCII code.
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    public static let defaultMaxLength = 1024

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let input = Array(bytes)
        let zeros = input.prefix { $0 == 0 }.count
        // log(256)/log(58) ≈ 1.366: enough base-58 digits for the rest.
        var digits = [UInt8](repeating: 0, count: (input.count - zeros) * 138 / 100 + 1)
        var length = 0
        for byte in input[zeros...] {
            var carry = Int(byte)
            var i = 0
            while carry != 0 || i < length {
                carry += 256 * Int(digits[i])
                digits[i] = UInt8(carry % 58)
                carry /= 58
                i += 1
            }
            length = i
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + length)
        for i in stride(from: length - 1, through: 0, by: -1) { out.append(alphabet[Int(digits[i])]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes Base58 text. A character outside the alphabet (including whitespace) is an error
    /// naming its offset.
    public static func decode(_ text: String, maxLength: Int = defaultMaxLength) throws(DecodeError) -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count <= maxLength else {
            throw DecodeError(.tooLarge, at: 0, "base58 text of \(chars.count) characters exceeds \(maxLength)")
        }
        let ones = chars.prefix { $0 == alphabet[0] }.count
        // log(58)/log(256) ≈ 0.733 bytes per character.
        var bytes = [UInt8](repeating: 0, count: (chars.count - ones) * 733 / 1000 + 1)
        var length = 0
        for (offset, c) in chars.enumerated().dropFirst(ones) {
            guard c < 128, case let value = values[Int(c)], value >= 0 else {
                throw DecodeError(.invalidValue, at: offset, "not a base58 character")
            }
            var carry = Int(value)
            var i = 0
            while carry != 0 || i < length {
                carry += 58 * Int(bytes[i])
                bytes[i] = UInt8(carry & 0xFF)
                carry >>= 8
                i += 1
            }
            length = i
        }
        return [UInt8](repeating: 0, count: ones) + bytes[..<length].reversed()
    }
}
