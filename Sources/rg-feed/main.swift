import ArgumentParser
import RGKit

/// rg-feed: template sources that need no node.
struct RGFeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-feed",
        abstract: "Produce template records: synthetic scenarios for demos and tests.",
        discussion: "Exit status: 0 ok, 1 runtime failure, 2 usage error.",
        subcommands: [Demo.self])
}

await RGFeed.mainWithToolExits(tool: "rg-feed")
