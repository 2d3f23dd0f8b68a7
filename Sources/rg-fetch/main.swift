import ArgumentParser
import RGKit

/// rg-fetch: templates from a node in, template records out; and found blocks back to the node.
struct RGFetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-fetch",
        abstract: "Fetch block templates from Bitcoin Core's JSON-RPC; submit found blocks.",
        discussion: """
            rg-fetch (the default command, fetch) writes a template record whenever the node's \
            work changes; rg-fetch submit turns block records into submitblock calls; rg-fetch \
            block turns raw blocks into template records.
            Credentials: --rpc-cookie PATH (the node's .cookie file, re-read after a 401), or \
            RG_RPC_USER and RG_RPC_PASS (or RG_RPC_PASS_FILE) in the environment — never a flag.
            Exit status: 0 ok, 1 runtime failure (a block not submitted), 2 usage error, \
            3 some input was rejected (a bad line, a block the node rejected).
            """,
        subcommands: [Fetch.self, Submit.self, BlockFile.self],
        defaultSubcommand: Fetch.self)
}

await RGFetch.mainWithToolExits(tool: "rg-fetch")
