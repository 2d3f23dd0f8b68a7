/// One SV2 message struct: its type-table entry plus the field codec (`SV2Codable`). Each
/// conforming type keeps `init(sv2:)` and `encode(to:)` next to each other in its own file, with
/// the fields in the spec's order.
public protocol SV2MessageBody: SV2Codable {
    static var messageType: SV2MessageType { get }
    /// The enum case wrapping this message.
    var message: SV2Message { get }
}

extension SV2MessageBody {
    public static var minEncodedSize: Int { messageType.minPayloadLength }

    /// Decodes a whole payload: every byte must be consumed (`trailingBytes` otherwise). Errors
    /// name the message type.
    public static func decode(payload: [UInt8]) throws(SV2Error) -> Self {
        var reader = SV2Reader(payload)
        do throws(SV2Error) {
            let value = try Self(sv2: &reader)
            try reader.expectEnd()
            return value
        } catch {
            throw error.inContext(messageType.name)
        }
    }

    /// The payload bytes (no header).
    public var payload: [UInt8] {
        var writer = SV2Writer(capacity: Self.messageType.minPayloadLength + 16)
        encode(to: &writer)
        return writer.bytes
    }

    /// The frame, with the `channel_msg` bit the type table requires.
    public var frame: SV2Frame {
        SV2Frame(msgType: Self.messageType.rawValue, isChannelMessage: Self.messageType.isChannelMessage, payload: payload)
    }
}
