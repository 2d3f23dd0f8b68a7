/// What one stdin line means to `rg-gate`.
///
/// - a `verdict` record carrying its `template` (rg-verify's normal output): work, judged;
/// - a `verdict` without it (`rg-verify --strip`): the verdict for a template seen earlier;
/// - a `template` record (rg-verify not in the pipe yet, or observe mode fed directly):
///   work without a verdict (inline holds it until the verdict or the stale-hold);
/// - any other record type passes through to stdout untouched (ARCHITECTURE §1).
public enum GatewayInput: Sendable {
    case judged(template: BlockTemplate, templateID: String, receivedMs: Int64?, accepted: Bool, reasonCode: String?,
                blocksCannotBeValid: Bool)
    case template(template: BlockTemplate, templateID: String, receivedMs: Int64?)
    case verdict(templateID: String, accepted: Bool, reasonCode: String?, blocksCannotBeValid: Bool)
    case passThrough

    /// Parses one line. Errors name the field that was wrong.
    public init(line: [UInt8]) throws(JSONError) {
        let root = try JSONDocument(bytes: line).root
        switch root["type"]?.string {
        case VerdictRecord.type?:
            let verdict = try VerdictRecord(json: root)
            if let templateJSON = root["template"], templateJSON.kind == .object {
                let record: TemplateRecord
                do { record = try TemplateRecord(json: templateJSON) } catch {
                    throw JSONError(error.code, "template: \(error.detail)")
                }
                self = .judged(template: record.gbt, templateID: verdict.templateID, receivedMs: record.receivedMs,
                               accepted: verdict.accepted, reasonCode: verdict.reasonCode,
                               blocksCannotBeValid: verdict.blocksCannotBeValid)
            } else {
                self = .verdict(templateID: verdict.templateID, accepted: verdict.accepted, reasonCode: verdict.reasonCode,
                                blocksCannotBeValid: verdict.blocksCannotBeValid)
            }
        case TemplateRecord.type?:
            let record = try TemplateRecord(json: root)
            self = .template(template: record.gbt, templateID: record.templateID, receivedMs: record.receivedMs)
        default:
            self = .passThrough
        }
    }
}
