import ArgumentParser
import RGKit

/// rg-gate: the Stratum V2 side of the pool. This release holds its key management; the
/// gateway server itself arrives with the gateway issue.
struct RGGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-gate",
        abstract: "Stratum V2 gateway tools: the pool's Noise authority key.",
        discussion: "Exit status: 0 ok, 1 runtime failure, 2 usage error.",
        subcommands: [Keygen.self, Pubkey.self])
}

await RGGate.mainWithToolExits(tool: "rg-gate")
