import Foundation
import Testing
@testable import RGKit

@Suite struct Base64Tests {
    /// RFC 4648 §10.
    static let vectors: [(String, String)] = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                                              ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]

    @Test func rfc4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func everyByteValueRoundTrips() {
        let all = (0...255).map { UInt8($0) }
        for length in 0...all.count { #expect(Base64.decode(Base64.encode(all.prefix(length))) == Array(all.prefix(length))) }
    }

    @Test func malformedInputIsRefused() {
        for bad in ["Zg=", "Zg", "Z===", "Zm9v!A==", "Zg==Zg==", "Zh==", "Zm9=", "====", "Zm 9v"] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct RPCCredentialsTests {
    @Test func basicAuthorizationRoundTripsAndKeepsColonsInThePassword() {
        let credentials = RPCCredentials(user: "pool", password: "p:a:ss")
        #expect(credentials.basicAuthorization == "Basic " + Base64.encode(Array("pool:p:a:ss".utf8)))
        #expect(RPCCredentials.parseBasicAuthorization(credentials.basicAuthorization) == credentials)
        #expect(RPCCredentials.parseBasicAuthorization("basic  \(Base64.encode(Array("u:p".utf8))) ") == RPCCredentials(user: "u", password: "p"))
    }

    @Test func otherSchemesAndBrokenHeadersAreNotCredentials() {
        #expect(RPCCredentials.parseBasicAuthorization("Bearer abc") == nil)
        #expect(RPCCredentials.parseBasicAuthorization("Basic !!!!") == nil)
        #expect(RPCCredentials.parseBasicAuthorization("Basic " + Base64.encode(Array("nocolon".utf8))) == nil)
        #expect(RPCCredentials.parseBasicAuthorization("Basic " + Base64.encode([0xFF, 0x3A, 0x41])) == nil)   // not UTF-8
        #expect(RPCCredentials.parseBasicAuthorization("") == nil)
    }

    @Test func descriptionNeverShowsThePassword() {
        let credentials = RPCCredentials(user: "pool", password: "hunter2")
        #expect(!"\(credentials)".contains("hunter2"))
        #expect(!"\(RPCAuthSource.userPassword(credentials))".contains("hunter2"))
    }

    @Test func coreCookieFilesParse() throws {
        let password = String(repeating: "ab", count: 32)
        for content in ["__cookie__:\(password)", "__cookie__:\(password)\n", "__cookie__:\(password)\r\n"] {
            #expect(try RPCCookie.parse(Array(content.utf8)) == RPCCredentials(user: "__cookie__", password: password))
        }
        // The password is everything after the first colon.
        #expect(try RPCCookie.parse(Array("u:a:b".utf8)).password == "a:b")
    }

    @Test func brokenCookieFilesSayWhatIsWrongWithoutQuotingTheSecret() {
        let cases: [(String, String)] = [("", "empty"), ("\n", "empty"), ("__cookie__", "colon"), (":secret", "user"),
                                         ("__cookie__:", "password"), ("__cookie__:a\nsecond:line", "more than one line")]
        for (content, expected) in cases {
            #expect(throws: RPCCookieError.self) { try RPCCookie.parse(Array(content.utf8)) }
            do { _ = try RPCCookie.parse(Array(content.utf8)) } catch {
                #expect(error.message.contains(expected), "\(content.debugDescription): \(error)")
                #expect(!error.message.contains("secret"))
            }
        }
        #expect(throws: RPCCookieError.self) { try RPCCookie.parse([0x5F, 0x3A, 0xC3, 0x28]) }   // not UTF-8
    }

    @Test func generatedCookiesLookLikeCores() throws {
        let a = RPCCookie.generate(), b = RPCCookie.generate()
        #expect(a.user == "__cookie__" && a.password.count == 64 && Hex.isHex(a.password))
        #expect(a != b)
        #expect(try RPCCookie.parse(RPCCookie.fileContents(a)) == a)
    }
}

@Suite struct JSONRPCReplyTests {
    func parse(_ status: Int, _ body: String, id: Int64 = 7) throws(RPCError) -> JSONValue {
        try JSONRPCReply.parse(status: status, body: Array(body.utf8), expectedID: id, method: "getblocktemplate", endpoint: "127.0.0.1:8332")
    }

    func error(_ status: Int, _ body: String, id: Int64 = 7) -> RPCError? {
        do { _ = try parse(status, body, id: id); return nil } catch { return error }
    }

    @Test func version2ResultAndVersion1ResultGiveTheResult() throws {
        #expect(try parse(200, #"{"jsonrpc":"2.0","result":{"height":5},"id":7}"#)["height"]?.int64 == 5)
        #expect(try parse(200, #"{"result":{"height":6},"error":null,"id":7}"#)["height"]?.int64 == 6)
        #expect(try parse(200, #"{"result":null,"error":null,"id":7}"#).isNull)   // submitblock accepted
    }

    @Test func version2ErrorsComeWithHTTP200AndVersion1ErrorsWithHTTP500() {
        let v2 = error(200, #"{"jsonrpc":"2.0","error":{"code":-28,"message":"Loading block index…"},"id":7}"#)
        #expect(v2?.kind == .rpc(code: -28) && v2?.message == "Loading block index…" && v2?.isTransient == true)
        let v1 = error(500, #"{"result":null,"error":{"code":-10,"message":"Bitcoin Core is in initial sync and waiting for blocks..."},"id":7}"#)
        #expect(v1?.kind == .rpc(code: -10) && v1?.isTransient == true)
        #expect(v1.map { "\($0)" }?.contains("RPC error -10 (node in initial block download): Bitcoin Core is in initial sync") == true)
        let notConnected = error(500, #"{"result":null,"error":{"code":-9,"message":"Bitcoin Core is not connected!"},"id":7}"#)
        #expect(notConnected?.kind == .rpc(code: -9) && notConnected?.isTransient == true)
        let notFound = error(404, #"{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":7}"#)
        #expect(notFound?.kind == .rpc(code: -32601) && notFound?.isTransient == false)
        // A parse error may come back with id null.
        #expect(error(500, #"{"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}"#)?.kind == .rpc(code: -32700))
    }

    @Test func httpErrorsWithoutAJSONRPCBodyAreNamed() {
        #expect(error(401, "")?.kind == .unauthorized)
        #expect(error(403, "")?.kind == .forbidden)
        #expect(error(404, "")?.kind == .httpStatus(404))
        let proxy = error(502, "<html><body>Bad Gateway</body></html>")
        #expect(proxy?.kind == .httpStatus(502) && proxy?.isTransient == true && proxy?.message.contains("Bad Gateway") == true)
        #expect(error(503, "[1,2]")?.kind == .httpStatus(503))
    }

    @Test func malformedRepliesAreRefusedWithTheReason() {
        let cases: [(Int, String, String)] = [
            (200, "", "empty body"),
            (200, "not json", "not JSON"),
            (200, "[1]", "expected a JSON object"),
            (200, #"{"jsonrpc":"2.0","result":1,"error":null,"id":7}"#, "exactly one"),
            (200, #"{"id":7}"#, "neither"),
            (200, #"{"result":1,"error":null,"id":8}"#, "does not match request id 7"),
            (200, #"{"result":1,"error":null}"#, "reply id missing"),
            (200, #"{"result":null,"error":{"message":"x"},"id":7}"#, "no integer \"code\""),
            (200, #"{"result":null,"error":"boom","id":7}"#, "not an object"),
            (500, #"{"result":1,"error":null,"id":7}"#, "HTTP 500 with a result"),
        ]
        for (status, body, expected) in cases {
            let e = error(status, body)
            #expect(e?.kind == .malformedReply, "\(body)")
            #expect(e?.message.contains(expected) == true, "\(body): \(e.map { "\($0)" } ?? "no error")")
        }
    }

    @Test func transientKindsAreTheOnesWorthRetrying() {
        func make(_ kind: RPCError.Kind) -> RPCError { RPCError(kind, "", endpoint: "x") }
        for kind in [RPCError.Kind.connectionRefused, .connectTimeout, .timeout, .connectionClosed, .transport, .cookieUnavailable, .httpStatus(503), .rpc(code: -28)] {
            #expect(make(kind).isTransient, "\(kind)")
        }
        for kind in [RPCError.Kind.unauthorized, .forbidden, .malformedReply, .cancelled, .httpStatus(404), .rpc(code: -8), .rpc(code: -22)] {
            #expect(!make(kind).isTransient, "\(kind)")
        }
        #expect("\(make(.connectionRefused))".contains("connection refused by x"))
    }

    @Test func requestsAreEncodedInEitherDialect() throws {
        let v2 = try JSONDocument(bytes: JSONRPCRequest.encode(method: "getblocktemplate", params: Array(#"[{"rules":["segwit"]}]"#.utf8), id: 3, version: .v2)).root
        #expect(v2["jsonrpc"]?.string == "2.0" && v2["id"]?.int64 == 3 && v2["method"]?.string == "getblocktemplate")
        #expect(v2["params"]?.elements.first { _ in true }?["rules"]?.elements.first { _ in true }?.string == "segwit")
        let v1 = try JSONDocument(bytes: JSONRPCRequest.encode(method: "getmempoolinfo", params: Array("[]".utf8), id: 4, version: .v1)).root
        #expect(v1["jsonrpc"] == nil && v1["id"]?.int64 == 4)
    }
}

@Suite struct JSONRPCServerParserTests {
    func single(_ body: String) -> Result<JSONRPCCall, JSONRPCRequestFault> {
        guard case .single(let result) = JSONRPCServerParser.parse(Array(body.utf8), maxBatch: 10) else { Issue.record("not single"); return .failure(JSONRPCRequestFault(fault: JSONRPCFault(0, ""), version: .v1, idJSON: [])) }
        return result
    }

    func fault(_ body: String) -> JSONRPCFault? {
        if case .failure(let f) = single(body) { return f.fault }
        return nil
    }

    @Test func requestsInBothDialects() throws {
        let v1 = try single(#"{"method":"getblocktemplate","params":[{"rules":["segwit"]}],"id":"a"}"#).get()
        #expect(v1.version == .v1 && v1.method == "getblocktemplate" && v1.idJSON == Array("\"a\"".utf8) && !v1.isNotification)
        #expect(v1.parameter(0, named: "template_request")?["rules"] != nil)
        let v2 = try single(#"{"jsonrpc":"2.0","method":"getmempoolinfo","id":1}"#).get()
        #expect(v2.version == .v2 && v2.params == nil && v2.idJSON == Array("1".utf8))
        let named = try single(#"{"jsonrpc":"2.0","method":"submitblock","params":{"hexdata":"00"},"id":2}"#).get()
        #expect(named.parameter(0, named: "hexdata")?.string == "00")
        let notification = try single(#"{"jsonrpc":"2.0","method":"getmempoolinfo"}"#).get()
        #expect(notification.isNotification)
        // A legacy request without an id is answered, with id null.
        let legacy = try single(#"{"method":"getmempoolinfo"}"#).get()
        #expect(!legacy.isNotification && legacy.idJSON == Array("null".utf8))
    }

    @Test func malformedRequestsGetCoresCodes() {
        #expect(fault("{")?.code == -32700)
        #expect(fault("not json")?.code == -32700)
        if case .single(.failure(let f)) = JSONRPCServerParser.parse([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], maxBatch: 10) {
            #expect(f.fault.code == -32700 && f.fault.message.contains("utf"))   // raw non-UTF-8 bytes
        } else { Issue.record("non-UTF-8 body was accepted") }
        #expect(fault("42")?.code == -32600)
        #expect(fault(#"{"id":1}"#)?.code == -32600)
        #expect(fault(#"{"method":5,"id":1}"#)?.code == -32600)
        #expect(fault(#"{"method":"x","params":"s","id":1}"#)?.code == -32600)
        #expect(fault(#"{"jsonrpc":"3.0","method":"x","id":1}"#)?.code == -32600)
        #expect(fault(#"{"method":"x","id":{"a":1}}"#)?.code == -32600)
        #expect(fault("[]")?.code == -32600)
        #expect(fault(String(repeating: "[", count: 40) + String(repeating: "]", count: 40))?.code == -32700)   // too deep
    }

    @Test func batchesKeepEachMembersFault() {
        guard case .batch(let items) = JSONRPCServerParser.parse(Array(#"[{"method":"a","id":1},5,{"jsonrpc":"2.0","method":"b"}]"#.utf8), maxBatch: 10) else {
            Issue.record("not a batch"); return
        }
        #expect(items.count == 3)
        #expect((try? items[0].get())?.method == "a")
        if case .failure(let f) = items[1] { #expect(f.fault.code == -32600) } else { Issue.record("5 accepted") }
        #expect((try? items[2].get())?.isNotification == true)
        let big = "[" + Array(repeating: #"{"method":"a","id":1}"#, count: 11).joined(separator: ",") + "]"
        #expect(fault(big)?.code == -32600)
    }

    @Test func repliesFollowCoresShapesAndStatuses() throws {
        let r1 = try JSONDocument(bytes: JSONRPCResponse.result(Array("5".utf8), id: Array("\"x\"".utf8), version: .v1)).root
        #expect(r1["result"]?.int64 == 5 && r1["error"]?.isNull == true && r1["id"]?.string == "x" && r1["jsonrpc"] == nil)
        let r2 = try JSONDocument(bytes: JSONRPCResponse.result(Array("5".utf8), id: Array("1".utf8), version: .v2)).root
        #expect(r2["jsonrpc"]?.string == "2.0" && r2["error"] == nil)
        let e1 = try JSONDocument(bytes: JSONRPCResponse.error(JSONRPCFault(-28, "no \"template\" yet"), id: Array("1".utf8), version: .v1)).root
        #expect(e1["result"]?.isNull == true && e1["error"]?["code"]?.int64 == -28 && e1["error"]?["message"]?.string == "no \"template\" yet")
        let e2 = try JSONDocument(bytes: JSONRPCResponse.error(JSONRPCFault(-28, "x"), id: Array("1".utf8), version: .v2)).root
        #expect(e2["result"] == nil && e2["error"]?["code"]?.int64 == -28)
        #expect(JSONRPCResponse.httpStatus(forError: -32601, version: .v1) == 404)
        #expect(JSONRPCResponse.httpStatus(forError: -32600, version: .v1) == 400)
        #expect(JSONRPCResponse.httpStatus(forError: -28, version: .v1) == 500)
        #expect(JSONRPCResponse.httpStatus(forError: -32601, version: .v2) == 200)
    }

    /// Random and mutated bodies give a call or a fault, never a trap.
    @Test func randomBodiesNeverTrap() {
        var random = SplitMix64(seed: FuzzBudget.seed)
        let seeds = [#"{"jsonrpc":"2.0","method":"getblocktemplate","params":[{"rules":["segwit"],"longpollid":"ab1"}],"id":1}"#,
                     #"[{"method":"submitblock","params":["00ff"],"id":2},{"method":"getmempoolinfo"}]"#].map { Array($0.utf8) }
        for _ in 0..<FuzzBudget.cases(default: 20_000) {
            var body = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + random.next() % 4) where !body.isEmpty {
                let at = Int(random.next() % UInt64(body.count))
                switch random.next() % 3 {
                case 0: body[at] = UInt8(truncatingIfNeeded: random.next())
                case 1: body.remove(at: at)
                default: body.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
                }
            }
            switch JSONRPCServerParser.parse(body, maxBatch: 10) {
            case .single(let r): if case .success(let call) = r { _ = call.parameter(0, named: "x") }
            case .batch(let items): #expect(items.count <= 10)
            }
        }
    }
}

@Suite struct RPCEndpointTests {
    @Test func urlsParseWithDefaultsAndIPv6() throws {
        #expect(try RPCEndpoint(parsing: "http://127.0.0.1:8332", defaultPort: 1) == RPCEndpoint(host: "127.0.0.1", port: 8332))
        #expect(try RPCEndpoint(parsing: "127.0.0.1", defaultPort: 18443) == RPCEndpoint(host: "127.0.0.1", port: 18443))
        #expect(try RPCEndpoint(parsing: "http://[::1]:18444/wallet/x", defaultPort: 1) == RPCEndpoint(host: "::1", port: 18444, path: "/wallet/x"))
        #expect(try RPCEndpoint(parsing: "https://node.example:443", defaultPort: 1).scheme == "https")
        #expect(try RPCEndpoint(parsing: "[::1]:5", defaultPort: 1).url == "http://[::1]:5/")
    }

    @Test func credentialsInTheURLAndNonsenseAreUsageErrors() {
        for bad in ["http://u:p@127.0.0.1:8332", "ftp://h:1", "http://:8332", "http://h:0", "http://h:99999", "http://h:x", "http://[::1"] {
            #expect(throws: ToolError.self, "\(bad)") { try RPCEndpoint(parsing: bad, defaultPort: 8332) }
        }
        do { _ = try RPCEndpoint(parsing: "http://u:secret@h:1", defaultPort: 1) } catch {
            #expect(error.message.contains("RG_RPC_USER") && !error.message.contains("secret"))
        }
    }
}
