import Logging

/// Logs go to stderr (stdout carries records only). Level from `--log-level` or `RG_LOG_LEVEL`.
public enum ToolLogging {
    public static func bootstrap(tool: String, level: String?) {
        let resolved = Setting.string(level, env: "RG_LOG_LEVEL", default: "info") ?? "info"
        let logLevel = Logger.Level(rawValue: resolved.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
    }
}
