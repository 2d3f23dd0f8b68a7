/// Bech32 (BIP173) and Bech32m (BIP350) strings: a human-readable part, the separator `1`, and
/// 5-bit data characters ending in a 6-character BCH checksum. The two variants differ only in
/// the constant the checksum is xored with (1 for Bech32, 0x2bc830a3 for Bech32m), so a decoder
/// tells them apart by which constant verifies, and no string is valid as both.
///
/// This is the generic string codec; segwit address rules (witness version, program length,
/// which variant a version must use) are in `Bitcoin/Address.swift`.
public enum Bech32 {
    public enum Variant: Sendable, Equatable {
        /// BIP173: witness version 0 addresses.
        case bech32
        /// BIP350: witness versions 1...16 (taproot and later).
        case bech32m

        var constant: UInt32 { self == .bech32 ? 1 : 0x2bc8_30a3 }
    }

    /// BIP173's overall limit: 90 characters.
    public static let maxLength = 90

    static let charset: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    /// Character value or -1, indexed by lowercase ASCII.
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in charset.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> i) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    static func expandHRP(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Encodes `hrp` (lowercased) and 5-bit `data` values with the variant's checksum.
    public static func encode(hrp: String, data: [UInt8], variant: Variant) -> String {
        let h = Array(hrp.lowercased().utf8)
        let values = expandHRP(h) + data + [0, 0, 0, 0, 0, 0]
        let mod = polymod(values) ^ variant.constant
        let checksum = (0..<6).map { UInt8((mod >> (5 * (5 - $0))) & 31) }
        return String(decoding: h + [UInt8(ascii: "1")] + (data + checksum).map { charset[Int($0)] }, as: UTF8.self)
    }

    /// Decodes a Bech32 or Bech32m string: the lowercased HRP, the 5-bit data values (checksum
    /// removed) and which variant's checksum verified. Refuses, as BIP173 says: characters outside
    /// 33...126, mixed case, more than 90 characters, no separator, an empty HRP, a data part shorter
    /// than the checksum, characters outside the charset, and a checksum that verifies as neither.
    public static func decode(_ text: String) throws(DecodeError) -> (hrp: String, data: [UInt8], variant: Variant) {
        let chars = Array(text.utf8)
        guard chars.count <= maxLength else {
            throw DecodeError(.tooLarge, at: 0, "bech32 string of \(chars.count) characters exceeds \(maxLength)")
        }
        var hasLower = false, hasUpper = false
        for (i, c) in chars.enumerated() {
            guard c >= 33, c <= 126 else { throw DecodeError(.invalidValue, at: i, "character out of range") }
            if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") { hasLower = true }
            if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { hasUpper = true }
        }
        guard !(hasLower && hasUpper) else { throw DecodeError(.invalidValue, at: 0, "mixed case") }
        let lower = chars.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        guard let separator = lower.lastIndex(of: UInt8(ascii: "1")) else {
            throw DecodeError(.invalidValue, at: 0, "no separator character '1'")
        }
        guard separator >= 1 else { throw DecodeError(.invalidValue, at: 0, "empty human-readable part") }
        guard lower.count - separator - 1 >= 6 else {
            throw DecodeError(.truncated, at: separator, "data part shorter than the 6-character checksum")
        }
        let hrp = Array(lower[..<separator])
        var data: [UInt8] = []
        data.reserveCapacity(lower.count - separator - 1)
        for i in (separator + 1)..<lower.count {
            let v = values[Int(lower[i])]
            guard v >= 0 else { throw DecodeError(.invalidValue, at: i, "not a bech32 data character") }
            data.append(UInt8(v))
        }
        let variant: Variant
        switch polymod(expandHRP(hrp) + data) {
        case Variant.bech32.constant: variant = .bech32
        case Variant.bech32m.constant: variant = .bech32m
        default: throw DecodeError(.invalidValue, at: separator + 1, "checksum verifies as neither bech32 nor bech32m")
        }
        return (String(decoding: hrp, as: UTF8.self), Array(data.dropLast(6)), variant)
    }

    /// Regroups bits (8 → 5 with padding for encoding; 5 → 8 without for decoding). Without
    /// padding, leftover bits must be fewer than `from` and all zero (BIP173's "zero padding of
    /// more than 4 bits" and "non-zero padding" rules); nil otherwise.
    public static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var acc = 0, bits = 0
        var out: [UInt8] = []
        let maxValue = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { return nil }
            acc = (acc << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> bits) & maxValue))
            }
            acc &= (1 << bits) - 1
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxValue)) }
        } else if bits >= from || (acc << (to - bits)) & maxValue != 0 {
            return nil
        }
        return out
    }
}
