/// Version rolling (BIP-320): a miner may change the nVersion bits inside a mask the pool
/// allows, so every version is a fresh 2^32 nonce space without touching the coinbase.
///
/// The miner rolls only inside BIP-320's 16 bits (0x1fffe000). BIP-323's wider mask
/// (0x1fffffe0, what SV2 pools such as SRI and `rg-gate` accept) contains them, so the miner's
/// versions are valid for either pool setting.
public enum VersionRolling {
    /// BIP-320's general-purpose bits 13–28.
    public static let bip320Mask: UInt32 = 0x1fff_e000

    /// How many distinct versions `mask` allows (2^popcount).
    public static func versionCount(mask: UInt32) -> UInt64 { UInt64(1) << UInt64(mask.nonzeroBitCount) }

    /// The `index`-th version: `base` with the mask's bits replaced by `index`'s low bits, the
    /// lowest index bit going to the lowest mask bit (a software PDEP). Index 0 is `base` with
    /// the mask bits cleared, which for a job's version (no rolled bits set) is the job's version.
    public static func version(base: UInt32, index: UInt64, mask: UInt32 = bip320Mask) -> UInt32 {
        var result = base & ~mask
        var remaining = mask
        var bits = index
        while remaining != 0 {
            let lowest = remaining & (~remaining &+ 1)
            if bits & 1 == 1 { result |= lowest }
            bits >>= 1
            remaining &= remaining &- 1
        }
        return result
    }

    /// Whether `version` differs from `base` only inside `mask` (the check a pool makes).
    public static func isWithinMask(version: UInt32, base: UInt32, mask: UInt32 = bip320Mask) -> Bool {
        (version ^ base) & ~mask == 0
    }
}
