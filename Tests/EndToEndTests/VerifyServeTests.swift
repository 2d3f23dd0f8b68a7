import Foundation
import NIOSSL
import RGKit
import Testing

/// `rg-verify serve` with the real binary on 127.0.0.1 and free ports: the TCP protocol in both
/// dialects, TLS and mTLS, caps and limits, bad input, and the HTTP API.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct VerifyServeTests {
    // MARK: the wire protocol

    @Test func bareProposesAreAnsweredInOrderWithTheReferenceVerdictShape() async throws {
        let server = try ServeProcess()
        let client = try await LineClient.connect(port: server.tcpPort)
        // 40 proposes in one write, every fourth paying too little: answers must come in order.
        var batch = ""
        for i in 0..<40 { batch += proposeLine(id: UInt64(1000 + i), feePerTx: i % 4 == 3 ? 100 : 6_000) + "\n" }
        try await client.sendRaw(Array(batch.utf8))
        for i in 0..<40 {
            let line = try #require(try await client.readLine())
            let v = try JSONDocument(line).root
            #expect(v.members.map { $0.0.string } == ["version", "id", "accepted", "reason_code", "reason_detail", "policy_context"])
            #expect(v["version"]?.int64 == 2)
            #expect(v["id"]?.uint64 == UInt64(1000 + i))
            #expect(v["accepted"]?.bool == (i % 4 != 3))
            #expect(v["reason_code"]?.string == (i % 4 == 3 ? "avg_fee_below_minimum" : nil))
            #expect(v["policy_context"]?["fee_tier"]?.string == "high")
            #expect(v["policy_context"]?["max_template_age_ms"]?.int64 == 30_000)
        }
        // Every verdict also went to stdout, as a verdict record, in the same order.
        let records = server.waitForRecords(40)
        #expect(records.count == 40)
        #expect(records.map { $0["template_id"]?.string } == (0..<40).map { String(format: "%016llx", UInt64(1000 + $0)) })
        #expect(records.allSatisfy { $0["type"]?.string == "verdict" && $0["source"]?.string == "propose" })
        await client.close()
        #expect(server.stop() == 0)
    }

    @Test func envelopeDialectAnswersHeartbeatsAndProposesInOrder() async throws {
        let server = try ServeProcess()
        let client = try await LineClient.connect(port: server.tcpPort)
        var lines: [String] = []
        for i in 0..<10 {
            lines.append(envelope("heartbeat", "{}"))
            lines.append(envelope("template_propose", proposeLine(id: UInt64(i), feePerTx: i == 5 ? 10 : 6_000)))
        }
        try await client.sendRaw(Array((lines.joined(separator: "\n") + "\n").utf8))
        for i in 0..<10 {
            let ack = try #require(try await client.readJSON())
            #expect(ack["msg_type"]?.string == "heartbeat_ack")
            #expect(ack["version"]?.int64 == 2)
            #expect(ack["payload"]?.kind == .object)
            let reply = try #require(try await client.readJSON())
            #expect(reply["msg_type"]?.string == "template_verdict")
            #expect(reply["version"]?.int64 == 2)
            #expect(reply["payload"]?["id"]?.uint64 == UInt64(i))
            #expect(reply["payload"]?["accepted"]?.bool == (i != 5))
        }
        // An unknown msg_type gets an error in the envelope dialect, and the connection goes on.
        try await client.send(envelope("telemetry", "{}"))
        let error = try #require(try await client.readJSON())
        #expect(error["msg_type"]?.string == "error")
        #expect(error["payload"]?["code"]?.string == "unknown_msg_type")
        try await client.send(envelope("heartbeat", "{}"))
        #expect(try await client.readJSON()?["msg_type"]?.string == "heartbeat_ack")
        await client.close()
        #expect(server.stop() == 0)
    }

    @Test func fullTemplateRecordsAreAnsweredWithVerdictRecords() async throws {
        let demo = try Tool.run("rg-feed", ["demo", "--scenario", "normal", "--seed", "3", "--count", "1", "--interval", "0", "--txs", "50"])
        #expect(demo.status == 0)
        let template = try #require(demo.out.split(separator: "\n").first)
        let server = try ServeProcess()
        let client = try await LineClient.connect(port: server.tcpPort, maxLineBytes: 16 << 20)
        try await client.send(String(template))
        try await client.send(proposeLine(id: 7))
        let verdict = try #require(try await client.readJSON())
        #expect(verdict["type"]?.string == "verdict")
        #expect(verdict["template"] == nil)                   // the client already has it
        #expect(verdict["template_id"]?.string == (try JSONDocument(String(template)).root["id"]?.string))
        #expect(try await client.readJSON()?["id"]?.uint64 == 7)
        // stdout carries the record with its template, as the pipe writes it.
        let records = server.waitForRecords(2)
        #expect(records.first?["template"]?["type"]?.string == "template")
        await client.close()
        #expect(server.stop() == 0)
    }

    @Test func malformedInputGetsAnErrorLineAndTheConnectionAndOthersGoOn() async throws {
        let server = try ServeProcess()
        let bystander = try await LineClient.connect(port: server.tcpPort)
        let client = try await LineClient.connect(port: server.tcpPort)
        let bad: [([UInt8], String, UInt64?)] = [
            (Array("not json".utf8), "invalid_json", nil),
            (Array(#"{"version":2,"id":5,"block_height":"#.utf8), "truncated_json", nil),
            (Array(#"{"version":2,"id":6,"block_height":900000,"prev_hash":""#.utf8) + [0xFF, 0xFE] + Array(#"","coinbase_value":1,"tx_count":1,"total_fees":1}"#.utf8), "invalid_utf8", nil),
            (Array(proposeLine(id: 8).replacingOccurrences(of: "\"tx_count\":2000", with: "\"tx_count\":\"many\"").utf8), "invalid_record", 8),
            (Array("[1,2,3]".utf8), "invalid_record", nil),
            (Array(#"{"type":"share","worker":"w"}"#.utf8), "unsupported_record", nil),
            (Array(#"{"hello":"world"}"#.utf8), "invalid_record", nil),
        ]
        for (bytes, _, _) in bad { try await client.sendRaw(bytes + [0x0A]) }
        try await client.send(proposeLine(id: 9))
        for (_, code, id) in bad {
            let reply = try #require(try await client.readJSON())
            #expect(reply["type"]?.string == "error")
            #expect(reply["code"]?.string == code)
            #expect(reply["id"]?.uint64 == id)
            #expect((reply["detail"]?.string ?? "").isEmpty == false)
        }
        #expect(try await client.readJSON()?["id"]?.uint64 == 9)   // same connection, still served
        try await bystander.send(proposeLine(id: 10))
        #expect(try await bystander.readJSON()?["accepted"]?.bool == true)
        #expect(server.waitForRecords(2).count == 2)               // only real verdicts reach stdout
        await client.close()
        await bystander.close()
        #expect(server.stop() == 0)
    }

    @Test func anOverlongLineClosesOnlyThatConnection() async throws {
        let server = try ServeProcess(["--max-line-bytes", "4096"])
        let bystander = try await LineClient.connect(port: server.tcpPort)
        let client = try await LineClient.connect(port: server.tcpPort)
        try await client.send(proposeLine(id: 1))
        #expect(try await client.readJSON()?["id"]?.uint64 == 1)
        try await client.sendRaw([UInt8](repeating: UInt8(ascii: "x"), count: 10_000))   // no newline
        let error = try #require(try await client.readJSON())
        #expect(error["code"]?.string == "line_too_long")
        #expect(await client.readsEndOfStream())
        try await bystander.send(proposeLine(id: 2))
        #expect(try await bystander.readJSON()?["id"]?.uint64 == 2)
        await bystander.close()
        #expect(server.stop() == 0)
    }

    // MARK: caps

    @Test func connectionCapsRefuseTheNextPeerAndASlotReturnsAfterClose() async throws {
        let server = try ServeProcess(["--max-connections", "3", "--max-connections-per-ip", "2"])
        let a1 = try await LineClient.connect(port: server.tcpPort, from: "127.0.0.1")
        let a2 = try await LineClient.connect(port: server.tcpPort, from: "127.0.0.1")
        for (i, c) in [a1, a2].enumerated() {
            try await c.send(proposeLine(id: UInt64(i)))
            #expect(try await c.readJSON()?["id"]?.uint64 == UInt64(i))
        }
        // A third from the same address: over the per-IP cap.
        let a3 = try await LineClient.connect(port: server.tcpPort, from: "127.0.0.1")
        let refusedPerIP = try #require(try await a3.readJSON())
        #expect(refusedPerIP["code"]?.string == "connection_refused")
        #expect(refusedPerIP["detail"]?.string?.contains("per_ip_cap") == true)
        #expect(await a3.readsEndOfStream())
        // Another loopback address may still connect, up to the global cap of 3 …
        let b1 = try await LineClient.connect(port: server.tcpPort, from: "127.0.0.2")
        try await b1.send(proposeLine(id: 10))
        #expect(try await b1.readJSON()?["id"]?.uint64 == 10)
        let b2 = try await LineClient.connect(port: server.tcpPort, from: "127.0.0.2")
        let refusedGlobal = try #require(try await b2.readJSON())
        #expect(refusedGlobal["detail"]?.string?.contains("global_cap") == true)
        #expect(await b2.readsEndOfStream())
        // … and a slot comes back once a connection closes.
        await a1.close()
        try await waitFor { try await Self.metric(server, "rg_verify_connections_active") == 2 }
        let a4 = try await LineClient.connect(port: server.tcpPort, from: "127.0.0.1")
        try await a4.send(proposeLine(id: 20))
        #expect(try await a4.readJSON()?["id"]?.uint64 == 20)
        let metrics = try await HTTP.request("\(server.httpBase)/metrics").body
        #expect(metrics.contains("rg_verify_connections_refused_total{reason=\"per_ip_cap\"} 1"))
        #expect(metrics.contains("rg_verify_connections_refused_total{reason=\"global_cap\"} 1"))
        for c in [a2, b1, a4] { await c.close() }
        #expect(server.stop() == 0)
    }

    // MARK: TLS

    @Test func tlsWithoutClientCertificates() async throws {
        let scratch = try ScratchDirectory()
        let pki = try TestPKI(name: "server")
        let serverFiles = try TestPKI.write(try pki.issue("rg-verify"), to: scratch, as: "server")
        let server = try ServeProcess(["--tls-cert", serverFiles.cert, "--tls-key", serverFiles.key])
        #expect(Eventually.holds { server.stderr.contains("tls=on") })
        let client = try await LineClient.connect(port: server.tcpPort, tls: try pki.clientTLS())
        try await client.send(proposeLine(id: 42))
        #expect(try await client.readJSON()?["id"]?.uint64 == 42)
        await client.close()
        // A plaintext client on the TLS port gets no verdict.
        let plain = try await LineClient.connect(port: server.tcpPort)
        try await plain.send(proposeLine(id: 43))
        #expect(await plain.getsNoVerdict())
        // The key file's contents never reach the log.
        let keyBody = try String(contentsOfFile: serverFiles.key, encoding: .utf8).split(separator: "\n")[1]
        #expect(!server.stderr.contains(String(keyBody)))
        #expect(server.stop() == 0)
    }

    @Test func mutualTLSAcceptsTheConfiguredCAAndRefusesOthers() async throws {
        let scratch = try ScratchDirectory()
        let serverPKI = try TestPKI(name: "server")
        let clientPKI = try TestPKI(name: "clients")
        let roguePKI = try TestPKI(name: "rogue")
        let serverFiles = try TestPKI.write(try serverPKI.issue("rg-verify"), to: scratch, as: "server")
        let server = try ServeProcess(["--tls-cert", serverFiles.cert, "--tls-key", serverFiles.key,
                                       "--tls-client-ca", try clientPKI.writeCA(to: scratch)])
        // Signed by the configured CA: served.
        let good = try await LineClient.connect(port: server.tcpPort, tls: try serverPKI.clientTLS(presenting: try clientPKI.issue("template-manager")))
        try await good.send(proposeLine(id: 1))
        #expect(try await good.readJSON()?["id"]?.uint64 == 1)
        await good.close()
        // Signed by another CA: the handshake fails, no verdict.
        if let rogue = try? await LineClient.connect(port: server.tcpPort, tls: try serverPKI.clientTLS(presenting: try roguePKI.issue("intruder"))) {
            try? await rogue.send(proposeLine(id: 2))
            #expect(await rogue.getsNoVerdict())
        }
        // No certificate at all: refused too.
        if let anonymous = try? await LineClient.connect(port: server.tcpPort, tls: try serverPKI.clientTLS()) {
            try? await anonymous.send(proposeLine(id: 3))
            #expect(await anonymous.getsNoVerdict())
        }
        #expect(server.waitForRecords(1).count == 1)
        #expect(server.stop() == 0)
    }

    @Test func aCertificateWithoutAKeyIsAUsageErrorNotPlaintext() throws {
        let scratch = try ScratchDirectory()
        let files = try TestPKI.write(try TestPKI(name: "x").issue("x"), to: scratch, as: "x")
        let onlyCert = try Tool.run("rg-verify", ["serve", "--policy", Repository.examplePolicy, "--listen", "127.0.0.1:0", "--http-listen", "off", "--tls-cert", files.cert])
        #expect(onlyCert.status == 2)
        #expect(onlyCert.err.contains("--tls-key is not"))
        let onlyKey = try Tool.run("rg-verify", ["serve", "--policy", Repository.examplePolicy, "--listen", "127.0.0.1:0", "--http-listen", "off"],
                                   env: ["RG_TLS_KEY": files.key])
        #expect(onlyKey.status == 2)
        let remote = try Tool.run("rg-verify", ["serve", "--policy", Repository.examplePolicy, "--listen", "0.0.0.0:0", "--http-listen", "off"])
        #expect(remote.status == 2)
        #expect(remote.err.contains("--allow-remote"))
    }

    // MARK: HTTP API

    @Test func protectedRoutesNeedTheKeyAndAreClosedWithoutOne() async throws {
        let secret = "s3cret-\(UUID().uuidString)"
        let keyed = try ServeProcess(["--log-level", "trace"], env: ["RG_API_SECRET": secret])
        for route in ["verdicts", "verdicts.csv", "stats", "policy"] {
            #expect(try await HTTP.request("\(keyed.httpBase)/\(route)").status == 401)
            #expect(try await HTTP.request("\(keyed.httpBase)/\(route)", bearer: "wrong").status == 401)
            #expect(try await HTTP.request("\(keyed.httpBase)/\(route)", bearer: secret).status == 200)
        }
        #expect(try await HTTP.request("\(keyed.httpBase)/policy", method: "POST", body: "[policy]\n").status == 401)
        for route in ["health", "ready", "metrics"] {
            #expect(try await HTTP.request("\(keyed.httpBase)/\(route)").status == 200)
        }
        #expect(keyed.stop() == 0)
        #expect(!keyed.stderr.contains(secret))                     // never logged, even at trace

        // The secret from a file works the same.
        let scratch = try ScratchDirectory()
        try (secret + "\n").write(toFile: scratch.path("secret"), atomically: true, encoding: .utf8)
        let fromFile = try ServeProcess(env: ["RG_API_SECRET_FILE": scratch.path("secret")])
        #expect(try await HTTP.request("\(fromFile.httpBase)/stats", bearer: secret).status == 200)
        #expect(fromFile.stop() == 0)

        // No key configured: 403, never open.
        let open = try ServeProcess()
        for route in ["verdicts", "verdicts.csv", "stats", "policy"] {
            let reply = try await HTTP.request("\(open.httpBase)/\(route)", bearer: "anything")
            #expect(reply.status == 403)
        }
        #expect(try await HTTP.request("\(open.httpBase)/policy", method: "POST", body: "[policy]\n").status == 403)
        #expect(Eventually.holds { open.stderr.contains("no API key configured") })
        #expect(open.stop() == 0)
    }

    @Test func policyUpdateOverHTTPAppliesToTheNextVerdictAndIsWrittenToTheFile() async throws {
        let secret = "k-\(UUID().uuidString)"
        let server = try ServeProcess(env: ["RG_API_SECRET": secret])
        let client = try await LineClient.connect(port: server.tcpPort)
        try await client.send(proposeLine(id: 1, feePerTx: 6_000))
        #expect(try await client.readJSON()?["accepted"]?.bool == true)

        let stricter = "[policy]\nmin_avg_fee_lo = 1\nmin_avg_fee_mid = 2000\nmin_avg_fee_hi = 7000\n"
        let applied = try await HTTP.request("\(server.httpBase)/policy", method: "POST", bearer: secret, body: stricter)
        #expect(applied.status == 200)
        let hash = try #require(applied.json?["policy_hash"]?.string)
        #expect(try String(contentsOfFile: server.policyPath, encoding: .utf8) == stricter)
        try await client.send(proposeLine(id: 2, feePerTx: 6_000))
        let rejected = try #require(try await client.readJSON())
        #expect(rejected["reason_code"]?.string == "avg_fee_below_minimum")
        #expect(rejected["policy_context"]?["policy_hash"]?.string == hash)
        let shown = try await HTTP.request("\(server.httpBase)/policy", bearer: secret)
        #expect(shown.json?["policy"]?["min_avg_fee_hi"]?.int64 == 7000)

        // Invalid: 400 naming the key; nothing changes, in force or on disk.
        let invalid = try await HTTP.request("\(server.httpBase)/policy", method: "POST", bearer: secret, body: "[policy]\nmin_avg_fee_hii = 1\n")
        #expect(invalid.status == 400)
        #expect(invalid.json?["key"]?.string == "min_avg_fee_hii")
        #expect(invalid.json?["line"]?.int64 == 2)
        #expect(invalid.json?["error"]?.string?.contains("min_avg_fee_hii") == true)
        let inconsistent = try await HTTP.request("\(server.httpBase)/policy", method: "POST", bearer: secret,
                                                  body: "[policy]\nmin_avg_fee_lo = 9000\nmin_avg_fee_mid = 10\n")
        #expect(inconsistent.status == 400)
        #expect(try String(contentsOfFile: server.policyPath, encoding: .utf8) == stricter)
        try await client.send(proposeLine(id: 3, feePerTx: 7_500))
        let stillStricter = try #require(try await client.readJSON())
        #expect(stillStricter["accepted"]?.bool == true)
        #expect(stillStricter["policy_context"]?["policy_hash"]?.string == hash)

        // A body over the limit: 413.
        let huge = try await HTTP.request("\(server.httpBase)/policy", method: "POST", bearer: secret,
                                          body: "[policy]\n" + String(repeating: "# padding\n", count: 10_000))
        #expect(huge.status == 413)
        await client.close()
        #expect(server.stop() == 0)
    }

    @Test func policyFileEditsAndSIGHUPReloadTheRunningServer() async throws {
        let secret = "k-\(UUID().uuidString)"
        let server = try ServeProcess(env: ["RG_API_SECRET": secret])
        let before = try #require(try await HTTP.request("\(server.httpBase)/policy", bearer: secret).json?["policy_hash"]?.string)
        try "[policy]\nmin_avg_fee_hi = 9000\n".write(toFile: server.policyPath, atomically: true, encoding: .utf8)
        try await waitFor { try await HTTP.request("\(server.httpBase)/policy", bearer: secret).json?["policy_hash"]?.string != before }
        let client = try await LineClient.connect(port: server.tcpPort)
        try await client.send(proposeLine(id: 1, feePerTx: 6_000))
        #expect(try await client.readJSON()?["reason_code"]?.string == "avg_fee_below_minimum")
        // A bad edit keeps the policy in force.
        try "[policy]\nmin_avg_fee_hi = \"lots\"\n".write(toFile: server.policyPath, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        try await waitFor { server.stderr.contains("policy reload failed") }
        try await client.send(proposeLine(id: 2, feePerTx: 9_500))
        #expect(try await client.readJSON()?["accepted"]?.bool == true)
        await client.close()
        #expect(server.stop() == 0)
    }

    @Test func anIdleVerifierIsReadyAndAStaleMempoolSourceIsNot() async throws {
        let idle = try ServeProcess()
        let ready = try await HTTP.request("\(idle.httpBase)/ready")
        #expect(ready.status == 200)
        #expect(ready.json?["ready"]?.bool == true)
        #expect(ready.json?["policy_loaded"]?.bool == true)
        #expect(ready.json?["mempool"]?.isNull == true)
        #expect(try await HTTP.request("\(idle.httpBase)/health").body == "ok\n")
        #expect(idle.stop() == 0)

        // A configured mempool source that never answers: not ready, and says why.
        let unreachable = try ServeProcess(["--mempool-url", "http://127.0.0.1:1/rest/mempool/info.json", "--mempool-interval", "200ms"])
        let notReady = try await HTTP.request("\(unreachable.httpBase)/ready")
        #expect(notReady.status == 503)
        #expect(notReady.json?["mempool"]?["fresh"]?.bool == false)
        #expect(unreachable.stop() == 0)
    }

    @Test func aFreshMempoolReadingMakesTheVerifierReadyAndSetsTheTier() async throws {
        // rg-verify's own /stats is not a mempool; a second server's /ready has no count either.
        // So serve a real mempool reply: bitcoind's REST shape, from a file-backed HTTP server.
        let mempool = try await StaticJSONServer.start(body: #"{"loaded":true,"size":12,"bytes":4000,"mempoolminfee":0.00001}"#)
        let server = try ServeProcess(["--mempool-url", "http://127.0.0.1:\(mempool.port)/rest/mempool/info.json", "--mempool-interval", "200ms"])
        try await waitFor { try await HTTP.request("\(server.httpBase)/ready").status == 200 }
        let ready = try await HTTP.request("\(server.httpBase)/ready")
        #expect(ready.json?["mempool"]?["tx_count"]?.int64 == 12)
        let client = try await LineClient.connect(port: server.tcpPort)
        try await client.send(proposeLine(id: 1, feePerTx: 2_500))   // mid tier (12 < 50 txs): 2,000 sat/tx
        let verdict = try #require(try await client.readJSON())
        #expect(verdict["accepted"]?.bool == true)
        #expect(verdict["policy_context"]?["fee_tier"]?.string == "mid")
        #expect(verdict["policy_context"]?["tier_source"]?.string == "measured")
        await client.close()
        #expect(server.stop() == 0)
        await mempool.stop()
    }

    @Test func metricsAreNamedOnceWithTheirLabels() async throws {
        let server = try ServeProcess()
        let client = try await LineClient.connect(port: server.tcpPort)
        try await client.send(proposeLine(id: 1))
        try await client.send(proposeLine(id: 2, txCount: 0, feePerTx: 0))
        try await client.send("oops")
        for _ in 0..<3 { _ = try await client.readLine() }
        let text = try await HTTP.request("\(server.httpBase)/metrics").body
        #expect(text.contains(#"rg_verify_verdicts_total{accepted="true",reason_code="ok"} 1"#))
        #expect(text.contains(#"rg_verify_verdicts_total{accepted="false",reason_code="empty_template_rejected"} 1"#))
        #expect(text.contains(#"rg_verify_request_errors_total{code="invalid_json"} 1"#))
        #expect(text.contains("rg_verify_connections_active 1"))
        #expect(text.contains("rg_verify_connections_accepted_total 1"))
        #expect(text.contains("rg_verify_eval_seconds_bucket"))
        #expect(text.contains("rg_verify_request_seconds_count 3"))
        #expect(text.contains("rg_verify_policy_reloads_total"))
        #expect(!text.contains("_total_total"))
        await client.close()
        #expect(server.stop() == 0)
    }

    @Test func verdictsAndStatsComeFromTheDatabaseOrCoverEverythingSinceStart() async throws {
        let secret = "k-\(UUID().uuidString)"
        // Without --db: the ring holds 2, /stats still counts all 5.
        let memory = try ServeProcess(["--ring-size", "2"], env: ["RG_API_SECRET": secret])
        let c1 = try await LineClient.connect(port: memory.tcpPort)
        for i in 0..<5 { try await c1.send(proposeLine(id: UInt64(i), feePerTx: i == 4 ? 10 : 6_000)) }
        for _ in 0..<5 { _ = try await c1.readLine() }
        let page = try await HTTP.request("\(memory.httpBase)/verdicts", bearer: secret)
        #expect(page.json?["source"]?.string == "memory")
        #expect(page.json?["verdicts"]?.elements.count == 2)
        let stats = try await HTTP.request("\(memory.httpBase)/stats", bearer: secret)
        #expect(stats.json?["total"]?.int64 == 5)
        #expect(stats.json?["by_reason"]?["avg_fee_below_minimum"]?.int64 == 1)
        await c1.close()
        #expect(memory.stop() == 0)

        // With --db: pages and stats from the database, which a restart keeps.
        let scratch = try ScratchDirectory()
        let db = scratch.path("rg.sqlite")
        for run in 0..<2 {
            let server = try ServeProcess(["--db", db, "--ring-size", "2"], env: ["RG_API_SECRET": secret])
            let c = try await LineClient.connect(port: server.tcpPort)
            for i in 0..<3 { try await c.send(proposeLine(id: UInt64(run * 10 + i))) }
            for _ in 0..<3 { _ = try await c.readLine() }
            let stats = try await HTTP.request("\(server.httpBase)/stats", bearer: secret)
            #expect(stats.header("RG-Stats-Source") == "database")
            #expect(stats.json?["total"]?.int64 == Int64(3 * (run + 1)))
            let first = try await HTTP.request("\(server.httpBase)/verdicts?limit=4", bearer: secret)
            #expect(first.json?["source"]?.string == "database")
            #expect(first.json?["verdicts"]?.elements.count == min(4, 3 * (run + 1)))
            if run == 1 {
                let next = try #require(first.json?["next"]?.string)
                let second = try await HTTP.request("\(server.httpBase)/verdicts?limit=4&after=\(next)", bearer: secret)
                #expect(second.json?["verdicts"]?.elements.count == 2)
                #expect(second.json?["next"]?.isNull == true)
                let csv = try await HTTP.request("\(server.httpBase)/verdicts.csv", bearer: secret)
                #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
                #expect(csv.body.split(separator: "\n").count == 7)
                #expect(csv.body.hasPrefix(VerdictCSV.header + "\n"))
                let bad = try await HTTP.request("\(server.httpBase)/verdicts?limit=lots", bearer: secret)
                #expect(bad.status == 400)
            }
            await c.close()
            #expect(server.stop() == 0)
        }
    }

    @Test func sigtermAnswersWhatWasReadThenClosesAndExitsZero() async throws {
        let server = try ServeProcess()
        let client = try await LineClient.connect(port: server.tcpPort)
        var batch = ""
        for i in 0..<200 { batch += proposeLine(id: UInt64(i)) + "\n" }
        try await client.sendRaw(Array(batch.utf8))
        #expect(try await client.readJSON()?["id"]?.uint64 == 0)
        server.signal(SIGTERM)
        // Whatever the server had read when the signal came is answered, in order, then the
        // connection is closed cleanly; what it had not read yet is not (SIGTERM stops reading).
        var ids: [UInt64] = [0]
        while let line = try await client.readLine() {
            ids.append(try #require(try JSONDocument(line).root["id"]?.uint64))
        }
        #expect(ids == (0..<UInt64(ids.count)).map { $0 })
        #expect(server.stop() == 0)
        #expect(server.waitForRecords(ids.count, timeout: 2).count == ids.count)   // every answer was also printed
        #expect(Eventually.holds { server.stderr.contains("stopped") })
    }

    // MARK: rg-feed load

    @Test func theLoadGeneratorCountsEveryVerdictAndFailsOnDrops() async throws {
        let server = try ServeProcess(http: false)
        let run = try Tool.run("rg-feed", ["load", "--target", server.tcpAddress, "--connections", "4", "--rate", "400",
                                           "--duration", "1s", "--scenario", "mixed", "--json", "--seed", "1"])
        #expect(run.status == 0, "\(run.err)")
        let report = try JSONDocument(run.out).root
        #expect(report["type"]?.string == "load_report")
        let sent = try #require(report["sent"]?.int64)
        #expect(sent >= 350 && sent <= 400)
        #expect(report["received"]?.int64 == sent)
        #expect(report["drops"]?.int64 == 0)
        let rejected = try #require(report["rejected"]?.int64)
        #expect(rejected > 0 && rejected < sent)
        #expect(report["by_reason"]?.members.map { $0.0.string }.allSatisfy {
            ["prev_hash_len_mismatch", "invalid_prev_hash", "avg_fee_below_minimum", "empty_template_rejected",
             "coinbase_value_zero_rejected", "template_too_old"].contains($0)
        } == true)
        #expect(report["latency_us"]?["p99"]?.double != nil)
        #expect(run.err.contains("latency ms"))                      // the table goes to stderr
        #expect(server.stop() == 0)
        #expect(server.waitForRecords(Int(sent)).count == Int(sent))

        let nobody = try Tool.run("rg-feed", ["load", "--target", "127.0.0.1:1", "--connections", "1", "--rate", "10", "--duration", "1s"])
        #expect(nobody.status == 1)
        let bad = try Tool.run("rg-feed", ["load", "--scenario", "chaos"])
        #expect(bad.status == 2)
    }

    // MARK: helpers

    /// Polls `condition` until it holds (a state change the server makes asynchronously).
    func waitFor(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not met within \(timeout)")
    }

    static func metric(_ server: ServeProcess, _ name: String) async throws -> Int? {
        let text = try await HTTP.request("\(server.httpBase)/metrics").body
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Int(Double(line.split(separator: " ")[1]) ?? -1)
        }
        return nil
    }
}
