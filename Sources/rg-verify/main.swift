import ArgumentParser
import RGKit

/// rg-verify: judges block templates against the operator's policy.
struct RGVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-verify",
        abstract: "Judge block templates against the operator's policy.",
        discussion: """
            Reads template records (or compact TemplatePropose messages) as NDJSON on stdin and \
            writes one verdict record per template on stdout, in order. Records of other types pass \
            through untouched. Bad lines are reported on stderr with their line number and skipped.

            Exit status: 0 ok, 1 runtime failure, 2 usage or invalid policy, 3 some input was rejected.
            """,
        subcommands: [Filter.self, Serve.self, Check.self],
        defaultSubcommand: Filter.self)
}

await RGVerify.mainWithToolExits(tool: "rg-verify")
