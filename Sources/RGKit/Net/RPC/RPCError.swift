/// Why a JSON-RPC call to a node did not give a result. Each kind says what happened in words an
/// operator can act on: the node refused the connection, the credentials were wrong, the node
/// answered with an RPC error (its code, Core's name for it and its message), or the reply was
/// not a JSON-RPC reply. Equality is on `kind` only.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Nothing listens on the port (ECONNREFUSED).
        case connectionRefused
        /// The TCP connection could not be made in time.
        case connectTimeout
        /// No complete reply within the call's timeout.
        case timeout
        /// The connection closed before the reply was complete.
        case connectionClosed
        /// Any other network failure (DNS, reset, TLS).
        case transport
        /// HTTP 401: wrong or missing credentials.
        case unauthorized
        /// HTTP 403: the node's `rpcwhitelist` forbids the method.
        case forbidden
        /// An HTTP status without a JSON-RPC body (a wrong URL path, a proxy's error page).
        case httpStatus(Int)
        /// The node answered with a JSON-RPC error object.
        case rpc(code: Int64)
        /// The body was not a JSON-RPC reply to this request.
        case malformedReply
        /// The cookie file could not be read or parsed.
        case cookieUnavailable
        /// The call was cancelled (the tool is stopping).
        case cancelled
    }

    public var kind: Kind
    /// The node's message for `.rpc`, the detail otherwise.
    public var message: String
    /// The RPC method, when the error belongs to a call.
    public var method: String?
    /// `host:port` of the node.
    public var endpoint: String

    public init(_ kind: Kind, _ message: String, method: String? = nil, endpoint: String) {
        self.kind = kind
        self.message = message
        self.method = method
        self.endpoint = endpoint
    }

    public static func == (lhs: RPCError, rhs: RPCError) -> Bool { lhs.kind == rhs.kind }

    /// The RPC error code, for `.rpc`.
    public var rpcCode: Int64? {
        if case .rpc(let code) = kind { return code }
        return nil
    }

    /// Worth retrying the same call later: the node is down, starting, syncing or not yet
    /// connected, or the network dropped the call. Wrong credentials, a forbidden method, a
    /// malformed reply or any other RPC error are not (retrying gives the same answer).
    public var isTransient: Bool {
        switch kind {
        case .connectionRefused, .connectTimeout, .timeout, .connectionClosed, .transport, .cookieUnavailable:
            return true
        case .httpStatus(let status):
            return status >= 500 || status == 429
        case .rpc(let code):
            return code == RPCErrorCode.inWarmup || code == RPCErrorCode.clientNotConnected || code == RPCErrorCode.clientInInitialDownload
        case .unauthorized, .forbidden, .malformedReply, .cancelled:
            return false
        }
    }

    public var description: String {
        let call = method.map { "\($0): " } ?? ""
        switch kind {
        case .connectionRefused:
            return "\(call)connection refused by \(endpoint) (is the node running, and is this its RPC port?)"
        case .connectTimeout:
            return "\(call)could not connect to \(endpoint): \(message)"
        case .timeout:
            return "\(call)no reply from \(endpoint) \(message)"
        case .connectionClosed:
            return "\(call)\(endpoint) closed the connection before replying\(message.isEmpty ? "" : " (\(message))")"
        case .transport:
            return "\(call)network error talking to \(endpoint): \(message)"
        case .unauthorized:
            return "\(call)\(endpoint) answered 401 Unauthorized: \(message)"
        case .forbidden:
            return "\(call)\(endpoint) answered 403 Forbidden: the node's rpcwhitelist does not allow this method"
        case .httpStatus(let status):
            return "\(call)\(endpoint) answered HTTP \(status) without a JSON-RPC reply\(message.isEmpty ? "" : ": \(message)")"
        case .rpc(let code):
            let name = RPCErrorCode.meaning(code).map { " (\($0))" } ?? ""
            return "\(call)RPC error \(code)\(name): \(message)"
        case .malformedReply:
            return "\(call)malformed reply from \(endpoint): \(message)"
        case .cookieUnavailable:
            return "\(call)\(message)"
        case .cancelled:
            return "\(call)cancelled"
        }
    }
}

/// Bitcoin Core's RPC error codes (`src/rpc/protocol.h`) that a pool tool meets, with the
/// meaning an operator needs (bitcoin.md §1.4).
public enum RPCErrorCode {
    public static let miscError: Int64 = -1
    public static let typeError: Int64 = -3
    public static let invalidParameter: Int64 = -8
    public static let clientNotConnected: Int64 = -9
    public static let clientInInitialDownload: Int64 = -10
    public static let deserializationError: Int64 = -22
    public static let verifyError: Int64 = -25
    public static let verifyRejected: Int64 = -26
    public static let verifyAlreadyInChain: Int64 = -27
    public static let inWarmup: Int64 = -28
    public static let invalidRequest: Int64 = -32600
    public static let methodNotFound: Int64 = -32601
    public static let invalidParams: Int64 = -32602
    public static let internalError: Int64 = -32603
    public static let parseError: Int64 = -32700

    public static func meaning(_ code: Int64) -> String? {
        switch code {
        case miscError: "misc error"
        case typeError: "wrong parameter type"
        case invalidParameter: "invalid parameter"
        case clientNotConnected: "node not connected to peers, or shutting down"
        case clientInInitialDownload: "node in initial block download"
        case deserializationError: "could not decode"
        case verifyError: "verify error"
        case verifyRejected: "verify rejected"
        case verifyAlreadyInChain: "already in chain"
        case inWarmup: "node warming up"
        case invalidRequest: "invalid request"
        case methodNotFound: "method not found"
        case invalidParams: "invalid params"
        case internalError: "internal error"
        case parseError: "parse error"
        default: nil
        }
    }
}
