import Foundation

/// Where the running executable lives, so a supervisor starts the `rg-*` tools built beside it
/// rather than whatever older copies `PATH` finds first.
public enum ToolLocation {
    public static var executableDirectory: String? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }
}
