import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import RGKit

/// The HTTP API on Hummingbird's router test harness (no sockets): authorisation, policy
/// updates and paging. The same routes run for real in EndToEndTests.
@Suite struct VerifierHTTPAPITests {
    final class Fixture: @unchecked Sendable {
        let directory = TemporaryDirectory()
        let live: LivePolicy
        let recent = RecentVerdicts(capacity: 10)

        init() throws {
            try "[policy]\nmin_avg_fee_hi = 5000\n".write(toFile: directory.file("policy.toml"), atomically: true, encoding: .utf8)
            live = try LivePolicy(path: directory.file("policy.toml"), options: .init(), logger: Logger(label: "test"))
        }

        func app(secret: String?) -> some ApplicationProtocol {
            let api = VerifierHTTPAPI(configuration: .init(address: ListenAddress(host: "127.0.0.1", port: 0), apiSecret: secret, maxBodyBytes: 1024),
                                      live: live, store: nil, recent: recent, mempool: nil)
            return Application(router: api.router())
        }
    }

    @Test func theKeyIsRequiredAndAMissingKeyConfigurationClosesTheRoutes() async throws {
        let fixture = try Fixture()
        try await fixture.app(secret: "hunter2").test(.router) { client in
            try await client.execute(uri: "/stats", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/stats", method: .get, headers: [.authorization: "Bearer hunter3"]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/stats", method: .get, headers: [.authorization: "Basic aHVudGVyMg=="]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/stats", method: .get, headers: [.authorization: "Bearer hunter2"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/stats", method: .get, headers: [.authorization: "bearer hunter2"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
        try await fixture.app(secret: nil).test(.router) { client in
            try await client.execute(uri: "/policy", method: .get, headers: [.authorization: "Bearer "]) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aPolicyUpdateIsValidatedWrittenAndApplied() async throws {
        let fixture = try Fixture()
        let auth: HTTPFields = [.authorization: "Bearer k"]
        try await fixture.app(secret: "k").test(.router) { client in
            try await client.execute(uri: "/policy", method: .post, headers: auth, body: ByteBuffer(string: "[policy]\nmax_tx_count = 0\n")) { response in
                #expect(response.status == .badRequest)
                let body = try JSONDocument(String(buffer: response.body)).root
                #expect(body["key"]?.string == "max_tx_count")
                #expect(body["code"]?.string == "policy_invalid_value")
            }
            #expect(fixture.live.policy.minAvgFeeHigh == 5000)
            try await client.execute(uri: "/policy", method: .post, headers: auth, body: ByteBuffer(string: "[policy]\nmin_avg_fee_hi = 6000\n")) { response in
                #expect(response.status == .ok)
            }
            #expect(fixture.live.policy.minAvgFeeHigh == 6000)
            #expect(fixture.live.verifier.policy.minAvgFeeHigh == 6000)
            #expect(try String(contentsOfFile: fixture.directory.file("policy.toml"), encoding: .utf8) == "[policy]\nmin_avg_fee_hi = 6000\n")
            try await client.execute(uri: "/policy", method: .post, headers: auth, body: ByteBuffer(string: String(repeating: "#", count: 2000))) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func verdictsPageThroughTheRingWithFilters() async throws {
        let fixture = try Fixture()
        for n in 1...5 { fixture.recent.observe(VerdictRingTests.record(n, accepted: n != 3)) }
        let auth: HTTPFields = [.authorization: "Bearer k"]
        try await fixture.app(secret: "k").test(.router) { client in
            let next = try await client.execute(uri: "/verdicts?limit=2", method: .get, headers: auth) { response -> String? in
                let body = try JSONDocument(String(buffer: response.body)).root
                #expect(body["verdicts"]?.elements.map { $0["template_id"]?.string } == ["1", "2"])
                return body["next"]?.string
            }
            #expect(next == "2")
            try await client.execute(uri: "/verdicts?after=2&accepted=false", method: .get, headers: auth) { response in
                let body = try JSONDocument(String(buffer: response.body)).root
                #expect(body["verdicts"]?.elements.map { $0["template_id"]?.string } == ["3"])
            }
            try await client.execute(uri: "/verdicts?accepted=maybe", method: .get, headers: auth) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/verdicts.csv?limit=1", method: .get, headers: auth) { response in
                #expect(String(buffer: response.body).split(separator: "\n").count == 2)
                #expect(response.headers[HTTPField.Name("RG-Next")!] == "1")
            }
        }
    }
}
