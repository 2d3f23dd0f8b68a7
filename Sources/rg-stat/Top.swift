import ArgumentParser
import RGKit
#if canImport(Glibc)
import Glibc
#endif

/// `rg-stat top`: the dashboard's overview as a refreshing terminal table, for SSH sessions.
struct Top: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the overview (verifier, gateway, recent rejections) in the terminal, refreshed.",
        discussion: "Reads the store every --interval seconds and redraws; q or Ctrl-C quits. --once prints one frame without terminal control codes (for scripts and tests).")

    @OptionGroup(title: "Store") var store: StoreOptions
    @Option(name: .long, help: ArgumentHelp("Seconds between refreshes (default 2).", valueName: "seconds")) var interval: Double = 2
    @Flag(name: .long, help: "Print one frame and exit.") var once = false
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard interval >= 0.2, interval <= 3600 else { throw ValidationError("--interval must be between 0.2 and 3600 seconds") }
    }

    /// One unbuffered write per frame, so a frame is never split.
    static func writeOut(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    func run() async throws {
        logging.bootstrap()
        let database = try store.open(.existing)
        let dashboard = DashboardStore(database)
        if once {
            let now = WallClock.milliseconds()
            Self.writeOut(TopView.render(try await dashboard.overview(nowMs: now), channels: try await dashboard.channels(openOnly: true, offset: 0, limit: 10, nowMs: now).rows, width: 100))
            return
        }
        ProcessSignals.install()
        while !ProcessSignals.stopRequested {
            let now = WallClock.milliseconds()
            let frame = TopView.render(try await dashboard.overview(nowMs: now), channels: try await dashboard.channels(openOnly: true, offset: 0, limit: 10, nowMs: now).rows,
                                       width: TopView.terminalWidth())
            Self.writeOut("\u{1B}[H\u{1B}[2J" + frame)
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }
}

/// One frame of `rg-stat top`. Pure: figures in, text out.
enum TopView {
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 100
    }

    static func render(_ o: DashboardStore.Overview, channels: [DashboardStore.ChannelRow], width: Int) -> String {
        var lines: [String] = []
        lines.append("ReserveGrid — \(DashboardFormat.time(o.nowMs))")
        lines.append(String(repeating: "─", count: min(width, 100)))
        lines.append(pad("VERIFIER", 28) + "GATEWAY")
        let left = [
            "last template  \(o.lastTemplateId ?? "none") @ \(o.lastHeight.map { "\($0)" } ?? "—")",
            "last verdict   \(DashboardFormat.time(o.lastVerdictMs))",
            "verdict rate   \(DashboardFormat.fixed(o.verdictRatePerMinute, 1))/min",
            "accept (24 h)  \(DashboardFormat.percent(o.acceptRate24h)) of \(DashboardFormat.count(o.verdicts24h))",
            "stored         \(DashboardFormat.count(o.verdictsTotal))",
        ]
        let right = [
            "channels       \(o.activeChannels)",
            "hashrate       \(DashboardFormat.hashrate(o.measuredHashrate))",
            "declared       \(DashboardFormat.hashrate(o.declaredHashrate))",
            "shares (1 h)   \(DashboardFormat.count(o.sharesAcceptedLastHour)) ok, \(DashboardFormat.count(o.sharesRejectedLastHour)) rejected",
            "last block     \(o.lastBlock.map { "\($0.height) \(DashboardFormat.time($0.foundMs))" } ?? "none")",
        ]
        for i in 0..<left.count { lines.append(pad(left[i], 50) + right[i]) }
        lines.append("")
        lines.append("REJECTIONS (24 h)")
        let reasons = o.byReason24h.sorted { $0.value > $1.value }.prefix(8)
        if reasons.isEmpty { lines.append("  none") }
        for (code, n) in reasons { lines.append("  " + pad(code, 40) + DashboardFormat.count(n)) }
        lines.append("")
        lines.append("CHANNELS (open, newest 10)")
        lines.append("  " + pad("id", 10) + pad("worker", 24) + pad("declared", 14) + pad("last 10 min", 14) + "shares")
        for c in channels {
            let shares = c.sharesByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("  " + pad("\(c.channelId)", 10) + pad(c.worker, 24) + pad(DashboardFormat.hashrate(c.declaredHashrate), 14)
                         + pad(DashboardFormat.hashrate(c.recentHashrate), 14) + shares)
        }
        return lines.map { String($0.prefix(width)) }.joined(separator: "\n") + "\n"
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? String(s.prefix(n - 1)) + " " : s + String(repeating: " ", count: n - s.count) }
}
