/// SHA-256d of a share's 80-byte header, built in a stack buffer (no heap allocation of ours):
/// version ‖ prev_hash ‖ merkle_root ‖ ntime ‖ nbits ‖ nonce, integers little-endian, hashes
/// in wire order (SV2 §3.4, the same layout as `BlockHeader`).
enum ShareHasher {
    @inline(__always)
    static func hash(version: UInt32, prevHash: Bytes32, merkleRoot: Bytes32, ntime: UInt32, bits: UInt32, nonce: UInt32) -> Bytes32 {
        var header: (Bytes32, Bytes32, Bytes32) = (.zero, .zero, .zero)     // 96 bytes; the first 80 are used
        return withUnsafeMutableBytes(of: &header) { raw in
            raw.storeBytes(of: version.littleEndian, toByteOffset: 0, as: UInt32.self)
            var p = prevHash, m = merkleRoot
            withUnsafeBytes(of: &p) { raw.baseAddress!.advanced(by: 4).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            withUnsafeBytes(of: &m) { raw.baseAddress!.advanced(by: 36).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            raw.storeBytes(of: ntime.littleEndian, toByteOffset: 68, as: UInt32.self)
            raw.storeBytes(of: bits.littleEndian, toByteOffset: 72, as: UInt32.self)
            raw.storeBytes(of: nonce.littleEndian, toByteOffset: 76, as: UInt32.self)
            return SHA256Hash.hash256(UnsafeRawBufferPointer(rebasing: raw[0..<80]))
        }
    }
}
