#if canImport(Glibc)
import Glibc
#endif

/// The process's open-file limit: load tools hold one descriptor per connection and should
/// warn (or raise the soft limit to the hard one) before running out mid-test.
public enum OpenFileLimit {
    /// The soft limit, nil if unknown.
    public static func current() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return UInt64(limit.rlim_cur)
    }

    /// Raises the soft limit as far as the hard limit allows toward `wanted`; returns the new soft limit.
    @discardableResult
    public static func raise(toward wanted: UInt64) -> UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if UInt64(limit.rlim_cur) < wanted {
            limit.rlim_cur = rlim_t(min(wanted, UInt64(limit.rlim_max)))
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return current()
    }
}
