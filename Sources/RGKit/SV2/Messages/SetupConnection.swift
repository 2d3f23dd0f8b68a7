/// The sub-protocol a connection is set up for (`SetupConnection.protocol`). A struct, not an
/// enum: an unknown value must still decode so the server can answer `unsupported-protocol`.
public struct SV2Protocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let mining = SV2Protocol(rawValue: 0)
    public static let jobDeclaration = SV2Protocol(rawValue: 1)
    public static let templateDistribution = SV2Protocol(rawValue: 2)

    public var description: String {
        switch self {
        case .mining: "mining"
        case .jobDeclaration: "job-declaration"
        case .templateDistribution: "template-distribution"
        default: "protocol-\(rawValue)"
        }
    }
}

/// SetupConnection (0x00, C→S): the first message after the handshake.
/// Wire order: protocol U8 · min_version U16 · max_version U16 · flags U32 · endpoint_host STR0_255 ·
/// endpoint_port U16 · vendor STR0_255 · hardware_version STR0_255 · firmware STR0_255 · device_id STR0_255.
public struct SetupConnection: SV2MessageBody {
    public static var messageType: SV2MessageType { .setupConnection }

    /// Mining-protocol flags a client sets (bit 0 = LSB). `flags` keeps unknown bits as sent.
    public struct MiningFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// The downstream cannot take extended jobs (end devices set it).
        public static let requiresStandardJobs = MiningFlags(rawValue: 1 << 0)
        /// The client will send SetCustomMiningJob.
        public static let requiresWorkSelection = MiningFlags(rawValue: 1 << 1)
        /// The server must not send jobs that forbid version rolling.
        public static let requiresVersionRolling = MiningFlags(rawValue: 1 << 2)
    }

    public var `protocol`: SV2Protocol
    public var minVersion: UInt16
    public var maxVersion: UInt16
    public var flags: UInt32
    public var endpointHost: Str0_255
    public var endpointPort: UInt16
    public var vendor: Str0_255
    public var hardwareVersion: Str0_255
    public var firmware: Str0_255
    public var deviceID: Str0_255

    public init(protocol: SV2Protocol = .mining, minVersion: UInt16 = 2, maxVersion: UInt16 = 2, flags: UInt32,
                endpointHost: Str0_255, endpointPort: UInt16, vendor: Str0_255, hardwareVersion: Str0_255,
                firmware: Str0_255, deviceID: Str0_255) {
        self.protocol = `protocol`
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.flags = flags
        self.endpointHost = endpointHost
        self.endpointPort = endpointPort
        self.vendor = vendor
        self.hardwareVersion = hardwareVersion
        self.firmware = firmware
        self.deviceID = deviceID
    }

    /// `flags` read as mining-protocol flags (meaningful when `protocol == .mining`).
    public var miningFlags: MiningFlags {
        get { MiningFlags(rawValue: flags) }
        set { flags = newValue.rawValue }
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        `protocol` = SV2Protocol(rawValue: try r.readU8())
        minVersion = try r.readU16()
        maxVersion = try r.readU16()
        flags = try r.readU32()
        endpointHost = try r.read()
        endpointPort = try r.readU16()
        vendor = try r.read()
        hardwareVersion = try r.read()
        firmware = try r.read()
        deviceID = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU8(`protocol`.rawValue)
        w.writeU16(minVersion)
        w.writeU16(maxVersion)
        w.writeU32(flags)
        w.write(endpointHost)
        w.writeU16(endpointPort)
        w.write(vendor)
        w.write(hardwareVersion)
        w.write(firmware)
        w.write(deviceID)
    }

    public var message: SV2Message { .setupConnection(self) }
}

/// SetupConnection.Success (0x01, S→C). Wire order: used_version U16 · flags U32.
public struct SetupConnectionSuccess: SV2MessageBody {
    public static var messageType: SV2MessageType { .setupConnectionSuccess }

    /// Mining-protocol flags the server answers with.
    public struct MiningFlags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// The server accepts no version changes; must not be set if the client required rolling.
        public static let requiresFixedVersion = MiningFlags(rawValue: 1 << 0)
        /// The server refuses standard channels.
        public static let requiresExtendedChannels = MiningFlags(rawValue: 1 << 1)
    }

    public var usedVersion: UInt16
    public var flags: UInt32

    public init(usedVersion: UInt16 = 2, flags: UInt32) {
        self.usedVersion = usedVersion
        self.flags = flags
    }

    public var miningFlags: MiningFlags {
        get { MiningFlags(rawValue: flags) }
        set { flags = newValue.rawValue }
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        usedVersion = try r.readU16()
        flags = try r.readU32()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU16(usedVersion)
        w.writeU32(flags)
    }

    public var message: SV2Message { .setupConnectionSuccess(self) }
}

/// SetupConnection.Error (0x02, S→C), sent before closing. Wire order: flags U32 (the client
/// flags the server does not support; 0 = another reason) · error_code STR0_255.
public struct SetupConnectionError: SV2MessageBody {
    public static var messageType: SV2MessageType { .setupConnectionError }

    public var flags: UInt32
    public var errorCode: SV2ErrorCode

    public init(flags: UInt32, errorCode: SV2ErrorCode) {
        self.flags = flags
        self.errorCode = errorCode
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        flags = try r.readU32()
        errorCode = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(flags)
        w.write(errorCode)
    }

    public var message: SV2Message { .setupConnectionError(self) }
}
