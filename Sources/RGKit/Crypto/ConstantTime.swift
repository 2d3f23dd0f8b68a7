import CSodium

/// Comparisons whose running time does not depend on where two secrets first differ.
public enum ConstantTime {
    /// True when both buffers have the same length and the same bytes (`sodium_memcmp`).
    /// The length itself is not secret: unequal lengths return false at once.
    public static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress, a.count > 0 else { return true }
        Sodium.ensureReady()
        return sodium_memcmp(pa, pb, a.count) == 0
    }

    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { ra in b.withUnsafeBytes { rb in equals(ra, rb) } }
    }
}
