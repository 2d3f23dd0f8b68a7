import ArgumentParser
import RGKit

/// rg-gate: the Stratum V2 side of the pool. `serve` (the default) runs the gateway; `keygen`
/// and `pubkey` manage the Noise authority key miners pin.
struct RGGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-gate",
        abstract: "Stratum V2 gateway: verified templates in, jobs to miners, shares judged, blocks out.",
        discussion: "Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 some input lines were rejected.",
        subcommands: [Serve.self, Keygen.self, Pubkey.self],
        defaultSubcommand: Serve.self)
}

await RGGate.mainWithToolExits(tool: "rg-gate")
