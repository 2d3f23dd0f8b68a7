/// The header's nBits: a 256-bit target in floating-point-like compact form,
/// `mantissa × 256^(exponent − 3)` with a 23-bit mantissa and a sign bit (0x00800000).
/// Mirrors Bitcoin Core's `arith_uint256::SetCompact` / `GetCompact` and `GetDifficulty`.
public struct CompactTarget: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// nBits 0x1d00ffff: the difficulty-1 target of mainnet's genesis block.
    public static let difficulty1 = CompactTarget(rawValue: 0x1d00ff_ff)

    /// Parses the 8 big-endian hex digits `getblocktemplate` prints (`"bits": "170ed0eb"`).
    public init(hex: String) throws(DecodeError) {
        let bytes = try Hex.decode(hex)
        guard bytes.count == 4 else {
            throw DecodeError(.invalidValue, "nBits must be 8 hex digits, got \(hex.utf8.count)")
        }
        rawValue = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// 8 big-endian hex digits, as `getblocktemplate` prints them.
    public var hex: String { Hex.encode((0..<4).map { UInt8(truncatingIfNeeded: rawValue >> (24 - 8 * $0)) }) }
    public var description: String { hex }

    /// Core's `SetCompact`: the expanded value and the two flags Core reports. An overflowing value
    /// is truncated to 256 bits as `arith_uint256` does; callers must look at `isOverflow`.
    public var expanded: (target: UInt256, isNegative: Bool, isOverflow: Bool) {
        let size = Int(rawValue >> 24)
        var word = rawValue & 0x007f_ffff
        let target: UInt256
        if size <= 3 {
            word >>= 8 * (3 - size)          // Core shifts first: the flags below see this word
            target = UInt256(UInt64(word))
        } else {
            target = UInt256(UInt64(word)) << (8 * (size - 3))
        }
        let isNegative = word != 0 && rawValue & 0x0080_0000 != 0
        let isOverflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))
        return (target, isNegative, isOverflow)
    }

    /// The target as a number, or nil when nBits cannot be a proof-of-work target: negative,
    /// zero or overflowing (Core's `DeriveTarget` refuses the same three).
    public var targetValue: UInt256? {
        let e = expanded
        guard !e.isNegative, !e.isOverflow, !e.target.isZero else { return nil }
        return e.target
    }

    /// The target as 32 little-endian bytes, comparable with a hash in wire order; nil as above.
    public var target: Bytes32? { targetValue?.littleEndianBytes }

    /// Core's `GetCompact` (non-negative): the compact form of `target`. Lossy: only the top 23
    /// significant bits survive, so `CompactTarget(target: t).targetValue` may be below `t`.
    public init(target: UInt256) {
        var size = (target.bitWidth + 7) / 8
        var compact: UInt32
        if size <= 3 {
            compact = UInt32(truncatingIfNeeded: target.l0 << (8 * (3 - size)))
        } else {
            compact = UInt32(truncatingIfNeeded: (target >> (8 * (size - 3))).l0)
        }
        if compact & 0x0080_0000 != 0 {   // would read as the sign bit: move one byte up
            compact >>= 8
            size += 1
        }
        rawValue = compact | UInt32(size) << 24
    }

    /// The compact form of a little-endian target.
    public init(target: Bytes32) { self.init(target: UInt256(littleEndian: target)) }

    /// Core's `GetDifficulty`: difficulty-1 target / this target, computed as Core does
    /// (0xffff / mantissa, scaled by powers of 256, each step exact in binary floating point), so
    /// the value prints like `getmininginfo`'s. A zero mantissa gives +infinity.
    public var difficulty: Double {
        var shift = Int(rawValue >> 24 & 0xff)
        var d = Double(0x0000_ffff) / Double(rawValue & 0x00ff_ffff)
        while shift < 29 { d *= 256.0; shift += 1 }
        while shift > 29 { d /= 256.0; shift -= 1 }
        return d
    }
}
