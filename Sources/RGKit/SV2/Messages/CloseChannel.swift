/// CloseChannel (0x18, either direction, channel message). Closing a group channel closes its
/// members. Wire order: channel_id U32 · reason_code STR0_255 (free text, e.g. "shutdown").
public struct CloseChannel: SV2MessageBody {
    public static var messageType: SV2MessageType { .closeChannel }

    public var channelID: UInt32
    public var reasonCode: Str0_255

    public init(channelID: UInt32, reasonCode: Str0_255) {
        self.channelID = channelID
        self.reasonCode = reasonCode
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        reasonCode = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.write(reasonCode)
    }

    public var message: SV2Message { .closeChannel(self) }
}
