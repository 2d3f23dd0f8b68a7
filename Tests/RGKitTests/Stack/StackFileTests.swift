import Testing
@testable import RGKit

@Suite struct StackFileTests {
    @Test func aStackRoundTripsThroughTOML() throws {
        let stack = StackFile(logDirectory: "var/log", setup: [.init(command: ["rg-gate", "keygen", "--output", "var/a.key"], creates: "var/a.key", environment: ["X": "1"])], tools: [
            .init(name: "feed", command: ["rg-feed", "demo", "--interval", "1s"]),
            .init(name: "verify", command: ["rg-verify", "--strip"], stdinFrom: "feed", environment: ["RG_LOG_LEVEL": "debug"], keepOutput: true, startDelayMs: 100),
        ])
        let parsed = try StackFile(toml: stack.toml, file: "stack.toml")
        #expect(parsed == stack)
    }

    @Test func twoReadersOfOneStreamOrAnUnknownSourceAreRefused() {
        #expect(throws: ToolError.self) {
            try StackFile(toml: """
                [[tool]]
                name = "a"
                command = ["x"]
                [[tool]]
                name = "b"
                command = ["y"]
                stdin = "a"
                [[tool]]
                name = "c"
                command = ["z"]
                stdin = "a"
                """, file: "s.toml")
        }
        #expect(throws: ToolError.self) {
            try StackFile(toml: "[[tool]]\nname = \"a\"\ncommand = [\"x\"]\nstdin = \"nobody\"\n", file: "s.toml")
        }
    }

    @Test func everyPresetIsAValidStackAndNeedsWhatItCannotGuess() throws {
        var options = StackPreset.Options()
        options.rpcURL = "http://127.0.0.1:8332"
        options.payoutAddress = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
        for preset in StackPreset.allCases {
            let stack = try preset.stack(options)
            try stack.validate(file: preset.rawValue)
            #expect(try StackFile(toml: stack.toml, file: preset.rawValue) == stack)
            #expect(stack.tools.contains { $0.name == "verify" })
            #expect(stack.tools.contains { $0.name == "gate" } == (preset != .shadow))
        }
        #expect(try StackPreset.demo.stack(.init()).tools.map(\.name) == ["demo-feed", "node", "fetch", "verify", "gate", "submit", "miner", "dashboard"])
        #expect(throws: ToolError.self) { try StackPreset.shadow.stack(.init()) }
        var noPayout = StackPreset.Options()
        noPayout.rpcURL = "http://127.0.0.1:8332"
        #expect(throws: ToolError.self) { try StackPreset.inline.stack(noPayout) }
    }

    @Test func theStatusLineCountsRecordsByTypeAndAcceptance() {
        var verify = StackSupervisor.Tally()
        verify.count(Array(#"{"type":"verdict","template_id":"ab","accepted":true}"#.utf8))
        verify.count(Array(#"{"type":"verdict","template_id":"cd","accepted":false}"#.utf8))
        var gate = StackSupervisor.Tally()
        gate.count(Array(#"{"type":"job","job_id":1}"#.utf8))
        gate.count(Array(#"not json"#.utf8))
        let line = StackStatus.line(["verify": verify, "gate": gate], order: ["fetch", "verify", "gate"])
        #expect(line == "verify 2 verdict (1 accepted) · gate 1 job, 1 other")
    }
}
