import NIOCore

/// Splits a plaintext byte stream into `SV2Frame`s. In a pipeline:
/// `ByteToMessageHandler(SV2FrameDecoder(maxPayload: …))`.
///
/// - A header announcing more than `maxPayload` bytes throws `frameTooLarge` as soon as its 6 bytes
///   are readable: the payload is never waited for or buffered.
/// - Not enough bytes yet is `nil` (need more data); the reader index is left alone.
/// - At EOF, bytes left over that do not make a whole frame throw `truncatedFrame`.
///
/// After any error the stream cannot be resynchronised (there is no frame marker): close the
/// connection.
public struct SV2FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = SV2Frame

    /// Largest payload accepted. Pick it from what the peer may send, e.g.
    /// `SV2MessageType.largestPayloadLength(sentBy: .client)` (1291 bytes) on a pool gateway.
    public let maxPayload: Int

    public init(maxPayload: Int = SV2MessageType.largestPayloadLength) {
        self.maxPayload = max(0, min(maxPayload, SV2FrameHeader.maxPayloadLength))
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> SV2Frame? {
        guard let header = buffer.peekSV2FrameHeader() else { return nil }
        guard header.payloadLength <= maxPayload else {
            throw SV2Error(.frameTooLarge, at: 3,
                           "msg_type 0x\(hex2(header.msgType)) announces \(header.payloadLength) bytes > maximum \(maxPayload)")
        }
        guard buffer.readableBytes >= SV2Frame.headerSize + header.payloadLength else { return nil }
        buffer.moveReaderIndex(forwardBy: SV2Frame.headerSize)
        guard let payload = buffer.readBytes(length: header.payloadLength) else { return nil }   // checked above
        return SV2Frame(extensionType: header.extensionType, msgType: header.msgType, payload: payload)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SV2Frame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        if seenEOF, buffer.readableBytes > 0 {
            throw SV2Error(.truncatedFrame, "stream ended inside a frame: \(buffer.readableBytes) bytes left over")
        }
        return nil
    }
}

/// Writes `SV2Frame`s: `MessageToByteHandler(SV2FrameEncoder())`.
public struct SV2FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = SV2Frame
    public init() {}
    public func encode(data: SV2Frame, out: inout ByteBuffer) {
        out.writeSV2Frame(data)
    }
}

/// Writes `SV2Message`s as frames: `MessageToByteHandler(SV2MessageEncoder())`.
public struct SV2MessageEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = SV2Message
    public init() {}
    public func encode(data: SV2Message, out: inout ByteBuffer) {
        out.writeSV2Frame(data.frame)
    }
}

extension ByteBuffer {
    /// The frame header at the reader index, without moving it; nil if fewer than 6 bytes are readable.
    public func peekSV2FrameHeader() -> SV2FrameHeader? {
        let i = readerIndex
        guard let ext = getInteger(at: i, endianness: .little, as: UInt16.self),
              let type = getInteger(at: i + 2, as: UInt8.self),
              let lenLow = getInteger(at: i + 3, endianness: .little, as: UInt16.self),
              let lenHigh = getInteger(at: i + 5, as: UInt8.self)
        else { return nil }
        return SV2FrameHeader(extensionType: ext, msgType: type, payloadLength: Int(lenHigh) << 16 | Int(lenLow))
    }

    /// Appends header and payload.
    @discardableResult
    public mutating func writeSV2Frame(_ frame: SV2Frame) -> Int {
        writeBytes(frame.header.bytes) + writeBytes(frame.payload)
    }
}
