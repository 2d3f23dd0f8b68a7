import ArgumentParser
import RGKit

/// rg-feed: template sources that need no node.
struct RGFeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-feed",
        abstract: "Template sources and relays: synthetic scenarios, an authenticated WebSocket relay, replay, a bitcoind-compatible RPC endpoint, a verifier load tester.",
        discussion: "Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 some input was rejected.",
        subcommands: [Demo.self, Serve.self, Connect.self, Token.self, Replay.self, RPC.self, Load.self])
}

await RGFeed.mainWithToolExits(tool: "rg-feed")
