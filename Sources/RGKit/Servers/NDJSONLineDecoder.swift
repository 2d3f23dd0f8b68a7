import NIOCore

/// Splits a TCP byte stream into NDJSON lines at `\n` (a `\r` before it is dropped). A line
/// longer than `maxLineBytes` is refused as soon as that many bytes have arrived without a
/// newline — the peer cannot make the server buffer more than the limit plus one read — and
/// the error closes that connection only. Bytes after the last newline at end of stream are a
/// final, unterminated line (so a truncated request still gets its error reply).
public struct NDJSONLineDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public let maxLineBytes: Int
    /// How far the current line has been searched for a newline, so each byte is scanned once.
    private var scanned = 0

    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let view = buffer.readableBytesView
        let searchFrom = view.startIndex + scanned
        guard let newline = view[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if scanned > maxLineBytes { throw NDJSONLineTooLong(limit: maxLineBytes) }
            return nil
        }
        scanned = 0
        var length = newline - view.startIndex
        if length > maxLineBytes { throw NDJSONLineTooLong(limit: maxLineBytes) }
        if length > 0 && view[newline - 1] == UInt8(ascii: "\r") { length -= 1 }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: newline - view.startIndex - length + 1)
        return line
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        if let line = try decode(buffer: &buffer) { return line }
        guard buffer.readableBytes > 0 else { return nil }
        scanned = 0
        return buffer.readSlice(length: buffer.readableBytes)
    }
}

/// A line went past the limit without a newline.
public struct NDJSONLineTooLong: Error, CustomStringConvertible {
    public var limit: Int
    public var description: String { "line longer than \(limit) bytes without a newline" }
}
