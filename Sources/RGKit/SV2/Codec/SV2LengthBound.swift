/// The maximum and the prefix width of a variable-length SV2 type, as a type so that `B0_32` and
/// `B0_255` cannot be mixed up (stratum-v2.md §2: B0_32 ≤ 32 bytes with a U8 prefix, B0_255 ≤ 255,
/// B0_64K ≤ 65535 with a U16 prefix, B0_16M ≤ 2^24 − 1 with a U24 prefix; SEQ0_255/SEQ0_64K alike).
public protocol SV2LengthBound: Sendable {
    /// The largest length (bytes, or elements for a sequence) the type allows.
    static var maxLength: Int { get }
    /// Width of the little-endian length prefix: 1 (U8), 2 (U16) or 3 (U24).
    static var prefixSize: Int { get }
    /// Suffix of the spec's type name: "32", "255", "64K", "16M".
    static var name: String { get }
}

public enum SV2Max32: SV2LengthBound {
    public static var maxLength: Int { 32 }
    public static var prefixSize: Int { 1 }
    public static var name: String { "32" }
}

public enum SV2Max255: SV2LengthBound {
    public static var maxLength: Int { 255 }
    public static var prefixSize: Int { 1 }
    public static var name: String { "255" }
}

public enum SV2Max64K: SV2LengthBound {
    public static var maxLength: Int { 0xFFFF }
    public static var prefixSize: Int { 2 }
    public static var name: String { "64K" }
}

public enum SV2Max16M: SV2LengthBound {
    public static var maxLength: Int { 0xFF_FFFF }
    public static var prefixSize: Int { 3 }
    public static var name: String { "16M" }
}
