/// A line diff of two texts (longest common subsequence), for showing a policy edit before it
/// is saved and for the change history. Pure; bounded to 2,000 lines a side (policy files are
/// a few dozen lines; anything bigger is shown as a whole replacement).
public enum PolicyDiff {
    public enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    public static let maxLines = 2_000

    public static func lines(from old: String, to new: String) -> [Line] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if a.count > maxLines || b.count > maxLines { return a.map(Line.removed) + b.map(Line.added) }
        let n = a.count, m = b.count
        var table = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out: [Line] = []
        var i = 0, j = 0
        while i < n && j < m {
            if a[i] == b[j] { out.append(.same(a[i])); i += 1; j += 1 }
            else if table[i + 1][j] >= table[i][j + 1] { out.append(.removed(a[i])); i += 1 }
            else { out.append(.added(b[j])); j += 1 }
        }
        while i < n { out.append(.removed(a[i])); i += 1 }
        while j < m { out.append(.added(b[j])); j += 1 }
        return out
    }

    /// Unified-style text of the changed lines only (`-old`, `+new`); empty when equal.
    public static func text(from old: String, to new: String) -> String {
        lines(from: old, to: new).compactMap { line -> String? in
            switch line {
            case .same: nil
            case .removed(let s): "-" + s
            case .added(let s): "+" + s
            }
        }.joined(separator: "\n")
    }
}
