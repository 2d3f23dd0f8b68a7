import Foundation
import Testing

/// The systemd units in deploy/systemd run our tools with flags that exist: a renamed flag
/// would otherwise surface only on a production host at boot.
@Suite struct DeployUnitTests {
    @Test func everyExecStartUsesARealToolSubcommandAndFlags() throws {
        let directory = Repository.root.appendingPathComponent("deploy/systemd").path
        let units = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".service") }
        #expect(units.count >= 3)
        for unit in units {
            let text = try String(contentsOfFile: "\(directory)/\(unit)", encoding: .utf8)
            let exec = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }, "\(unit) has ExecStart")
            let words = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
            let program = try #require(words.first)
            #expect(program.hasPrefix("/usr/local/bin/rg-"), "\(unit) runs one of our tools")
            let tool = String(program.split(separator: "/").last!)
            let subcommands = words.dropFirst().prefix { !$0.hasPrefix("-") && !$0.hasPrefix("/") }
            let help = try Tool.run(tool, Array(subcommands) + ["--help"])
            #expect(help.status == 0, "\(unit): \(tool) \(subcommands.joined(separator: " ")) --help")
            for flag in words where flag.hasPrefix("--") {
                #expect(help.out.contains(flag), "\(unit): \(tool) has no \(flag)")
            }
        }
    }
}
