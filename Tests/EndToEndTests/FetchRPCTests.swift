import Foundation
import Testing
@testable import RGKit

#if canImport(Glibc)
import Glibc
#endif

/// rg-feed rpc, rg-fetch (fetch, submit, block) and rg-verify as real processes on 127.0.0.1.
@Suite(.serialized, .timeLimit(.minutes(10))) struct FetchRPCTests {
    static let credentials = ["RG_RPC_USER": "u", "RG_RPC_PASS": "p"]

    func demoLines(_ arguments: [String]) throws -> [[UInt8]] {
        let result = try Tool.run("rg-feed", ["demo", "--interval", "0"] + arguments)
        #expect(result.status == 0, "\(result.err)")
        return result.stdout.split(separator: 0x0A).map { [UInt8]($0) }
    }

    func startEndpoint(_ extra: [String] = [], env: [String: String] = credentials, port: Int = 0, stdin: Pipe? = nil) throws -> (StreamingTool, Int) {
        let tool = try StreamingTool("rg-feed", ["rpc", "--listen", "127.0.0.1:\(port)"] + extra, env: env, stdin: stdin)
        guard let bound = tool.listeningPort() else {
            tool.stop()
            throw ToolError(.failure, "rg-feed rpc did not start: \(tool.stderr)")
        }
        return (tool, bound)
    }

    /// The GBT object without the per-server longpollid, member by member.
    func gbtMembers(_ record: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in record["gbt"]?.members ?? JSONValue.emptyMembers where key.string != "longpollid" {
            out[key.string] = String(decoding: value.rawBytes, as: UTF8.self)
        }
        return out
    }

    // MARK: - the pipeline

    @Test func demoTemplatesReachRgFetchAndRgVerifyOnceEachWithTheSameIDs() throws {
        let demo = try demoLines(["--scenario", "cycle", "--seed", "1", "--count", "11", "--txs", "200"])
        let demoRecords = try demo.json()
        let (endpoint, port) = try startEndpoint()
        defer { endpoint.stop() }
        let fetch = try StreamingTool("rg-fetch", ["--rpc", "http://127.0.0.1:\(port)", "--network", "mainnet"], env: Self.credentials)
        defer { fetch.stop() }
        // One template at a time: the next goes in once rg-fetch has written the last, so the
        // test never depends on how fast either process is.
        for (index, line) in demo.enumerated() {
            endpoint.send(line)
            #expect(fetch.waitForLines(index + 1), "template \(index): \(fetch.stderr)")
        }
        fetch.signal(SIGTERM)
        #expect(fetch.wait() == 0, "\(fetch.stderr)")
        endpoint.signal(SIGTERM)
        #expect(endpoint.wait() == 0, "\(endpoint.stderr)")

        let fetched = try fetch.stdoutLines.json()
        #expect(fetched.map { $0["id"]?.string } == demoRecords.map { $0["id"]?.string })
        #expect(Set(fetched.compactMap { $0["id"]?.string }).count == 11)
        for (got, sent) in zip(fetched, demoRecords) {
            #expect(got["source"]?.string == "rpc")
            #expect(gbtMembers(got) == gbtMembers(sent))
            #expect(got["mempool"].map { Array($0.rawBytes) } == sent["mempool"].map { Array($0.rawBytes) })
        }
        #expect(Eventually.holds { fetch.stderr.contains("network=mainnet") })

        // rg-verify judges the fetched records exactly as it judges the demo's own.
        let viaRPC = try Tool.run("rg-verify", ["--policy", Repository.examplePolicy, "--strip"], stdin: Data(fetch.stdoutLines.joined(separator: [0x0A]) + [0x0A]))
        let direct = try Tool.run("rg-verify", ["--policy", Repository.examplePolicy, "--strip"], stdin: Data(demo.joined(separator: [0x0A]) + [0x0A]))
        #expect(viaRPC.status == 0 && direct.status == 0, "\(viaRPC.err)")
        let a = try viaRPC.stdout.split(separator: 0x0A).map { try JSONDocument(bytes: [UInt8]($0)).root }
        let b = try direct.stdout.split(separator: 0x0A).map { try JSONDocument(bytes: [UInt8]($0)).root }
        #expect(a.map { $0["template_id"]?.string } == demoRecords.map { $0["id"]?.string })
        #expect(a.map { $0["reason_code"]?.string } == b.map { $0["reason_code"]?.string })
    }

    @Test func aClientThatConnectsLateStillGetsTheDemosFirstTemplate() throws {
        // The acceptance pipeline as two shells would run it: the source first, rg-fetch later.
        let demoArguments = ["demo", "--seed", "1", "--interval", "500ms", "--count", "3", "--txs", "300", "--start-time", "1764000000000"]
        let ids = try Tool.run("rg-feed", demoArguments).stdout.split(separator: 0x0A).map { try JSONDocument(bytes: [UInt8]($0)).root["id"]?.string }
        let pipe = Pipe()
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: Tool.path("rg-feed"))
        demo.arguments = demoArguments
        demo.environment = Tool.environment()
        demo.standardOutput = pipe
        demo.standardError = FileHandle.nullDevice
        try demo.run()
        defer { if demo.isRunning { kill(demo.processIdentifier, SIGKILL) }; demo.waitUntilExit() }
        let (shell, port) = try startEndpoint(stdin: pipe)
        defer { shell.stop() }
        try? pipe.fileHandleForWriting.close()   // only the demo writes: its end is the endpoint's EOF
        // However long the other shell takes, the endpoint has not read a template yet.
        #expect(!shell.stderr.contains("first client"))
        let fetch = try StreamingTool("rg-fetch", ["--rpc", "http://127.0.0.1:\(port)"], env: Self.credentials)
        defer { fetch.stop() }
        #expect(eventually(60) { fetch.stdoutLines.last.flatMap { try? JSONDocument(bytes: $0).root["id"]?.string } == ids.last }, "\(fetch.stderr)")
        let fetched = try fetch.stdoutLines.json().map { $0["id"]?.string }
        #expect(fetched.first == ids.first, "the first template waited in the pipe for the first client")
        #expect(Set(fetched).count == fetched.count, "no duplicates")
        #expect(fetched.allSatisfy { ids.contains($0) })
        fetch.signal(SIGTERM)
        #expect(fetch.wait() == 0)
    }

    @Test func restartingTheEndpointIsAnOutageNotAnExitNorADuplicateAndTheNewCookieIsReRead() throws {
        let scratch = try ScratchDirectory()
        let cookie = scratch.path("node/.cookie")
        let port = try freeLocalPort()
        let demo = try demoLines(["--scenario", "normal", "--seed", "2", "--count", "3", "--txs", "50"])
        let ids = try demo.json().map { $0["id"]?.string }

        let (first, _) = try startEndpoint(["--rpc-cookie", cookie], env: [:], port: port)
        defer { first.stop() }
        #expect(eventually(30) { FileManager.default.fileExists(atPath: cookie) })
        let mode = (try FileManager.default.attributesOfItem(atPath: cookie)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let firstCookie = try String(contentsOfFile: cookie, encoding: .utf8)

        let fetch = try StreamingTool("rg-fetch", ["--rpc", "http://127.0.0.1:\(port)", "--rpc-cookie", cookie, "--max-backoff", "300ms"])
        defer { fetch.stop() }
        first.send(demo[0])
        #expect(fetch.waitForLines(1), "\(fetch.stderr)")
        first.send(demo[1])
        #expect(fetch.waitForLines(2), "\(fetch.stderr)")

        // The node dies mid-stream.
        first.signal(SIGKILL)
        _ = first.wait()
        #expect(fetch.waitForStderr("node unavailable"), "\(fetch.stderr)")
        #expect(fetch.isRunning)

        // It comes back on the same port with a new cookie, serving the same template first.
        let (second, _) = try startEndpoint(["--rpc-cookie", cookie], env: [:], port: port)
        defer { second.stop() }
        #expect(eventually(30) { (try? String(contentsOfFile: cookie, encoding: .utf8)).map { $0 != firstCookie } ?? false })
        second.send(demo[1])
        #expect(fetch.waitForStderr("node available again"), "\(fetch.stderr)")
        second.send(demo[2])
        #expect(fetch.waitForLines(3), "\(fetch.stderr)")

        #expect(fetch.isRunning)
        fetch.signal(SIGTERM)
        #expect(fetch.wait() == 0, "\(fetch.stderr)")
        second.signal(SIGTERM)
        #expect(second.wait() == 0, "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cookie), "the cookie is removed at exit")

        let fetched = try fetch.stdoutLines.json()
        #expect(fetched.map { $0["id"]?.string } == ids, "no template lost, none repeated")
        #expect(Eventually.holds { fetch.stderr.contains("cookie file rewritten") }, "\(fetch.stderr)")
        #expect(Eventually.holds { fetch.stderr.contains("connection refused") || fetch.stderr.contains("closed the connection") }, "\(fetch.stderr)")
    }

    // MARK: - the endpoint's answers

    @Test func endpointAuthenticationEnvelopesAndMalformedInput() throws {
        let (endpoint, port) = try startEndpoint(["--max-body-bytes", "4096", "--network", "regtest"])
        defer { endpoint.stop() }
        let gbt2 = #"{"jsonrpc":"2.0","id":1,"method":"getblocktemplate","params":[{"rules":["segwit"]}]}"#
        let gbt1 = #"{"id":"a","method":"getblocktemplate","params":[{"rules":["segwit"]}]}"#

        // Before the first template: -28, in each dialect's HTTP status.
        let early2 = try HTTPProbe.rpc(port: port, gbt2)
        #expect(early2.status == 200 && early2.json?["error"]?["code"]?.int64 == -28 && early2.json?["error"]?["message"]?.string?.contains("no template yet") == true)
        let early1 = try HTTPProbe.rpc(port: port, gbt1)
        #expect(early1.status == 500 && early1.json?["error"]?["code"]?.int64 == -28 && early1.json?["result"]?.isNull == true)

        // Credentials: none, wrong user, wrong password → 401 with an empty body.
        for authorization in [nil, HTTPProbe.basic("x", "p"), HTTPProbe.basic("u", "x"), "Bearer p", "Basic %%%"] {
            let denied = try HTTPProbe.rpc(port: port, gbt2, authorization: authorization)
            #expect(denied.status == 401 && denied.body.isEmpty && denied.headers["www-authenticate"]?.contains("Basic") == true, "\(authorization ?? "none")")
        }

        let template = try demoLines(["--scenario", "normal", "--seed", "3", "--count", "1", "--txs", "10", "--network", "regtest", "--height", "300"])[0]
        endpoint.send(template)
        #expect(eventually(30) { (try? HTTPProbe.rpc(port: port, gbt2))?.json?["result"]?["height"] != nil })

        let v2 = try HTTPProbe.rpc(port: port, gbt2)
        #expect(v2.status == 200 && v2.json?["jsonrpc"]?.string == "2.0" && v2.json?["error"] == nil && v2.json?["id"]?.int64 == 1)
        let v1 = try HTTPProbe.rpc(port: port, gbt1)
        #expect(v1.status == 200 && v1.json?["error"]?.isNull == true && v1.json?["id"]?.string == "a" && v1.json?["jsonrpc"] == nil)
        #expect(v1.json?["result"]?["previousblockhash"]?.string == (try JSONDocument(bytes: template).root["gbt"]?["previousblockhash"]?.string))

        let unknown1 = try HTTPProbe.rpc(port: port, #"{"id":2,"method":"getwalletinfo","params":[]}"#)
        #expect(unknown1.status == 404 && unknown1.json?["error"]?["code"]?.int64 == -32601)
        let unknown2 = try HTTPProbe.rpc(port: port, #"{"jsonrpc":"2.0","id":2,"method":"getwalletinfo"}"#)
        #expect(unknown2.status == 200 && unknown2.json?["error"]?["code"]?.int64 == -32601)

        let parse = try HTTPProbe.rpc(port: port, #"{"jsonrpc":"2.0","id":3,"method":"#)
        #expect(parse.status == 500 && parse.json?["error"]?["code"]?.int64 == -32700 && parse.json?["id"]?.isNull == true)
        let notUTF8 = try HTTPProbe.post(port: port, body: Array(#"{"method":"getblockcount","id":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8))
        #expect(notUTF8.json?["error"]?["code"]?.int64 == -32700, "\(notUTF8.text)")
        let notObject = try HTTPProbe.rpc(port: port, "42")
        #expect(notObject.status == 400 && notObject.json?["error"]?["code"]?.int64 == -32600)

        // Wrong parameter types get Core's -3 and say which parameter.
        for (call, parameter) in [(#"{"id":4,"method":"getblocktemplate","params":["segwit"]}"#, "template_request"),
                                  (#"{"id":4,"method":"getblocktemplate","params":[{"rules":"segwit"}]}"#, "rules"),
                                  (#"{"id":4,"method":"getblocktemplate","params":[{"rules":["segwit"],"longpollid":7}]}"#, "longpollid"),
                                  (#"{"id":4,"method":"submitblock","params":[5]}"#, "hexdata"),
                                  (#"{"id":4,"method":"getrawmempool","params":["yes"]}"#, "verbose")] {
            let reply = try HTTPProbe.rpc(port: port, call)
            #expect(reply.json?["error"]?["code"]?.int64 == -3 && reply.json?["error"]?["message"]?.string?.hasPrefix(parameter) == true, "\(call): \(reply.text)")
        }
        let badHex = try HTTPProbe.rpc(port: port, #"{"id":5,"method":"submitblock","params":["zz"]}"#)
        #expect(badHex.json?["error"]?["code"]?.int64 == -22)

        // A 2.0 notification gets no reply; a batch gets one per request.
        let notification = try HTTPProbe.rpc(port: port, #"{"jsonrpc":"2.0","method":"getblockcount"}"#)
        #expect(notification.status == 204 && notification.body.isEmpty)
        let batch = try HTTPProbe.rpc(port: port, #"[{"jsonrpc":"2.0","id":1,"method":"getblockcount"},{"jsonrpc":"2.0","id":2,"method":"nope"},7]"#)
        let items = Array(batch.json?.elements ?? JSONValue.emptyElements)
        #expect(batch.status == 200 && items.count == 3)
        #expect(items.first?["result"]?.int64 == 299 && items.dropFirst().first?["error"]?["code"]?.int64 == -32601)

        // Too big: refused from the Content-Length alone, before any body is read.
        let tooBig = try HTTPProbe.post(port: port, body: [UInt8](repeating: 0x20, count: 5_000))
        #expect(tooBig.status == 413 && tooBig.text.contains("larger than 4096 bytes"), "\(tooBig.text)")
        let lying = try HTTPProbe.post(port: port, body: [UInt8](repeating: 0x20, count: 100), contentLength: 1 << 30)
        #expect(lying.status == 413)
        let get = try HTTPProbe.post(port: port, body: [], method: "GET")
        #expect(get.status == 405)

        // A line on stdin that is not a record is reported; the server keeps serving.
        endpoint.sendRaw("this is not json\n")
        #expect(endpoint.waitForStderr("line 2: invalid_json"), "\(endpoint.stderr)")
        let after = try HTTPProbe.rpc(port: port, #"{"jsonrpc":"2.0","id":9,"method":"getblockchaininfo"}"#)
        #expect(after.json?["result"]?["chain"]?.string == "regtest" && after.json?["result"]?["blocks"]?.int64 == 299)
        endpoint.signal(SIGTERM)
        #expect(endpoint.wait() == 3, "a bad input line makes the exit status 3")
    }

    @Test func aWaitingLongpollAndACookieClientAreServedWhileOthersSendGarbage() throws {
        let scratch = try ScratchDirectory()
        let cookie = scratch.path(".cookie")
        let (endpoint, port) = try startEndpoint(["--max-body-bytes", "4096", "--network", "regtest", "--rpc-cookie", cookie])
        defer { endpoint.stop() }
        let templates = try demoLines(["--scenario", "normal", "--seed", "8", "--count", "2", "--txs", "5", "--network", "regtest"])
        endpoint.send(templates[0])
        #expect(eventually(30) { (try? HTTPProbe.rpc(port: port, #"{"id":1,"method":"getblockcount"}"#))?.status == 200 })
        let gbt = #"{"jsonrpc":"2.0","id":1,"method":"getblocktemplate","params":[{"rules":["segwit"]}]}"#
        let longPollID = try #require(try HTTPProbe.rpc(port: port, gbt).json?["result"]?["longpollid"]?.string)

        // A well-behaved client parks a longpoll on its connection and waits.
        let waiting = try RawConnection(port: port)
        let longpoll = #"{"jsonrpc":"2.0","id":"lp","method":"getblocktemplate","params":[{"rules":["segwit"],"longpollid":"\#(longPollID)"}]}"#
        try waiting.send(HTTPProbe.request(body: Array(longpoll.utf8), authorization: HTTPProbe.basic("u", "p"), keepAlive: true))

        // Meanwhile other clients send everything wrong, each answered with a clear error.
        let denied = [nil, HTTPProbe.basic("u", "wrong"), HTTPProbe.basic("__cookie__", String(repeating: "0", count: 64))]
        for authorization in denied {
            #expect(try HTTPProbe.rpc(port: port, gbt, authorization: authorization).status == 401)
        }
        #expect(try HTTPProbe.rpc(port: port, "{not json").json?["error"]?["code"]?.int64 == -32700)
        #expect(try HTTPProbe.post(port: port, body: [0xFF, 0xFE, 0x7B, 0x7D]).json?["error"]?["code"]?.int64 == -32700)
        #expect(try HTTPProbe.rpc(port: port, #"{"id":1,"method":["getblocktemplate"]}"#).json?["error"]?["code"]?.int64 == -32600)
        #expect(try HTTPProbe.rpc(port: port, #"{"id":1,"method":"getblocktemplate","params":[{"rules":[1]}]}"#).json?["error"]?["code"]?.int64 == -3)
        #expect(try HTTPProbe.post(port: port, body: [UInt8](repeating: 0x7B, count: 10_000)).status == 413)
        // A request cut off mid-body, and bytes that are not HTTP at all: only that connection ends.
        let truncated = try RawConnection(port: port)
        try truncated.send(Array("POST / HTTP/1.1\r\nAuthorization: \(HTTPProbe.basic("u", "p"))\r\nContent-Length: 500\r\n\r\n{\"id\":1".utf8))
        truncated.close()
        let garbage = try RawConnection(port: port)
        try garbage.send(Array("\u{01}\u{02} HELLO\r\n\r\n".utf8))
        #expect(garbage.readResponse()?.status == 400)
        garbage.close()

        // The cookie the endpoint wrote is accepted, by a raw client and by rg-fetch.
        let cookieText = try String(contentsOfFile: cookie, encoding: .utf8)
        let parts = cookieText.split(separator: ":", maxSplits: 1).map(String.init)
        #expect(parts.count == 2 && parts[0] == "__cookie__" && parts[1].count == 64)
        #expect(try HTTPProbe.rpc(port: port, gbt, authorization: HTTPProbe.basic(parts[0], parts[1])).json?["result"]?["height"] != nil)
        let url = "http://127.0.0.1:\(port)"
        let viaCookie = try Tool.run("rg-fetch", ["--once", "--rpc", url, "--rpc-cookie", cookie])
        #expect(viaCookie.status == 0 && viaCookie.stdout.split(separator: 0x0A).count == 1, "\(viaCookie.err)")
        // A stale cookie (the node restarted since it was written) is re-read, found unchanged, refused.
        let stale = scratch.path("stale.cookie")
        try Data("__cookie__:\(String(repeating: "ab", count: 32))".utf8).write(to: URL(fileURLWithPath: stale))
        let staleRun = try Tool.run("rg-fetch", ["--once", "--rpc", url, "--rpc-cookie", stale, "--max-backoff", "100ms"])
        #expect(staleRun.status == 1 && staleRun.err.contains("401 Unauthorized") && staleRun.err.contains("the cookie file \(stale)"), "\(staleRun.err)")
        #expect(!staleRun.err.contains(String(repeating: "ab", count: 32)), "the cookie never appears in a message")
        let missing = try Tool.run("rg-fetch", ["--once", "--rpc", url, "--rpc-cookie", scratch.path("nope/.cookie"), "--max-backoff", "100ms"])
        #expect(missing.status == 1 && missing.err.contains("cannot read the cookie file") && missing.err.contains("has the node started?"), "\(missing.err)")

        // The parked longpoll is still there, and the next template wakes it.
        endpoint.send(templates[1])
        let woken = try #require(waiting.readResponse(), "the longpoll got no answer")
        #expect(woken.status == 200 && woken.json?["id"]?.string == "lp")
        let nextID = try TemplateRecord(json: try JSONDocument(bytes: templates[1]).root).templateID
        #expect(woken.json?["result"].flatMap { try? BlockTemplate(json: $0) }.map(TemplateID.compute) == nextID)
        // Same connection, next request: keep-alive survived the wait.
        try waiting.send(HTTPProbe.request(body: Array(#"{"id":2,"method":"getblockcount"}"#.utf8), authorization: HTTPProbe.basic("u", "p"), keepAlive: true))
        #expect(waiting.readResponse()?.json?["result"]?.int64 != nil)
        waiting.close()
        endpoint.signal(SIGTERM)
        #expect(endpoint.wait() == 0, "\(endpoint.stderr)")
    }

    @Test func keepAliveConnectionsAreServedAcrossRequestsAndIdleOnesClosed() throws {
        let (endpoint, port) = try startEndpoint(["--idle-timeout", "1s", "--network", "regtest"])
        defer { endpoint.stop() }
        endpoint.send(try demoLines(["--scenario", "normal", "--seed", "3", "--count", "1", "--txs", "5", "--network", "regtest"])[0])
        #expect(eventually(30) { (try? HTTPProbe.rpc(port: port, #"{"id":1,"method":"getblockcount"}"#))?.status == 200 })
        // Two requests on one connection (keep-alive), then silence: the server closes it.
        let body = #"{"id":1,"method":"getblockcount"}"#
        let request = "POST / HTTP/1.1\r\nHost: x\r\nAuthorization: \(HTTPProbe.basic("u", "p"))\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let both = try HTTPProbe.exchangeUntilClosed(port: port, bytes: Array((request + request).utf8))
        #expect(both.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "\(both)")
    }

    // MARK: - submit

    @Test func aBlockRecordGoesThroughRgFetchSubmitToTheEndpointAndComesOutAsABlockRecord() throws {
        let (endpoint, port) = try startEndpoint(["--network", "regtest"])
        defer { endpoint.stop() }
        let line = try demoLines(["--scenario", "normal", "--seed", "4", "--count", "1", "--txs", "20", "--network", "regtest"])[0]
        let record = try TemplateRecord(json: try JSONDocument(bytes: line).root)
        endpoint.send(line)
        #expect(eventually(30) { (try? HTTPProbe.rpc(port: port, #"{"id":1,"method":"getblockcount"}"#))?.json?["result"]?.int64 != nil })

        let block = try TestBlocks.block(from: record.gbt, network: .regtest)
        let hex = Array(Hex.encode(block.serialized()).utf8)
        let blockRecord = BlockRecord(height: record.gbt.height, hash: block.hash.displayHex, prevHash: nil, templateID: record.templateID,
                                      channelID: 7, worker: "alice.1", foundMs: 1, blockHex: hex).encoded()
        let share = Array(#"{"type":"share","channel_id":7,"accepted":true}"#.utf8)
        let input = Data(blockRecord + [0x0A] + share + [0x0A] + Array("not json\n".utf8))
        let submit = try Tool.run("rg-fetch", ["submit", "--rpc", "http://127.0.0.1:\(port)"], stdin: input, env: Self.credentials)
        #expect(submit.status == 3, "a bad line: \(submit.err)")
        #expect(submit.err.contains("line 3: invalid_json"))
        let out = try submit.stdout.split(separator: 0x0A).map { try JSONDocument(bytes: [UInt8]($0)).root }
        #expect(out.count == 2)
        #expect(out.contains { $0["type"]?.string == "share" && $0["channel_id"]?.int64 == 7 }, "other records pass through")
        let answer = try #require(out.first { $0["type"]?.string == "submit" })
        #expect(answer["accepted"]?.bool == true && answer["result"]?.isNull == true && answer["error"]?.isNull == true)
        #expect(answer["hash"]?.string == block.hash.displayHex && answer["template_id"]?.string == record.templateID && answer["channel_id"]?.int64 == 7)
        #expect(answer["attempts"]?.int64 == 1)

        // The endpoint recorded the block it accepted.
        #expect(endpoint.waitForLines(1), "\(endpoint.stderr)")
        let recorded = try BlockRecord(json: try JSONDocument(bytes: endpoint.stdoutLines[0]).root)
        #expect(recorded.hash == block.hash.displayHex && recorded.blockHex == hex && recorded.templateID == record.templateID && recorded.height == record.gbt.height)

        // The same block again: "duplicate" is not accepted, but the node has the block, so it
        // is no rejection (exit 0).
        let again = try Tool.run("rg-fetch", ["submit", "--rpc", "http://127.0.0.1:\(port)"], stdin: Data(blockRecord + [0x0A]), env: Self.credentials)
        #expect(again.status == 0, "\(again.err)")
        let duplicate = try JSONDocument(bytes: [UInt8](again.stdout.split(separator: 0x0A)[0])).root
        #expect(duplicate["accepted"]?.bool == false && duplicate["result"]?.string == "duplicate")
        #expect(endpoint.stdoutLines.count == 1)

        // A second valid block on the same parent: "inconclusive" (the first stays the tip), exit 0.
        // A block above its target: "high-hash", a rejection (exit 3).
        func submitOnly(_ block: Block) throws -> (status: Int32, answer: JSONValue) {
            let line = BlockRecord(height: record.gbt.height, hash: block.hash.displayHex, prevHash: nil, templateID: record.templateID,
                                   channelID: 7, worker: "alice.1", foundMs: 1, blockHex: Array(Hex.encode(block.serialized()).utf8)).encoded()
            let run = try Tool.run("rg-fetch", ["submit", "--rpc", "http://127.0.0.1:\(port)"], stdin: Data(line + [0x0A]), env: Self.credentials)
            return (run.status, try JSONDocument(bytes: [UInt8](run.stdout.split(separator: 0x0A)[0])).root)
        }
        let competing = try submitOnly(try TestBlocks.block(from: record.gbt, network: .regtest, tag: 2))
        #expect(competing.status == 0 && competing.answer["result"]?.string == "inconclusive")
        let unmined = try submitOnly(try TestBlocks.block(from: record.gbt, network: .regtest, mine: false, tag: 3))
        #expect(unmined.status == 3 && unmined.answer["result"]?.string == "high-hash")
        #expect(endpoint.stdoutLines.count == 1)
    }

    @Test func theDemoFeedFollowsTheNodesBlocksAndBuildsTheNextTemplateOnOursAtOnce() throws {
        let dir = NSTemporaryDirectory() + "follow-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let blocks = dir + "/node.ndjson", out = dir + "/feed.ndjson"
        FileManager.default.createFile(atPath: out, contents: nil)
        // An hour between templates: a second template before the test's limit can only be the
        // feed answering the block.
        let feed = try PipedTool("rg-feed", ["demo", "--scenario", "normal", "--network", "regtest", "--txs", "8", "--seed", "2",
                                             "--interval", "1h", "--follow-blocks", blocks],
                                 stdin: FileHandle.nullDevice, stdout: try FileHandle(forWritingTo: URL(fileURLWithPath: out)),
                                 stderrPath: dir + "/feed.err")
        defer { feed.signal(SIGTERM); feed.waitForExit() }
        #expect(eventually(30) { ((try? ndjsonRecords(out)) ?? []).count == 1 })
        let first = try TemplateRecord(json: try #require(try ndjsonRecords(out).first))

        // Someone else's block (another parent) changes nothing; ours on the tip is built on.
        var stranger = first.gbt
        stranger.previousBlockHash = BlockHash(wire: Bytes32(w0: 5, w1: 5, w2: 5, w3: 5))
        let ours = try TestBlocks.block(from: first.gbt, network: .regtest)
        func line(_ block: Block) -> [UInt8] {
            BlockRecord(height: first.gbt.height, hash: block.hash.displayHex, prevHash: block.header.prevBlockHash.displayHex,
                        templateID: nil, channelID: nil, worker: nil, foundMs: 1, blockHex: Array(Hex.encode(block.serialized()).utf8)).encoded() + [0x0A]
        }
        try Data(line(try TestBlocks.block(from: stranger, network: .regtest)) + line(ours)).write(to: URL(fileURLWithPath: blocks))
        #expect(eventually(30) { ((try? ndjsonRecords(out)) ?? []).count == 2 }, "\(feed.stderr)")
        let next = try TemplateRecord(json: try ndjsonRecords(out)[1])
        #expect(next.gbt.previousBlockHash == ours.hash && next.gbt.height == first.gbt.height + 1)
    }

    @Test func aBlockThatCannotBeDeliveredIsAnErrorRecordAndExitOne() throws {
        let port = try freeLocalPort()
        let header = String(repeating: "00", count: 80)
        let record = Array("{\"type\":\"block\",\"height\":1,\"block_hex\":\"\(header)00\"}\n".utf8)
        let submit = try Tool.run("rg-fetch", ["submit", "--rpc", "http://127.0.0.1:\(port)", "--attempts", "3"], stdin: Data(record), env: Self.credentials)
        #expect(submit.status == 1, "\(submit.err)")
        let out = try JSONDocument(bytes: [UInt8](submit.stdout.split(separator: 0x0A)[0])).root
        #expect(out["type"]?.string == "submit" && out["accepted"]?.bool == false && out["attempts"]?.int64 == 3)
        #expect(out["error"]?["code"]?.isNull == true && out["error"]?["message"]?.string?.contains("connection refused") == true)
        #expect(submit.err.contains("1 block(s) could not be submitted"))
    }

    // MARK: - rg-fetch block

    @Test func realBlocksBecomeTemplateRecordsTheVerifierAccepts() throws {
        let fixtures = Repository.root.appendingPathComponent("Tests/Fixtures/bitcoin")
        let mainnet = fixtures.appendingPathComponent("mainnet_block_000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae.raw").path
        let block = try Tool.run("rg-fetch", ["block", mainnet])
        #expect(block.status == 0, "\(block.err)")
        let record = try JSONDocument(bytes: [UInt8](block.stdout.dropLast())).root
        #expect(record["source"]?.string == "file" && record["mempool"]?.isNull == true)
        #expect(record["gbt"]?["height"]?.int64 == 702_861 && record["gbt"]?["transactions"]?.elements.count == 2_499)
        let verdict = try Tool.run("rg-verify", ["--policy", Repository.examplePolicy, "--strip", "--explain"], stdin: block.stdout)
        #expect(verdict.status == 0, "\(verdict.err)")
        let v = try JSONDocument(bytes: [UInt8](verdict.stdout.dropLast())).root
        #expect(v["template_id"]?.string == record["id"]?.string)
        let consensus = ["tx_data_mismatch", "duplicate_tx", "witness_commitment_mismatch", "template_weight_exceeded", "coinbase_value_mismatch"]
        let failed = (v["checks"]?.elements.map { $0 } ?? []).filter { consensus.contains($0["code"]?.string ?? "") && $0["outcome"]?.string == "fail" }
        #expect(failed.isEmpty, "\(failed.map { String(decoding: $0.rawBytes, as: UTF8.self) })")

        // A pre-BIP34 block needs its height; given it, the hex file works too.
        let old = fixtures.appendingPathComponent("mainnet_block_100000.hex").path
        let without = try Tool.run("rg-fetch", ["block", old])
        #expect(without.status == 3 && without.err.contains("--height"))
        let with = try Tool.run("rg-fetch", ["block", "--height", "100000", old])
        #expect(with.status == 0, "\(with.err)")
        #expect(try JSONDocument(bytes: [UInt8](with.stdout.dropLast())).root["gbt"]?["height"]?.int64 == 100_000)
        let garbage = try Tool.run("rg-fetch", ["block", "-"], stdin: Data("not a block".utf8))
        #expect(garbage.status == 3 && garbage.stdout.isEmpty)
    }

    // MARK: - usage

    @Test func onceNetworkChecksAndUsageErrors() throws {
        let (endpoint, port) = try startEndpoint()
        defer { endpoint.stop() }
        endpoint.send(try demoLines(["--scenario", "normal", "--seed", "6", "--count", "1", "--txs", "5"])[0])
        let url = "http://127.0.0.1:\(port)"
        #expect(eventually(30) { (try? HTTPProbe.rpc(port: port, #"{"id":1,"method":"getblockcount"}"#))?.status == 200 })

        let once = try Tool.run("rg-fetch", ["--once", "--rpc", url], env: Self.credentials)
        #expect(once.status == 0 && once.stdout.split(separator: 0x0A).count == 1, "\(once.err)")

        let wrongNetwork = try Tool.run("rg-fetch", ["--once", "--rpc", url, "--network", "regtest"], env: Self.credentials)
        #expect(wrongNetwork.status == 2 && wrongNetwork.err.contains("--network regtest, but the node at \(url)/ is on mainnet"), "\(wrongNetwork.err)")

        let noCredentials = try Tool.run("rg-fetch", ["--once", "--rpc", url])
        #expect(noCredentials.status == 2 && noCredentials.err.contains("no RPC credentials"))

        let inURL = try Tool.run("rg-fetch", ["--once", "--rpc", "http://u:p@127.0.0.1:\(port)"])
        #expect(inURL.status == 2 && inURL.err.contains("put no credentials in the URL"))

        let wrongPassword = try Tool.run("rg-fetch", ["--once", "--rpc", url, "--max-backoff", "100ms"], env: ["RG_RPC_USER": "u", "RG_RPC_PASS": "Zq9-not-this"])
        #expect(wrongPassword.status == 1 && wrongPassword.err.contains("401 Unauthorized"), "\(wrongPassword.err)")
        #expect(!wrongPassword.err.contains("Zq9-not-this"), "the password never appears in a message")

        let dead = try freeLocalPort()
        let refused = try Tool.run("rg-fetch", ["--once", "--rpc", "http://127.0.0.1:\(dead)", "--max-backoff", "100ms"], env: Self.credentials)
        #expect(refused.status == 1 && refused.err.contains("connection refused by 127.0.0.1:\(dead)") && refused.err.contains("gave up after 5 attempts"), "\(refused.err)")

        let remote = try Tool.run("rg-feed", ["rpc", "--listen", "0.0.0.0:0"], env: Self.credentials)
        #expect(remote.status == 2 && remote.err.contains("--allow-remote"))
        let noAuth = try Tool.run("rg-feed", ["rpc", "--listen", "127.0.0.1:0"])
        #expect(noAuth.status == 2 && noAuth.err.contains("no RPC credentials"))
    }
}

extension JSONValue {
    static var emptyMembers: JSONMembers { (try? JSONDocument("{}").root.members)! }
    static var emptyElements: JSONElements { (try? JSONDocument("[]").root.elements)! }
}

/// One client connection held open across requests: send, then read one response at a time.
final class RawConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { Glibc.close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw POSIXError(.EPIPE) }
            offset += n
        }
    }

    /// The next whole response (by Content-Length), or nil if the connection ended first.
    func readResponse() -> HTTPProbe.Response? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let response = HTTPProbe.parse(buffer), let length = Int(response.headers["content-length"] ?? "0"), response.body.count >= length {
                let headLength = buffer.count - response.body.count
                buffer.removeFirst(headLength + length)
                var whole = response
                whole.body = Array(response.body.prefix(length))
                return whole
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    func close() { Glibc.close(fd) }
}

extension HTTPProbe {
    /// A POST request's bytes.
    static func request(body: [UInt8], authorization: String?, keepAlive: Bool) -> [UInt8] {
        var head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        if !keepAlive { head += "Connection: close\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// Sends raw bytes and reads until the server closes the connection.
    static func exchangeUntilClosed(port: Int, bytes: [UInt8]) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { break }
            received.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: received, as: UTF8.self)
    }
}
