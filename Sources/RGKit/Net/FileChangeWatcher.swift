#if canImport(Glibc)
import Glibc
#endif

/// Notices when a file's content may have changed — written in place, or replaced by rename as
/// editors and atomic writers do — using inotify on its directory, from a background thread
/// that only raises a flag. The tool's loop checks the flag between records (no syscall), so
/// the next record after an edit sees the new file.
public final class FileChangeWatcher: @unchecked Sendable {
    private let directory: String
    private let name: String
    private let inotifyFD: Int32
    nonisolated(unsafe) private var changed: Int32 = 0
    private let lock = Lock()
    private var thread: pthread_t?

    public init?(path: String) {
        let slash = path.lastIndex(of: "/")
        directory = slash.map { String(path[..<$0]) }.flatMap { $0.isEmpty ? "/" : $0 } ?? "."
        name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        inotifyFD = inotify_init1(Int32(IN_CLOEXEC))
        guard inotifyFD >= 0 else { return nil }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ATTRIB)
        guard inotify_add_watch(inotifyFD, directory, mask) >= 0 else {
            close(inotifyFD)
            return nil
        }
        let box = Unmanaged.passRetained(self)
        var tid = pthread_t()
        let created = pthread_create(&tid, nil, { arg in
            let watcher = Unmanaged<FileChangeWatcher>.fromOpaque(arg!).takeRetainedValue()
            watcher.loop()
            return nil
        }, box.toOpaque())
        guard created == 0 else { box.release(); close(inotifyFD); return nil }
        pthread_detach(tid)
        thread = tid
    }

    /// True once after each change notice.
    public func takeChange() -> Bool {
        lock.withLock {
            guard changed != 0 else { return false }
            changed = 0
            return true
        }
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            var offset = 0
            var relevant = false
            buffer.withUnsafeBytes { raw in
                while offset + MemoryLayout<inotify_event>.size <= n {
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[nameStart..<min(nameStart + Int(event.len), n)].prefix { $0 != 0 }
                    if String(decoding: nameBytes, as: UTF8.self) == name { relevant = true }
                    offset = nameStart + Int(event.len)
                }
            }
            if relevant { lock.withLock { changed = 1 } }
        }
    }
}
