#if canImport(Glibc)
import Glibc
#endif

/// A dedicated OS thread for blocking work (reading stdin with `LineReader`), so a blocking
/// read(2) never occupies one of Swift concurrency's few cooperative threads (two on a
/// two-core machine) or a NIO event loop.
public enum BackgroundThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a new detached thread.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if created != 0 {
            // No thread: run inline rather than lose the work.
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
        } else {
            pthread_detach(thread)
        }
    }

    /// Runs `body` on a new thread and waits for it without blocking the caller's thread.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: body()) }
        }
    }
}

extension ProcessSignals {
    /// Returns when SIGINT/SIGTERM arrives (or `requestStop()` is called), or when the calling
    /// task is cancelled. Waits on a thread of its own, polling the wake pipe without reading
    /// it, so other waiters (a `LineReader`) still see the stop.
    public static func waitForStop() async {
        install()
        var cancelPipe: [Int32] = [0, 0]
        guard pipe(&cancelPipe) == 0 else { return }
        let readEnd = cancelPipe[0], writeEnd = cancelPipe[1]
        await withTaskCancellationHandler {
            await BackgroundThread.run {
                var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0), pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
                while !stopRequested {
                    let ready = poll(&fds, 2, 1_000)
                    if ready > 0 && fds[1].revents != 0 { break }
                    if ready > 0 && fds[0].revents != 0 && stopRequested { break }
                }
            }
        } onCancel: {
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }
        close(readEnd)
        close(writeEnd)
    }
}
