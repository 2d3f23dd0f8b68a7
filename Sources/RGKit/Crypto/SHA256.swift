import Crypto

/// SHA-256 and Bitcoin's double SHA-256 through swift-crypto (BoringSSL, which uses the CPU's
/// SHA extensions: about 3 M double hashes of an 80-byte header per second here, twice libsodium).
public enum SHA256Hash {
    @inlinable
    public static func hash(_ data: UnsafeRawBufferPointer) -> Bytes32 {
        var hasher = Crypto.SHA256()
        hasher.update(bufferPointer: data)
        return hasher.finalize().withUnsafeBytes { Bytes32(unsafeFrom: $0.baseAddress!) }
    }

    public static func hash<C: Collection>(_ data: C) -> Bytes32 where C.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(data).withUnsafeBytes { hash($0) }
    }

    /// SHA256(SHA256(data)): txids, block hashes, merkle nodes.
    @inlinable
    public static func hash256(_ data: UnsafeRawBufferPointer) -> Bytes32 {
        var first = hash(data)
        return withUnsafeBytes(of: &first) { hash($0) }
    }

    public static func hash256<C: Collection>(_ data: C) -> Bytes32 where C.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash256(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(data).withUnsafeBytes { hash256($0) }
    }

    /// SHA256d of the concatenation of two 32-byte values (a merkle parent).
    @inlinable
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
        var hasher = Crypto.SHA256()
        hasher.update(bufferPointer: a)
        hasher.update(bufferPointer: b)
        return hasher.finalize().withUnsafeBytes { Bytes32(unsafeFrom: $0.baseAddress!) }
    }
}
