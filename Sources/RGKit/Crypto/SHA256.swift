import COpenSSLSHA

/// SHA-256 and Bitcoin's double SHA-256 through OpenSSL's libcrypto on a stack context (SHA
/// extensions where the CPU has them). swift-crypto's `SHA256` allocates a context object and
/// zeroes it three times per call: on the 64-byte merkle and 80-byte header hashes a gateway
/// lives on that was 2.5–3.5× the cost of the hash itself (BENCHMARKS.md, "SHA-256").
public enum SHA256Hash {
    public static func hash(_ data: UnsafeRawBufferPointer) -> Bytes32 {
        var digest = Bytes32.zero
        withUnsafeMutableBytes(of: &digest) { rg_sha256(data.baseAddress, data.count, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        return digest
    }

    public static func hash<C: Collection>(_ data: C) -> Bytes32 where C.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(data).withUnsafeBytes { hash($0) }
    }

    /// SHA256(SHA256(data)): txids, block hashes, merkle nodes.
    public static func hash256(_ data: UnsafeRawBufferPointer) -> Bytes32 {
        var digest = Bytes32.zero
        withUnsafeMutableBytes(of: &digest) { rg_sha256d(data.baseAddress, data.count, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        return digest
    }

    public static func hash256<C: Collection>(_ data: C) -> Bytes32 where C.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash256(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(data).withUnsafeBytes { hash256($0) }
    }

    /// SHA256d of the concatenation of two 32-byte values (a merkle parent).
    public static func hash256(_ left: Bytes32, _ right: Bytes32) -> Bytes32 {
        var pair = (left, right)
        return withUnsafeBytes(of: &pair) { hash256($0) }
    }

    /// BIP-340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || data).
    public static func tagged(_ tag: String, _ data: [UInt8]) -> Bytes32 {
        let tagHash = hash(Array(tag.utf8)).bytes
        return hash(tagHash + tagHash + data)
    }
}

extension SHA256Hash {
    /// SHA256(a ‖ b) without building the joined buffer (Noise MixHash: h = SHA256(h ‖ data)).
    public static func hashConcatenation(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bytes32 {
        var digest = Bytes32.zero
        withUnsafeMutableBytes(of: &digest) {
            rg_sha256_concatenation(a.baseAddress, a.count, b.baseAddress, b.count, $0.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return digest
    }
}
