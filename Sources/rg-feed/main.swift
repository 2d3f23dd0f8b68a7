import ArgumentParser
import RGKit

/// rg-feed: template sources that need no node.
struct RGFeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-feed",
        abstract: "Template sources and relays: synthetic scenarios, an authenticated WebSocket relay, replay.",
        discussion: "Exit status: 0 ok, 1 runtime failure, 2 usage error.",
        subcommands: [Demo.self, Serve.self, Connect.self, Token.self, Replay.self])
}

await RGFeed.mainWithToolExits(tool: "rg-feed")
