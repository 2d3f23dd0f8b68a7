import Testing
@testable import RGKit

@Suite struct StackFileTests {
    @Test func aStackRoundTripsThroughTOML() throws {
        let stack = StackFile(logDirectory: "var/log", tools: [
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
}
