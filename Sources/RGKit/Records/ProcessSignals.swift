#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Written only by the signal handler, read by the tool's loop: plain words, which signal
// handlers may store to. A self-pipe wakes a reader blocked in poll(2).
nonisolated(unsafe) private var stopRequestedFlag: Int32 = 0
nonisolated(unsafe) private var reloadRequestedFlag: Int32 = 0
nonisolated(unsafe) private var wakeWriteFD: Int32 = -1

/// SIGINT/SIGTERM: stop reading, finish the record in hand, flush, exit 0.
/// SIGHUP: reload configuration at the next record boundary. SIGPIPE: ignored, so a closed
/// stdout surfaces as an EPIPE error the tool reports instead of a silent death.
public enum ProcessSignals {
    public private(set) nonisolated(unsafe) static var wakeFD: Int32 = -1

    public static func install() {
        guard wakeFD < 0 else { return }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        wakeFD = fds[0]
        wakeWriteFD = fds[1]
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                stopRequestedFlag = 1
                var byte: UInt8 = 1
                _ = write(wakeWriteFD, &byte, 1)
            }
            sigaction(sig, &action, nil)
        }
        var hup = sigaction()
        hup.__sigaction_handler.sa_handler = { _ in reloadRequestedFlag = 1 }
        sigaction(SIGHUP, &hup, nil)
    }

    public static var stopRequested: Bool { stopRequestedFlag != 0 }

    /// True once per SIGHUP received since the last call.
    public static func takeReloadRequest() -> Bool {
        guard reloadRequestedFlag != 0 else { return false }
        reloadRequestedFlag = 0
        return true
    }

    /// Lets a non-signal event (an async stop) take the same path as SIGTERM.
    public static func requestStop() {
        stopRequestedFlag = 1
        var byte: UInt8 = 1
        if wakeWriteFD >= 0 { _ = write(wakeWriteFD, &byte, 1) }
    }
}

extension ProcessSignals {
    /// Sleeps, waking early when a stop is requested.
    public static func sleep(milliseconds: Int64) {
        var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        let deadline = Int64(MonotonicClock.nanoseconds() / 1_000_000) + milliseconds
        while !stopRequested {
            let left = deadline - Int64(MonotonicClock.nanoseconds() / 1_000_000)
            if left <= 0 { return }
            _ = poll(&fds, wakeFD >= 0 ? 1 : 0, Int32(min(left, Int64(Int32.max))))
        }
    }
}
