/// The two JSON-RPC dialects Bitcoin Core speaks (bitcoin.md §1.7):
/// - legacy (1.0/1.1, no `"jsonrpc"` member): a reply carries both `result` and `error` (one of
///   them null) and an RPC error comes with HTTP 500 (404 for -32601, 400 for -32600);
/// - 2.0 (Core ≥ 28, when the request says `"jsonrpc":"2.0"`): exactly one of `result`/`error`,
///   HTTP 200 even for RPC errors, and a notification (no `id`) gets 204 with no body.
public enum JSONRPCVersion: String, Sendable, CaseIterable {
    case v1 = "1.0"
    case v2 = "2.0"
}

// MARK: - Client side

/// Encodes a request body. `params` is an already-encoded JSON array or object.
public enum JSONRPCRequest {
    public static func encode(method: String, params: some Collection<UInt8>, id: Int64, version: JSONRPCVersion) -> [UInt8] {
        var w = JSONWriter(capacity: params.count + 96)
        w.beginObject()
        if version == .v2 { w.field("jsonrpc", "2.0") }
        w.field("id", id)
        w.field("method", method)
        w.key("params")
        w.raw(params)
        w.endObject()
        return w.bytes
    }
}

/// Reads a node's reply to one request, in either dialect, whatever the HTTP status: Core
/// sends legacy RPC errors with HTTP 500 and 2.0 errors with HTTP 200, so the body decides.
/// Pure: status and body in, the `result` value or an `RPCError` out.
public enum JSONRPCReply {
    /// Largest body quoted in an error message.
    static let quoteLimit = 200

    public static func parse(status: Int, body: [UInt8], expectedID: Int64, method: String, endpoint: String) throws(RPCError) -> JSONValue {
        func fail(_ kind: RPCError.Kind, _ message: String) -> RPCError { RPCError(kind, message, method: method, endpoint: endpoint) }
        switch status {
        case 401: throw fail(.unauthorized, "wrong or missing credentials")
        case 403: throw fail(.forbidden, "")
        default: break
        }
        let document: JSONDocument
        do {
            document = try JSONDocument(bytes: body)
        } catch {
            if status != 200 { throw fail(.httpStatus(status), quote(body)) }
            throw fail(.malformedReply, body.isEmpty ? "empty body" : "not JSON: \(error)")
        }
        let root = document.root
        guard root.kind == .object else {
            if status != 200 { throw fail(.httpStatus(status), quote(body)) }
            throw fail(.malformedReply, "expected a JSON object, got \(root.kind.noun)")
        }
        let resultMember = root["result"]
        let errorMember = root["error"]
        let isV2 = root["jsonrpc"]?.string == "2.0"
        if isV2 {
            // 2.0: exactly one of the two members.
            if (resultMember != nil) == (errorMember != nil) {
                throw fail(.malformedReply, "a JSON-RPC 2.0 reply needs exactly one of \"result\" and \"error\"")
            }
        } else if resultMember == nil && errorMember == nil {
            if status != 200 { throw fail(.httpStatus(status), quote(body)) }
            throw fail(.malformedReply, "neither \"result\" nor \"error\" in the reply")
        }
        // The id must echo ours; a parse error may come back with id null.
        let id = root["id"]
        if let errorMember, !errorMember.isNull {
            let (code, message) = try errorObject(errorMember, fail)
            if let id, !id.isNull, id.int64 != expectedID {
                throw fail(.malformedReply, "reply id \(String(decoding: id.rawBytes, as: UTF8.self)) does not match request id \(expectedID)")
            }
            throw fail(.rpc(code: code), message)
        }
        guard let id, id.int64 == expectedID else {
            let got = root["id"].map { String(decoding: $0.rawBytes, as: UTF8.self) } ?? "missing"
            throw fail(.malformedReply, "reply id \(got) does not match request id \(expectedID)")
        }
        guard let resultMember else { throw fail(.malformedReply, "no \"result\" in the reply") }
        if status != 200 {
            throw fail(.malformedReply, "HTTP \(status) with a result and no error")
        }
        return resultMember
    }

    private static func errorObject(_ value: JSONValue, _ fail: (RPCError.Kind, String) -> RPCError) throws(RPCError) -> (Int64, String) {
        guard value.kind == .object else { throw fail(.malformedReply, "\"error\" is \(value.kind.noun), not an object") }
        guard let code = value["code"]?.int64 else { throw fail(.malformedReply, "\"error\" has no integer \"code\"") }
        let message = value["message"]?.string ?? ""
        return (code, message)
    }

    static func quote(_ body: [UInt8]) -> String {
        if body.isEmpty { return "" }
        let text = String(decoding: body.prefix(quoteLimit), as: UTF8.self)
        let cleaned = String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
        return body.count > quoteLimit ? cleaned + "…" : cleaned
    }
}

// MARK: - Server side

/// One request a server received. `idJSON` is the request's id exactly as sent (`null` when
/// absent), echoed in the reply.
public struct JSONRPCCall: Sendable {
    public var version: JSONRPCVersion
    public var idJSON: [UInt8]
    /// A 2.0 request without an `id`: it gets no reply.
    public var isNotification: Bool
    public var method: String
    /// The `params` array or object; nil when absent.
    public var params: JSONValue?

    /// Positional parameter `index`, or the named one, treating JSON null as absent (as Core does).
    public func parameter(_ index: Int, named name: String) -> JSONValue? {
        guard let params else { return nil }
        let value: JSONValue?
        if params.kind == .array {
            value = params.elements.dropFirst(index).first { _ in true }
        } else {
            value = params[name]
        }
        guard let value, !value.isNull else { return nil }
        return value
    }
}

/// A JSON-RPC failure with the code and message sent back, and the dialect and id to send it in.
public struct JSONRPCFault: Error, Sendable, Equatable {
    public var code: Int64
    public var message: String
    public init(_ code: Int64, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// What one HTTP body held: a single request or a batch (an array of them). A malformed member
/// of a batch is a fault for that member only.
public enum JSONRPCIncoming: Sendable {
    case single(Result<JSONRPCCall, JSONRPCRequestFault>)
    case batch([Result<JSONRPCCall, JSONRPCRequestFault>])
}

/// A request that could not be understood, with what the reply needs to say so.
public struct JSONRPCRequestFault: Error, Sendable {
    public var fault: JSONRPCFault
    public var version: JSONRPCVersion
    public var idJSON: [UInt8]
}

public enum JSONRPCServerParser {
    /// Parses an HTTP body. A body that is not JSON (bad syntax, invalid UTF-8, too deep) is one
    /// -32700 parse error; any other shape problem is -32600 for the request concerned.
    public static func parse(_ body: [UInt8], maxBatch: Int) -> JSONRPCIncoming {
        let document: JSONDocument
        do {
            document = try JSONDocument(bytes: body, maxDepth: 32)
        } catch {
            return .single(.failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.parseError, "Parse error: \(error)"), version: .v1, idJSON: Array("null".utf8))))
        }
        let root = document.root
        switch root.kind {
        case .object:
            return .single(call(root))
        case .array:
            var calls: [Result<JSONRPCCall, JSONRPCRequestFault>] = []
            for element in root.elements {
                guard calls.count < maxBatch else {
                    return .single(.failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "Batch larger than \(maxBatch) requests"), version: .v1, idJSON: Array("null".utf8))))
                }
                calls.append(call(element))
            }
            if calls.isEmpty {
                return .single(.failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "Empty batch"), version: .v2, idJSON: Array("null".utf8))))
            }
            return .batch(calls)
        default:
            return .single(.failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "Top-level object parse error"), version: .v1, idJSON: Array("null".utf8))))
        }
    }

    private static func call(_ value: JSONValue) -> Result<JSONRPCCall, JSONRPCRequestFault> {
        guard value.kind == .object else {
            return .failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "Invalid Request object"), version: .v1, idJSON: Array("null".utf8)))
        }
        let idValue = value["id"]
        let idJSON = idValue.map { Array($0.rawBytes) } ?? Array("null".utf8)
        var version = JSONRPCVersion.v1
        if let tag = value["jsonrpc"] {
            switch tag.string {
            case "2.0": version = .v2
            case "1.0", "1.1": version = .v1
            default:
                return .failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "JSON-RPC version not supported"), version: .v1, idJSON: idJSON))
            }
        }
        if let idValue, ![.string, .number, .null].contains(idValue.kind) {
            return .failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "id must be a string, a number or null"), version: version, idJSON: Array("null".utf8)))
        }
        guard let methodValue = value["method"] else {
            return .failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "Missing method"), version: version, idJSON: idJSON))
        }
        guard let method = methodValue.string else {
            return .failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "Method must be a string"), version: version, idJSON: idJSON))
        }
        var params: JSONValue?
        if let p = value["params"], !p.isNull {
            guard p.kind == .array || p.kind == .object else {
                return .failure(JSONRPCRequestFault(fault: JSONRPCFault(RPCErrorCode.invalidRequest, "Params must be an array or object"), version: version, idJSON: idJSON))
            }
            params = p
        }
        return .success(JSONRPCCall(version: version, idJSON: idJSON, isNotification: version == .v2 && idValue == nil, method: method, params: params))
    }
}

/// Encodes replies as Core does, with the HTTP status each dialect uses.
public enum JSONRPCResponse {
    public static func result(_ resultJSON: some Collection<UInt8>, id: [UInt8], version: JSONRPCVersion) -> [UInt8] {
        var w = JSONWriter(capacity: resultJSON.count + 64)
        w.beginObject()
        if version == .v2 { w.field("jsonrpc", "2.0") }
        w.key("result"); w.raw(resultJSON)
        if version == .v1 { w.key("error"); w.null() }
        w.key("id"); w.raw(id)
        w.endObject()
        return w.bytes
    }

    public static func error(_ fault: JSONRPCFault, id: [UInt8], version: JSONRPCVersion) -> [UInt8] {
        var w = JSONWriter(capacity: fault.message.utf8.count + 96)
        w.beginObject()
        if version == .v2 { w.field("jsonrpc", "2.0") }
        if version == .v1 { w.key("result"); w.null() }
        w.key("error")
        w.beginObject()
        w.field("code", fault.code)
        w.field("message", fault.message)
        w.endObject()
        w.key("id"); w.raw(id)
        w.endObject()
        return w.bytes
    }

    /// Core's `JSONErrorReply`: legacy errors are 500 except -32600 (400) and -32601 (404);
    /// 2.0 errors are 200.
    public static func httpStatus(forError code: Int64, version: JSONRPCVersion) -> Int {
        guard version == .v1 else { return 200 }
        switch code {
        case RPCErrorCode.invalidRequest: return 400
        case RPCErrorCode.methodNotFound: return 404
        default: return 500
        }
    }
}
