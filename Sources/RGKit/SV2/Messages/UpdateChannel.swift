/// UpdateChannel (0x16, C→S, channel message). No reply when accepted; if the new maximum is
/// below the current target the server must send SetTarget.
/// Wire order: channel_id U32 · nominal_hash_rate F32 · maximum_target U256.
public struct UpdateChannel: SV2MessageBody {
    public static var messageType: SV2MessageType { .updateChannel }

    public var channelID: UInt32
    public var nominalHashRate: Float
    public var maximumTarget: Bytes32

    public init(channelID: UInt32, nominalHashRate: Float, maximumTarget: Bytes32) {
        self.channelID = channelID
        self.nominalHashRate = nominalHashRate
        self.maximumTarget = maximumTarget
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        nominalHashRate = try r.read()
        maximumTarget = try r.readU256()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.write(nominalHashRate)
        w.writeU256(maximumTarget)
    }

    public var message: SV2Message { .updateChannel(self) }
}

/// UpdateChannel.Error (0x17, S→C, channel message). Wire order: channel_id U32 · error_code STR0_255.
public struct UpdateChannelError: SV2MessageBody {
    public static var messageType: SV2MessageType { .updateChannelError }

    public var channelID: UInt32
    public var errorCode: SV2ErrorCode

    public init(channelID: UInt32, errorCode: SV2ErrorCode) {
        self.channelID = channelID
        self.errorCode = errorCode
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        errorCode = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.write(errorCode)
    }

    public var message: SV2Message { .updateChannelError(self) }
}
