/// SetTarget (0x21, S→C, channel message): applies to jobs received afterwards and to future jobs
/// already received. Wire order: channel_id U32 · maximum_target U256 (little-endian integer;
/// sending it big-endian is a known real-world failure, ESP-Miner #1758).
public struct SetTarget: SV2MessageBody {
    public static var messageType: SV2MessageType { .setTarget }

    public var channelID: UInt32
    public var maximumTarget: Bytes32

    public init(channelID: UInt32, maximumTarget: Bytes32) {
        self.channelID = channelID
        self.maximumTarget = maximumTarget
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        channelID = try r.readU32()
        maximumTarget = try r.readU256()
    }

    public func encode(to w: inout SV2Writer) {
        w.writeU32(channelID)
        w.writeU256(maximumTarget)
    }

    public var message: SV2Message { .setTarget(self) }
}
