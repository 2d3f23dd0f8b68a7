/// ChannelEndpointChanged (0x03, S→C, channel message): the channel's upstream endpoint changed;
/// the client must treat outstanding submits and job state as reset. Wire order: channel_id U32.
public struct ChannelEndpointChanged: SV2MessageBody {
    public static var messageType: SV2MessageType { .channelEndpointChanged }

    public var channelID: UInt32

    public init(channelID: UInt32) { self.channelID = channelID }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
    }

    public var message: SV2Message { .channelEndpointChanged(self) }
}
