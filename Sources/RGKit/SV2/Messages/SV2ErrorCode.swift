/// The `error_code` STR0_255 of SetupConnection.Error, OpenMiningChannel.Error,
/// UpdateChannel.Error and SubmitShares.Error, as one exhaustive mapping.
///
/// Since spec commit 9fead06 (2026-05-13) the spec lists no codes: they are implementation-defined
/// printable ASCII, and receivers must treat unknown ones as a logging no-op. The named cases are
/// SRI's strings (`common_messages_sv2`, `mining_sv2` ERROR_CODE_* constants; stratum-v2.md §3.4),
/// the de-facto interop set, plus `protocol-version-mismatch` and `too-low-difficulty` from the
/// older spec text, so we can recognise them when a peer still sends them. Anything else arrives
/// as `.other(_)`.
///
/// Equality and hashing go by the wire string, so `.other("stale-share") == .staleShare`.
public enum SV2ErrorCode: Sendable, Hashable, CustomStringConvertible {
    // SetupConnection.Error
    case unsupportedFeatureFlags
    case unsupportedProtocol
    case protocolVersionMismatch
    // OpenMiningChannel.Error
    case unknownUser
    case invalidUserIdentity
    case maxTargetOutOfRange
    case invalidNominalHashrate
    case unsupportedMinExtranonceSize
    case minExtranonceSizeTooLarge
    case standardChannelsNotSupportedForCustomWork
    // UpdateChannel.Error and SubmitShares.Error
    case invalidChannelID
    // SubmitShares.Error
    case invalidJobID
    case staleShare
    case difficultyTooLow
    case duplicateShare
    case invalidShare
    case invalidNonRollableVersionBit
    case badExtranonceSize
    case versionRollingNotAllowed
    /// The removed spec list's spelling; SRI sends `difficulty-too-low`.
    case tooLowDifficulty
    /// A code we have no name for, kept byte for byte.
    case other(Str0_255)

    /// Every named case (not `.other`).
    public static let allNamed: [SV2ErrorCode] = [
        .unsupportedFeatureFlags, .unsupportedProtocol, .protocolVersionMismatch,
        .unknownUser, .invalidUserIdentity, .maxTargetOutOfRange, .invalidNominalHashrate,
        .unsupportedMinExtranonceSize, .minExtranonceSizeTooLarge, .standardChannelsNotSupportedForCustomWork,
        .invalidChannelID,
        .invalidJobID, .staleShare, .difficultyTooLow, .duplicateShare, .invalidShare,
        .invalidNonRollableVersionBit, .badExtranonceSize, .versionRollingNotAllowed, .tooLowDifficulty,
    ]

    /// The string on the wire. Exhaustive: a new case does not compile until it is mapped.
    public var wire: Str0_255 {
        switch self {
        case .unsupportedFeatureFlags: "unsupported-feature-flags"
        case .unsupportedProtocol: "unsupported-protocol"
        case .protocolVersionMismatch: "protocol-version-mismatch"
        case .unknownUser: "unknown-user"
        case .invalidUserIdentity: "invalid-user-identity"
        case .maxTargetOutOfRange: "max-target-out-of-range"
        case .invalidNominalHashrate: "invalid-nominal-hashrate"
        case .unsupportedMinExtranonceSize: "unsupported-min-extranonce-size"
        case .minExtranonceSizeTooLarge: "min-extranonce-size-too-large"
        case .standardChannelsNotSupportedForCustomWork: "standard-channels-not-supported-for-custom-work"
        case .invalidChannelID: "invalid-channel-id"
        case .invalidJobID: "invalid-job-id"
        case .staleShare: "stale-share"
        case .difficultyTooLow: "difficulty-too-low"
        case .duplicateShare: "duplicate-share"
        case .invalidShare: "invalid-share"
        case .invalidNonRollableVersionBit: "invalid-non-rollable-version-bit"
        case .badExtranonceSize: "bad-extranonce-size"
        case .versionRollingNotAllowed: "version-rolling-not-allowed"
        case .tooLowDifficulty: "too-low-difficulty"
        case .other(let code): code
        }
    }

    private static let byWire: [Str0_255: SV2ErrorCode] =
        Dictionary(uniqueKeysWithValues: allNamed.map { ($0.wire, $0) })

    /// The named case for a received string, else `.other`.
    public init(wire: Str0_255) {
        self = Self.byWire[wire] ?? .other(wire)
    }

    /// True for a code we have a name for.
    public var isNamed: Bool { Self.byWire[wire] != nil }

    public static func == (lhs: SV2ErrorCode, rhs: SV2ErrorCode) -> Bool { lhs.wire == rhs.wire }
    public func hash(into hasher: inout Hasher) { hasher.combine(wire) }
    public var description: String { wire.string }
}

extension SV2ErrorCode: SV2Codable {
    public static var minEncodedSize: Int { 1 }
    public init(sv2 reader: inout SV2Reader) throws(SV2Error) { self.init(wire: try Str0_255(sv2: &reader)) }
    public func encode(to writer: inout SV2Writer) { wire.encode(to: &writer) }
}
