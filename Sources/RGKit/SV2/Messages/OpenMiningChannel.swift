/// OpenStandardMiningChannel (0x10, C→S). Wire order: request_id U32 · user_identity STR0_255 ·
/// nominal_hash_rate F32 (H/s) · max_target U256 (the easiest target the device accepts).
public struct OpenStandardMiningChannel: SV2MessageBody {
    public static var messageType: SV2MessageType { .openStandardMiningChannel }

    public var requestID: UInt32
    public var userIdentity: Str0_255
    public var nominalHashRate: Float
    /// U256 wire bytes; compares as a little-endian integer.
    public var maxTarget: Bytes32

    public init(requestID: UInt32, userIdentity: Str0_255, nominalHashRate: Float, maxTarget: Bytes32) {
        self.requestID = requestID
        self.userIdentity = userIdentity
        self.nominalHashRate = nominalHashRate
        self.maxTarget = maxTarget
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        requestID = try r.readU32()
        userIdentity = try r.read()
        nominalHashRate = try r.read()
        maxTarget = try r.readU256()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(requestID)
        w.write(userIdentity)
        w.write(nominalHashRate)
        w.writeU256(maxTarget)
    }

    public var message: SV2Message { .openStandardMiningChannel(self) }
}

/// OpenStandardMiningChannel.Success (0x11, S→C). Wire order: request_id U32 · channel_id U32 ·
/// target U256 · extranonce_prefix B0_32 · group_channel_id U32.
public struct OpenStandardMiningChannelSuccess: SV2MessageBody {
    public static var messageType: SV2MessageType { .openStandardMiningChannelSuccess }

    public var requestID: UInt32
    public var channelID: UInt32
    public var target: Bytes32
    public var extranoncePrefix: B0_32
    public var groupChannelID: UInt32

    public init(requestID: UInt32, channelID: UInt32, target: Bytes32, extranoncePrefix: B0_32, groupChannelID: UInt32) {
        self.requestID = requestID
        self.channelID = channelID
        self.target = target
        self.extranoncePrefix = extranoncePrefix
        self.groupChannelID = groupChannelID
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        requestID = try r.readU32()
        channelID = try r.readU32()
        target = try r.readU256()
        extranoncePrefix = try r.read()
        groupChannelID = try r.readU32()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(requestID)
        w.writeU32(channelID)
        w.writeU256(target)
        w.write(extranoncePrefix)
        w.writeU32(groupChannelID)
    }

    public var message: SV2Message { .openStandardMiningChannelSuccess(self) }
}

/// OpenMiningChannel.Error (0x12, S→C), for both channel kinds. Wire order: request_id U32 ·
/// error_code STR0_255.
public struct OpenMiningChannelError: SV2MessageBody {
    public static var messageType: SV2MessageType { .openMiningChannelError }

    public var requestID: UInt32
    public var errorCode: SV2ErrorCode

    public init(requestID: UInt32, errorCode: SV2ErrorCode) {
        self.requestID = requestID
        self.errorCode = errorCode
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        requestID = try r.readU32()
        errorCode = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(requestID)
        w.write(errorCode)
    }

    public var message: SV2Message { .openMiningChannelError(self) }
}

/// OpenExtendedMiningChannel (0x13, C→S): the 0x10 fields plus min_extranonce_size U16.
public struct OpenExtendedMiningChannel: SV2MessageBody {
    public static var messageType: SV2MessageType { .openExtendedMiningChannel }

    public var requestID: UInt32
    public var userIdentity: Str0_255
    public var nominalHashRate: Float
    public var maxTarget: Bytes32
    public var minExtranonceSize: UInt16

    public init(requestID: UInt32, userIdentity: Str0_255, nominalHashRate: Float, maxTarget: Bytes32,
                minExtranonceSize: UInt16) {
        self.requestID = requestID
        self.userIdentity = userIdentity
        self.nominalHashRate = nominalHashRate
        self.maxTarget = maxTarget
        self.minExtranonceSize = minExtranonceSize
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        requestID = try r.readU32()
        userIdentity = try r.read()
        nominalHashRate = try r.read()
        maxTarget = try r.readU256()
        minExtranonceSize = try r.readU16()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(requestID)
        w.write(userIdentity)
        w.write(nominalHashRate)
        w.writeU256(maxTarget)
        w.writeU16(minExtranonceSize)
    }

    public var message: SV2Message { .openExtendedMiningChannel(self) }
}

/// OpenExtendedMiningChannel.Success (0x14, S→C). Wire order: request_id U32 · channel_id U32 ·
/// target U256 · extranonce_size U16 · extranonce_prefix B0_32 · group_channel_id U32.
public struct OpenExtendedMiningChannelSuccess: SV2MessageBody {
    public static var messageType: SV2MessageType { .openExtendedMiningChannelSuccess }

    public var requestID: UInt32
    public var channelID: UInt32
    public var target: Bytes32
    public var extranonceSize: UInt16
    public var extranoncePrefix: B0_32
    public var groupChannelID: UInt32

    public init(requestID: UInt32, channelID: UInt32, target: Bytes32, extranonceSize: UInt16,
                extranoncePrefix: B0_32, groupChannelID: UInt32) {
        self.requestID = requestID
        self.channelID = channelID
        self.target = target
        self.extranonceSize = extranonceSize
        self.extranoncePrefix = extranoncePrefix
        self.groupChannelID = groupChannelID
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        requestID = try r.readU32()
        channelID = try r.readU32()
        target = try r.readU256()
        extranonceSize = try r.readU16()
        extranoncePrefix = try r.read()
        groupChannelID = try r.readU32()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(requestID)
        w.writeU32(channelID)
        w.writeU256(target)
        w.writeU16(extranonceSize)
        w.write(extranoncePrefix)
        w.writeU32(groupChannelID)
    }

    public var message: SV2Message { .openExtendedMiningChannelSuccess(self) }
}
