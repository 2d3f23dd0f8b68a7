import ArgumentParser
import RGKit

/// `rg-verify check FILE`: is this policy usable? Exit 0 yes, 2 no (with the reason).
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a policy file and exit 0 (usable) or 2 (not), naming the key at fault.")

    @Argument(help: "The policy TOML file to check.")
    var file: String

    func run() async throws {
        let policy = try PolicyFile.load(file)
        FileHandleStderr.write("rg-verify: \(file): ok (policy hash \(policy.hash))\n")
    }
}
