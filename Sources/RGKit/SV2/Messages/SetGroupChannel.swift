/// SetGroupChannel (0x25, S→C, not a channel message): puts channels into a group. Never sent to a
/// connection that set REQUIRES_STANDARD_JOBS.
/// Wire order: group_channel_id U32 · channel_ids SEQ0_64K[U32].
public struct SetGroupChannel: SV2MessageBody {
    public static var messageType: SV2MessageType { .setGroupChannel }

    public var groupChannelID: UInt32
    public var channelIDs: Seq0_64K<UInt32>

    public init(groupChannelID: UInt32, channelIDs: Seq0_64K<UInt32>) {
        self.groupChannelID = groupChannelID
        self.channelIDs = channelIDs
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        groupChannelID = try r.readU32()
        channelIDs = try r.read()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(groupChannelID)
        w.write(channelIDs)
    }

    public var message: SV2Message { .setGroupChannel(self) }
}
