/// SetExtranoncePrefix (0x19, S→C, channel message): applies to jobs sent after it.
/// Wire order: channel_id U32 · extranonce_prefix B0_32.
public struct SetExtranoncePrefix: SV2MessageBody {
    public static var messageType: SV2MessageType { .setExtranoncePrefix }

    public var channelID: UInt32
    public var extranoncePrefix: B0_32

    public init(channelID: UInt32, extranoncePrefix: B0_32) {
        self.channelID = channelID
        self.extranoncePrefix = extranoncePrefix
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        extranoncePrefix = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.write(extranoncePrefix)
    }

    public var message: SV2Message { .setExtranoncePrefix(self) }
}
