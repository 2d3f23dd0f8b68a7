/// Reconnect (0x04, S→C): reconnect (and redo the handshake) elsewhere; the new server's
/// certificate must be signed by the same authority key. Not forwarded by proxies.
/// Wire order: new_host STR0_255 (empty = same host) · new_port U16 (0 = same port).
public struct Reconnect: SV2MessageBody {
    public static var messageType: SV2MessageType { .reconnect }

    public var newHost: Str0_255
    public var newPort: UInt16

    public init(newHost: Str0_255 = .empty, newPort: UInt16 = 0) {
        self.newHost = newHost
        self.newPort = newPort
    }

    public init(sv2 r: inout SV2Reader) throws(SV2Error) {
        newHost = try r.read()
        newPort = try r.readU16()
    }

    public func encode(to w: inout SV2Writer) {
        w.write(newHost)
        w.writeU16(newPort)
    }

    public var message: SV2Message { .reconnect(self) }
}
