/// Lowercase hex, the form every record and RPC uses. Decoding accepts either case.
public enum Hex {
    @usableFromInline static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The value of one ASCII hex digit, or nil.
    @inlinable
    public static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// 0x00…0x0F for hex digits, 0xFF otherwise; one lookup per character on hot paths.
    @usableFromInline static let nibbleTable: [UInt8] = (0..<256).map { nibble(UInt8($0)) ?? 0xFF }

    /// For every pair of ASCII characters (read as a little-endian UInt16), the byte it spells,
    /// or 0xFFFF: one lookup per output byte on the hot path (128 KiB, built once).
    @usableFromInline static let pairTable: [UInt16] = {
        var table = [UInt16](repeating: 0xFFFF, count: 65_536)
        for a in 0..<256 {
            for b in 0..<256 {
                if let hi = nibble(UInt8(a)), let lo = nibble(UInt8(b)) { table[a | b << 8] = UInt16(hi << 4 | lo) }
            }
        }
        return table
    }()

    /// Decodes `ascii.count / 2` bytes into `out` (which must have room). Returns the offset of
    /// the first bad character, or nil on success. `ascii.count` must be even.
    @inlinable
    public static func decode(_ ascii: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) -> Int? {
        let count = ascii.count / 2
        guard count > 0, let base = ascii.baseAddress else { return nil }
        return pairTable.withUnsafeBufferPointer { table -> Int? in
            var bad: UInt16 = 0
            for i in 0..<count {
                let value = table[Int(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian)]
                bad |= value
                out.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: i, as: UInt8.self)
            }
            guard bad & 0xFF00 != 0 else { return nil }
            for i in 0..<(2 * count) where nibble(ascii[i]) == nil { return i }
            return nil
        }
    }

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var i = 0
            for b in bytes {
                out[i] = digits[Int(b >> 4)]
                out[i + 1] = digits[Int(b & 0x0F)]
                i += 2
            }
            return i
        }
    }

    /// Hex of the bytes in reverse order: how RPC and explorers print hashes ("display order").
    public static func encodeReversed<C: BidirectionalCollection>(_ bytes: C) -> String where C.Element == UInt8 {
        encode(bytes.reversed())
    }

    public static func decode(_ text: String) throws(DecodeError) -> [UInt8] {
        var text = text
        let result: Result<[UInt8], DecodeError> = text.withUTF8 { utf8 in
            do throws(DecodeError) { return .success(try decode(UnsafeRawBufferPointer(utf8))) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decodes ASCII hex bytes. Odd length or a non-hex character is an error naming the offset.
    public static func decode(_ ascii: UnsafeRawBufferPointer) throws(DecodeError) -> [UInt8] {
        guard ascii.count % 2 == 0 else {
            throw DecodeError(.invalidHex, at: ascii.count, "odd number of hex digits (\(ascii.count))")
        }
        let count = ascii.count / 2
        var failedAt = -1
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                guard let hi = nibble(ascii[2 * i]), let lo = nibble(ascii[2 * i + 1]) else {
                    failedAt = 2 * i
                    initialized = i
                    return
                }
                buffer[i] = hi << 4 | lo
            }
            initialized = count
        }
        if failedAt >= 0 { throw DecodeError(.invalidHex, at: failedAt, "not a hex digit") }
        return out
    }

    /// Decodes hex and reverses it: display-order hash text to internal-order bytes.
    public static func decodeReversed(_ text: String) throws(DecodeError) -> [UInt8] {
        try decode(text).reversed()
    }

    /// True when every byte is an ASCII hex digit.
    public static func isHex<C: Collection>(_ ascii: C) -> Bool where C.Element == UInt8 {
        ascii.allSatisfy { nibble($0) != nil }
    }

    /// True when every character of `text` is an ASCII hex digit (contiguous fast path).
    public static func isHex(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            nibbleTable.withUnsafeBufferPointer { table in
                var bad: UInt8 = 0
                for b in utf8 { bad |= table[Int(b)] }
                return bad & 0xF0 == 0
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hex of the bytes as they are.
    public var hex: String { Hex.encode(self) }
}

extension ArraySlice where Element == UInt8 {
    public var hex: String { Hex.encode(self) }
}
