/// BIP34: a block's height as the first push of its coinbase scriptSig.
///
/// The push is exactly what Bitcoin Core's `CScript() << height` produces (Core's block check
/// compares the scriptSig's prefix with it byte for byte, "bad-cb-height"):
/// - 0 is OP_0 (`00`), 1...16 are OP_1...OP_16 (`51`...`60`): a single byte. A coinbase scriptSig
///   must be 2...100 bytes, so the coinbase builder pads these low heights (Core appends OP_0);
/// - larger heights push their minimal little-endian CScriptNum, with an extra 0x00 byte when the
///   top bit of the last byte is set (so it does not read as negative): 17 → `0111`,
///   128 → `028000`, 702861 → `038db90a`, 1,000,000 → `0340420f`.
public enum BIP34 {
    /// The push for `height` (≥ 0). Negative heights do not exist; they encode as 0.
    public static func heightPush(_ height: Int64) -> [UInt8] {
        guard height > 0 else { return [Opcode.op0] }
        if height <= 16 { return [Opcode.op1 + UInt8(height - 1)] }
        var number: [UInt8] = []
        var rest = UInt64(height)
        while rest > 0 {
            number.append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
        if let last = number.last, last & 0x80 != 0 { number.append(0x00) }
        return [UInt8(number.count)] + number
    }

    /// The height a coinbase scriptSig declares, or nil when it does not begin with a push that
    /// `heightPush` would produce (non-minimal, negative, longer than 8 bytes, or not a push).
    /// A decoded height h is only returned if the scriptSig starts with exactly `heightPush(h)`.
    public static func height(inScriptSig scriptSig: Script) -> Int64? {
        let bytes = scriptSig.bytes
        guard let first = bytes.first else { return nil }
        let height: Int64
        switch first {
        case Opcode.op0:
            height = 0
        case Opcode.op1...Opcode.op16:
            height = Int64(first - Opcode.op1) + 1
        case 1...8:
            let length = Int(first)
            guard bytes.count > length else { return nil }
            let number = bytes[1...length]
            guard let top = number.last, top & 0x80 == 0 else { return nil }   // negative
            var value: UInt64 = 0
            for (i, byte) in number.enumerated() { value |= UInt64(byte) << (8 * i) }
            guard let exact = Int64(exactly: value) else { return nil }
            height = exact
        default:
            return nil
        }
        return bytes.starts(with: heightPush(height)) ? height : nil
    }
}
