/// Base58Check: Base58 of `payload ‖ SHA256d(payload)[0..<4]`. SV2 distributes the pool's
/// authority key this way (sv2-spec §4.7.1: a 2-byte little-endian version `01 00`, then the
/// 32-byte x-only key), and SRI's configs write secrets as Base58Check of the raw 32 bytes.
public enum Base58Check {
    public static let checksumSize = 4

    public static func encode<C: Collection>(_ payload: C) -> String where C.Element == UInt8 {
        let bytes = Array(payload)
        let checksum = SHA256Hash.hash256(bytes).bytes.prefix(checksumSize)
        return Base58.encode(bytes + checksum)
    }

    /// The payload, after checking the 4-byte checksum.
    public static func decode(_ text: String) throws(DecodeError) -> [UInt8] {
        let raw = try Base58.decode(text)
        guard raw.count >= checksumSize else {
            throw DecodeError(.truncated, at: raw.count, "base58check needs at least 4 bytes, have \(raw.count)")
        }
        let payload = Array(raw.dropLast(checksumSize))
        let expected = SHA256Hash.hash256(payload).bytes.prefix(checksumSize)
        guard ConstantTime.equals(Array(expected), Array(raw.suffix(checksumSize))) else {
            throw DecodeError(.invalidValue, at: payload.count, "base58check checksum mismatch")
        }
        return payload
    }
}
