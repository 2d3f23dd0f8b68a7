import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The exit statuses every tool uses, decided in one place (ARCHITECTURE.md §1).
public enum ToolExit: Int32, Sendable {
    case ok = 0
    /// Could not do the job: I/O, a server that would not start, a closed stdout.
    case failure = 1
    /// A bad flag or an unusable configuration (invalid policy, missing key file).
    case usage = 2
    /// The job ran, but some input was rejected (bad lines, rejected shares in `--strict`).
    case inputRejected = 3
}

/// An error that carries the exit status it should produce and a message for stderr.
public struct ToolError: Error, CustomStringConvertible {
    public var exit: ToolExit
    public var message: String
    public init(_ exit: ToolExit, _ message: String) {
        self.exit = exit
        self.message = message
    }
    public var description: String { message }
}

extension ParsableCommand {
    /// Parses and runs the command with the project's exit codes: argument-parser's usage
    /// errors (64, EX_USAGE) become 2; `ToolError`s exit with their own status; `--help`
    /// exits 0.
    public static func mainWithToolExits(tool: String) async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as ToolError {
            if !error.message.isEmpty { FileHandleStderr.write("\(tool): \(error.message)\n") }
            Glibc.exit(error.exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help, --version and friends print to stdout, as users expect.
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandleStderr.write("\(tool): \(message)\n") }
            Glibc.exit(code == .validationFailure ? ToolExit.usage.rawValue : (code.rawValue == 64 ? ToolExit.usage.rawValue : code.rawValue))
        }
    }
}

/// Unbuffered writes to stderr for messages that must not interleave with records.
public enum FileHandleStderr {
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}

/// Flag, then `RG_*` environment variable, then default: the configuration order of every tool.
public enum Setting {
    public static func string(_ flag: String?, env: String, default value: String? = nil) -> String? {
        if let flag { return flag }
        if let e = getenv(env) { return String(cString: e) }
        return value
    }

    /// `--network` (or `RG_NETWORK`), else `defaultName`; nil when neither is given.
    public static func network(_ flag: String?, default defaultName: String? = nil) throws(ToolError) -> Network? {
        guard let name = string(flag, env: "RG_NETWORK", default: defaultName) else { return nil }
        guard let network = Network(name: name) else {
            throw ToolError(.usage, "--network: unknown network \"\(name)\" (mainnet, testnet, testnet4, signet, regtest)")
        }
        return network
    }

    public static func bool(_ flag: Bool, env: String) -> Bool {
        if flag { return true }
        guard let e = getenv(env) else { return false }
        return ["1", "true", "yes", "on"].contains(String(cString: e).lowercased())
    }

    /// A secret comes from `NAME` or from the file named by `NAME_FILE`, never from a flag.
    public static func secret(env: String) throws(ToolError) -> String? {
        if let e = getenv(env) { return String(cString: e) }
        if let path = getenv(env + "_FILE") {
            let file = String(cString: path)
            guard let data = FileManagerLite.read(file) else {
                throw ToolError(.usage, "\(env)_FILE: cannot read \(file)")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: ["\n", "\r", " "])
        }
        return nil
    }
}

/// Whole-file reads and atomic writes without Foundation's overhead on the hot paths.
public enum FileManagerLite {
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readToEnd(fd)
    }

    /// Everything on standard input, up to end of file.
    public static func readStandardInput() -> [UInt8]? { readToEnd(0) }

    private static func readToEnd(_ fd: Int32) -> [UInt8]? {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Creates the directory a file will live in (like `mkdir -p $(dirname path)`).
    public static func createParentDirectory(of path: String) throws(ToolError) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        var current = ""
        for component in path[..<slash].split(separator: "/", omittingEmptySubsequences: false) {
            current += current.isEmpty && path.hasPrefix("/") ? "/\(component)" : (current.isEmpty ? "\(component)" : "/\(component)")
            if component.isEmpty { continue }
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ToolError(.usage, "cannot create directory \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Writes `bytes` to a temporary file in the same directory, fsyncs it and renames it over
    /// `path`, so readers see the old file or the new one, never a half-written one.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(ToolError) {
        // Renaming over a device, FIFO or directory would replace it (once, /dev/null), so only
        // a regular file or a new name may be the target.
        var info = stat()
        if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            throw ToolError(.usage, "\(path): not a regular file; refusing to replace it")
        }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let temp = "\(path).tmp.\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ToolError(.failure, "cannot create \(temp): \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let why = String(cString: strerror(errno))
                close(fd); unlink(temp)
                throw ToolError(.failure, "cannot write \(temp): \(why)")
            }
            offset += n
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            unlink(temp)
            throw ToolError(.failure, "cannot flush \(temp): \(String(cString: strerror(errno)))")
        }
        guard rename(temp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw ToolError(.failure, "cannot rename \(temp) to \(path): \(why)")
        }
        let dirFD = open(directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 { fsync(dirFD); close(dirFD) }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

/// Tools that handle multi-megabyte records allocate and free large buffers per record. glibc
/// serves those with mmap/munmap by default, so every record paid for fresh zeroed pages
/// (page faults were ~10 % of rg-verify's time); keeping them in the heap avoids that.
public enum ToolMemory {
    public static func keepLargeBuffersInHeap() {
        // <malloc.h> is not in the Glibc module map: M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3.
        _ = glibcMallopt(-3, 256 << 20)
        _ = glibcMallopt(-1, 512 << 20)
    }
}

@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
