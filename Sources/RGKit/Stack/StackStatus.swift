/// The one-line status `rg-stack` prints: per tool, the records it wrote by type, with how many
/// were accepted where records say so, e.g.
/// `fetch 12 template · verify 12 verdict (9 accepted) · gate 9 job, 40 share (40 accepted), 2 block`.
public enum StackStatus {
    public static func line(_ tallies: [String: StackSupervisor.Tally], order: [String]) -> String {
        var parts: [String] = []
        for name in order {
            guard let tally = tallies[name], !tally.byType.isEmpty else { continue }
            let types = tally.byType.keys.sorted { (tally.byType[$0]!, $1) > (tally.byType[$1]!, $0) }
            let counts = types.map { type -> String in
                let count = tally.byType[type]!
                if let accepted = tally.acceptedByType[type] { return "\(count) \(type) (\(accepted) accepted)" }
                if type == "verdict" || type == "share" || type == "submit" { return "\(count) \(type) (0 accepted)" }
                return "\(count) \(type)"
            }
            parts.append("\(name) " + counts.joined(separator: ", "))
        }
        return parts.isEmpty ? "no records yet" : parts.joined(separator: " · ")
    }
}
