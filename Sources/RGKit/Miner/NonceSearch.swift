/// The CPU search: hash headers for consecutive nonces and stop at the first whose SHA-256d,
/// read as a little-endian integer, is at most the target.
///
/// The 80 bytes live in one stack buffer and only the nonce field is rewritten per try, so a
/// try costs one SHA-256d (`SHA256Hash`, OpenSSL). `shouldStop` is polled every `checkInterval` tries so
/// a search thread leaves stale work within microseconds of a new job.
public enum NonceSearch {
    public struct Found: Sendable, Equatable {
        public var version: UInt32
        public var nonce: UInt32
        public var hash: BlockHash
    }

    public enum Outcome: Sendable, Equatable {
        /// A share; `hashes` counts every header tried, the winning one included.
        case found(Found, hashes: UInt64)
        /// No nonce in the range met the target.
        case exhausted(hashes: UInt64)
        /// `shouldStop` said so before the range was done.
        case stopped(hashes: UInt64)
    }

    public static let defaultCheckInterval: UInt32 = 4_096

    /// Tries `nonces` in order for the given version of `work`.
    public static func search(_ work: MinerWork, version: UInt32, nonces: ClosedRange<UInt32>,
                              checkInterval: UInt32 = defaultCheckInterval, shouldStop: () -> Bool = { false }) -> Outcome {
        let target = work.target
        let header = work.header(version: version, nonce: nonces.lowerBound)
        return withUnsafeTemporaryAllocation(byteCount: BlockHeader.encodedSize, alignment: 8) { buffer in
            header.write(into: buffer)
            let bytes = UnsafeRawBufferPointer(buffer)
            var nonce = nonces.lowerBound
            var hashes: UInt64 = 0
            var untilCheck = max(1, checkInterval)
            while true {
                buffer.storeBytes(of: nonce.littleEndian, toByteOffset: 76, as: UInt32.self)
                let hash = SHA256Hash.hash256(bytes)
                hashes += 1
                if !(target < hash) {
                    return .found(Found(version: version, nonce: nonce, hash: BlockHash(wire: hash)), hashes: hashes)
                }
                if nonce == nonces.upperBound { return .exhausted(hashes: hashes) }
                nonce &+= 1
                untilCheck -= 1
                if untilCheck == 0 {
                    if shouldStop() { return .stopped(hashes: hashes) }
                    untilCheck = max(1, checkInterval)
                }
            }
        }
    }

    /// Nonce range `part` of `parts` equal slices of the 2^32 space (the last takes the rest),
    /// so several threads on the same version never try the same header.
    public static func slice(_ part: Int, of parts: Int) -> ClosedRange<UInt32> {
        let count = UInt64(max(1, parts))
        let index = UInt64(max(0, min(part, parts - 1)))
        let size = (UInt64(UInt32.max) + 1) / count
        let low = index * size
        let high = index == count - 1 ? UInt64(UInt32.max) : low + size - 1
        return UInt32(low)...UInt32(high)
    }
}
