import Foundation
import Hummingbird

/// The pages operators read, and the two that change things (policy, users).
extension DashboardApp {
    func addPages(_ router: Router<ClientRequestContext>) {
        router.get("/") { request, _ in
            try await self.signedIn(request) { _, visitor in
                let values = try await self.overviewValues()
                if request.query("fragment") == "live" { return self.fragment("overview_live", values) }
                return self.page("overview", values, visitor, title: "Overview", nav: "Overview")
            }
        }

        router.get("verdicts") { request, _ in
            try await self.signedIn(request) { _, visitor in
                let values = try await self.verdictValues(request)
                if request.query("fragment") == "live" { return self.fragment("verdicts_live", values) }
                return self.page("verdicts", values, visitor, title: "Verdicts", nav: "Verdicts")
            }
        }

        router.get("verdicts/:id") { request, context in
            try await self.signedIn(request) { _, visitor in
                guard let id = context.parameters.get("id", as: Int64.self), let v = try await self.store.verdict(id: id) else {
                    return self.message(visitor, heading: "Not found", text: "No such verdict.", status: .notFound)
                }
                return self.page("verdict", Self.verdictDetail(v), visitor, title: "Verdict \(id)", nav: "Verdicts")
            }
        }

        router.get("templates") { request, _ in
            try await self.signedIn(request) { _, visitor in
                let before = request.query("before").flatMap(Self.templateCursor)
                let (rows, more) = try await self.store.templates(before: before, limit: self.configuration.pageSize)
                var values: [String: Any] = ["rows": rows.map(Self.templateRow)]
                if more, let last = rows.last { values["nextURL"] = "/templates?before=\(last.lastSeenMs).\(last.templateId)" }
                return self.page("templates", values, visitor, title: "Templates", nav: "Templates")
            }
        }

        router.get("templates/:id") { request, context in
            try await self.signedIn(request) { _, visitor in
                guard let id = context.parameters.get("id"), let t = try await self.store.template(id: id) else {
                    return self.message(visitor, heading: "Not found", text: "No such template.", status: .notFound)
                }
                var values = Self.templateRow(t)
                values["prevHash"] = t.prevHash
                values["sigops"] = t.sigops.map { "\($0)" } ?? "—"
                values["coinbase"] = DashboardFormat.btc(t.coinbaseValue)
                values["first"] = DashboardFormat.time(t.firstSeenMs)
                values["last"] = DashboardFormat.time(t.lastSeenMs)
                values["verdicts"] = try await self.store.verdicts(templateID: id).map(Self.verdictRow)
                return self.page("template", values, visitor, title: "Template \(id)", nav: "Templates")
            }
        }

        router.get("policy") { request, _ in
            try await self.signedIn(request) { user, visitor in
                var values = try await self.policyValues(user)
                if let saved = request.query("saved") { values["notice"] = "Saved. New policy hash \(saved); rg-verify applies it to the next template." }
                return self.page("policy", values, visitor, title: "Policy", nav: "Policy")
            }
        }
        router.post("policy/preview") { request, _ in
            try await self.policyPost(request, save: false)
        }
        router.post("policy/save") { request, _ in
            try await self.policyPost(request, save: true)
        }

        router.get("miners") { request, _ in
            try await self.signedIn(request) { _, visitor in
                let values = try await self.minerValues(request)
                if request.query("fragment") == "live" { return self.fragment("miners_live", values) }
                return self.page("miners", values, visitor, title: "Miners", nav: "Miners")
            }
        }

        router.get("miners/:id") { request, context in
            try await self.signedIn(request) { _, visitor in
                let t = self.now()
                guard let id = context.parameters.get("id", as: Int64.self), let c = try await self.store.channel(id: id, nowMs: t) else {
                    return self.message(visitor, heading: "Not found", text: "No such channel.", status: .notFound)
                }
                var values = Self.channelRow(c)
                values["lastShare"] = DashboardFormat.time(c.lastShareMs)
                values["reasons"] = c.sharesByReason.sorted { $0.key < $1.key }.map { ["code": $0.key, "count": DashboardFormat.count($0.value)] }
                let since = t - t % 900_000 - 23 * 3_600_000 - 2_700_000
                let series = try await self.store.channelHashrate(channelID: c.channelId, sinceMs: since, nowMs: t, bucketMs: 900_000)
                values["chart"] = SVGChart.line(labels: series.map { DashboardFormat.clock($0.ms) }, values: series.map(\.value),
                                                title: "Hashrate of channel \(c.channelId)", format: DashboardFormat.hashrate)
                return self.page("miner", values, visitor, title: "Channel \(c.channelId)", nav: "Miners")
            }
        }

        router.get("users") { request, _ in
            try await self.signedIn(request, role: .admin) { user, visitor in
                let rows = try await self.auth.users.users(limit: 1000).map { u -> [String: Any] in
                    [
                        "id": u.id, "email": u.email, "name": u.name, "org": u.org, "status": u.status.rawValue, "role": u.role.rawValue,
                        "created": DashboardFormat.time(u.createdMs), "self": u.id == user.id,
                        "canApprove": u.id != user.id && u.status != .approved && u.status != .pendingVerification,
                        "canDeny": u.id != user.id && (u.status == .pendingApproval || u.status == .pendingVerification),
                        "canDisable": u.id != user.id && u.status == .approved,
                        "roles": UserRole.allCases.map { ["value": $0.rawValue, "selected": $0 == u.role] },
                    ]
                }
                var values: [String: Any] = ["rows": rows]
                if let done = request.query("done") { values["notice"] = done }
                return self.page("users", values, visitor, title: "Users", nav: "Users")
            }
        }
        router.post("users/:id/status") { request, context in
            try await self.userPost(request, context) { actor, id, form in
                guard let status = form["status"].flatMap(UserStatus.init(rawValue:)) else { return .failure(.conflict) }
                return try await self.auth.adminSetStatus(actor: actor, userID: id, to: status)
            }
        }
        router.post("users/:id/role") { request, context in
            try await self.userPost(request, context) { actor, id, form in
                guard let role = form["role"].flatMap(UserRole.init(rawValue:)) else { return .failure(.conflict) }
                return try await self.auth.adminSetRole(actor: actor, userID: id, to: role)
            }
        }
    }

    /// An admin's user change: CSRF first, then the role, then the service's own checks.
    func userPost(_ request: Request, _ context: ClientRequestContext,
                  _ change: @escaping (StoredUser, Int64, FormData) async throws -> Result<StoredUser, AuthFailure>) async throws -> Response {
        let visitor = try await visitor(request)
        guard let user = visitor.user else { return Response.redirect(to: "/login") }
        let form = FormData(try await HTTPBody.collect(request))
        guard csrfValid(form, visitor, request) else { return csrfRefused(visitor) }
        guard user.role == .admin else { return forbidden(visitor, "Only admins manage users; your role is \(user.role.rawValue).") }
        guard let id = context.parameters.get("id", as: Int64.self) else { return message(visitor, heading: "Not found", text: "No such user.", status: .notFound) }
        switch try await change(user, id, form) {
        case .success(let changed):
            let note = "\(changed.email): \(changed.status.rawValue), \(changed.role.rawValue)"
            return Response.redirect(to: "/users?done=" + (note.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&+=#"))) ?? ""))
        case .failure(let f):
            return message(visitor, heading: "Not done", text: f.detail, status: .init(code: f.httpStatus))
        }
    }

    // MARK: values for templates

    func overviewValues() async throws -> [String: Any] {
        let o = try await store.overview(nowMs: now())
        var values: [String: Any] = [
            "verdictRate": DashboardFormat.fixed(o.verdictRatePerMinute, 1),
            "verdictsLastHour": DashboardFormat.count(o.verdictsLastHour),
            "acceptRate": DashboardFormat.percent(o.acceptRate24h),
            "verdicts24h": DashboardFormat.count(o.verdicts24h),
            "verdictsTotal": DashboardFormat.count(o.verdictsTotal),
            "templates24h": DashboardFormat.count(o.templates24h),
            "activeChannels": DashboardFormat.count(o.activeChannels),
            "measuredHashrate": DashboardFormat.hashrate(o.measuredHashrate),
            "declaredHashrate": DashboardFormat.hashrate(o.declaredHashrate),
            "shareAcceptRate": DashboardFormat.percent(o.shareAcceptRateLastHour),
            "sharesAccepted": DashboardFormat.count(o.sharesAcceptedLastHour),
            "sharesRejected": DashboardFormat.count(o.sharesRejectedLastHour),
            "lastVerdictTime": DashboardFormat.time(o.lastVerdictMs),
            "lastVerdictOutcome": o.lastAccepted.map { $0 ? "accepted" : "rejected: \(o.lastReasonCode ?? "?")" } ?? "",
        ]
        if let id = o.lastTemplateId {
            values["lastTemplateID"] = id
            values["lastHeight"] = o.lastHeight.map { "\($0)" } ?? "?"
        }
        if let b = o.lastBlock {
            values["lastBlock"] = ["height": "\(b.height)", "hash": b.hash, "found": DashboardFormat.time(b.foundMs), "result": b.submitResult ?? "pending"]
        }
        let reasons = o.byReason24h.sorted { $0.value > $1.value }.map { ["code": $0.key, "count": DashboardFormat.count($0.value)] }
        values["reasons"] = reasons
        values["hasReasons"] = !reasons.isEmpty
        values["verdictChart"] = SVGChart.stackedBars(
            labels: o.hourly.map { DashboardFormat.clock($0.hourMs) },
            series: [SVGChart.Series(name: "accepted", values: o.hourly.map { Double($0.accepted) }, cssClass: "accepted"),
                     SVGChart.Series(name: "rejected", values: o.hourly.map { Double($0.rejected) }, cssClass: "rejected")],
            title: "Verdicts per hour")
        values["hashrateChart"] = SVGChart.line(labels: o.hashrate24h.map { DashboardFormat.clock($0.ms) }, values: o.hashrate24h.map(\.value),
                                                title: "Pool hashrate", format: DashboardFormat.hashrate)
        return values
    }

    static let ranges: [(String, String, Int64?)] = [("all", "all time", nil), ("1h", "last hour", 3_600_000), ("24h", "last 24 hours", 86_400_000),
                                                     ("7d", "last 7 days", 7 * 86_400_000), ("30d", "last 30 days", 30 * 86_400_000)]

    /// The filter from the query (unknown values are ignored, never passed to SQL unchecked).
    func verdictFilter(_ request: Request) -> (VerdictFilter, [String: String]) {
        var filter = VerdictFilter()
        var chosen: [String: String] = [:]
        if let reason = request.query("reason"), !reason.isEmpty, reason.count <= 64, reason.allSatisfy({ $0.isLetter || $0 == "_" || $0.isNumber }) {
            filter.reasonCode = reason
            chosen["reason"] = reason
        }
        switch request.query("outcome") {
        case "accepted": filter.accepted = true; chosen["outcome"] = "accepted"
        case "rejected": filter.accepted = false; chosen["outcome"] = "rejected"
        default: break
        }
        if let tier = request.query("tier"), ["low", "mid", "high"].contains(tier) { filter.feeTier = tier; chosen["tier"] = tier }
        if let range = request.query("range"), let entry = Self.ranges.first(where: { $0.0 == range }) {
            chosen["range"] = range
            if let span = entry.2 { filter.sinceMs = now() - span }
        }
        return (filter, chosen)
    }

    func verdictValues(_ request: Request) async throws -> [String: Any] {
        let (filter, chosen) = verdictFilter(request)
        let before = request.query("before").flatMap(VerdictCursor.init)
        let page = try await store.verdictsNewestFirst(filter, before: before, limit: configuration.pageSize)
        let query = chosen.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        var values: [String: Any] = ["rows": page.verdicts.map(Self.verdictRow)]
        if let next = page.next { values["nextURL"] = "/verdicts?" + (query.isEmpty ? "" : query + "&") + "before=\(next)" }
        if before == nil {
            values["live"] = true
            values["refreshURL"] = "/verdicts?" + (query.isEmpty ? "" : query + "&") + "fragment=live"
        }
        let codes = try await store.reasonCodes()
        values["reasonOptions"] = codes.map { ["value": $0, "selected": chosen["reason"] == $0] }
        values["outcomeOptions"] = [("", "any"), ("accepted", "accepted"), ("rejected", "rejected")].map { ["value": $0.0, "label": $0.1, "selected": (chosen["outcome"] ?? "") == $0.0] }
        values["tierOptions"] = [("", "any"), ("low", "low"), ("mid", "mid"), ("high", "high")].map { ["value": $0.0, "label": $0.1, "selected": (chosen["tier"] ?? "") == $0.0] }
        values["rangeOptions"] = Self.ranges.map { ["value": $0.0, "label": $0.1, "selected": (chosen["range"] ?? "all") == $0.0] }
        return values
    }

    static func outcome(_ r: VerdictRecord) -> String { r.accepted ? "accepted" : "rejected: \(r.reasonCode ?? "unknown")" }

    static func verdictRow(_ v: StoredVerdict) -> [String: Any] {
        let r = v.record
        return [
            "id": v.id, "time": DashboardFormat.time(r.verifiedMs), "templateID": r.templateID, "height": r.height.map { "\($0)" } ?? "—",
            "outcome": outcome(r), "rowClass": r.accepted ? "accepted" : "rejected", "tier": r.feeTier, "txCount": DashboardFormat.count(r.txCount),
            "fees": DashboardFormat.btc(r.totalFees), "avgFee": DashboardFormat.count(r.avgFee), "policyHash": r.policyHash, "evalUs": DashboardFormat.count(r.evalUs),
        ]
    }

    static func verdictDetail(_ v: StoredVerdict) -> [String: Any] {
        var values = verdictRow(v)
        let r = v.record
        values["detail"] = r.reasonDetail ?? "—"
        values["prevHash"] = r.prevHash
        values["tierSource"] = r.tierSource
        values["minAvgFee"] = r.minAvgFeeUsed.map { "\($0)" } ?? "—"
        values["weight"] = r.weight.map { DashboardFormat.count($0) } ?? "—"
        values["weightRatio"] = r.weightRatio.map { DashboardFormat.fixed($0, 4) } ?? "—"
        values["sigops"] = r.sigops.map { "\($0)" } ?? "—"
        values["coinbase"] = DashboardFormat.btc(r.coinbaseValue)
        values["ageMs"] = r.ageMs.map { "\($0)" } ?? "—"
        values["warnings"] = r.warnings.map { ["code": $0.code, "detail": $0.detail] }
        values["hasWarnings"] = !r.warnings.isEmpty
        var checks: [[String: Any]] = []
        if let text = v.checksJSON, let data = text.data(using: .utf8),
           let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] {
            checks = array.map { c in
                ["code": "\(c["code"] ?? "")", "outcome": "\(c["outcome"] ?? "")", "value": "\(c["value"] ?? "")", "limit": "\(c["limit"] ?? "")"]
            }
        }
        values["checks"] = checks
        values["hasChecks"] = !checks.isEmpty
        return values
    }

    static func templateCursor(_ text: String) -> (ms: Int64, id: String)? {
        guard let dot = text.firstIndex(of: "."), let ms = Int64(text[..<dot]) else { return nil }
        let id = String(text[text.index(after: dot)...])
        guard !id.isEmpty, id.count <= 128 else { return nil }
        return (ms, id)
    }

    static func templateRow(_ t: DashboardStore.TemplateRow) -> [String: Any] {
        [
            "templateID": t.templateId, "time": DashboardFormat.time(t.lastSeenMs), "height": t.height.map { "\($0)" } ?? "—", "source": t.source ?? "—",
            "txCount": DashboardFormat.count(t.txCount), "fees": DashboardFormat.btc(t.totalFees), "avgFee": DashboardFormat.count(t.avgFee),
            "weight": t.weight.map { DashboardFormat.count($0) } ?? "—", "verdicts": DashboardFormat.count(t.verdicts),
            "outcome": t.lastAccepted ? "accepted" : "rejected: \(t.lastReasonCode ?? "unknown")",
        ]
    }

    static func channelRow(_ c: DashboardStore.ChannelRow) -> [String: Any] {
        [
            "id": c.id, "channelID": c.channelId, "worker": c.worker, "peer": c.peer ?? "—", "declared": DashboardFormat.hashrate(c.declaredHashrate),
            "measured": DashboardFormat.hashrate(c.measuredHashrate), "recent": DashboardFormat.hashrate(c.recentHashrate),
            "shares": c.sharesByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "opened": DashboardFormat.time(c.openedMs), "closed": c.closedMs.map { DashboardFormat.time($0) } ?? "open",
        ]
    }

    func minerValues(_ request: Request) async throws -> [String: Any] {
        let t = now()
        let openOnly = request.query("all") != "1"
        let offset = max(0, min(Int(request.query("offset") ?? "0") ?? 0, 1_000_000))
        let (rows, more) = try await store.channels(openOnly: openOnly, offset: offset, limit: configuration.pageSize, nowMs: t)
        var values: [String: Any] = ["rows": rows.map(Self.channelRow), "openOnly": openOnly]
        let base = openOnly ? "/miners?" : "/miners?all=1&"
        if more { values["nextURL"] = base + "offset=\(offset + configuration.pageSize)" }
        values["refreshURL"] = base + "offset=\(offset)&fragment=live"
        let o = try await store.overview(nowMs: t)
        values["hashrateChart"] = SVGChart.line(labels: o.hashrate24h.map { DashboardFormat.clock($0.ms) }, values: o.hashrate24h.map(\.value),
                                                title: "Pool hashrate", format: DashboardFormat.hashrate)
        return values
    }

    // MARK: policy

    struct PolicyFileState {
        var text: String
        /// SHA-256 of the file's bytes (16 hex): the editor's base, to refuse a lost update.
        var fileHash: String
        var policy: Policy?
        var error: String?
    }

    func readPolicyFile() -> PolicyFileState {
        let path = configuration.policyPath
        guard let bytes = FileManagerLite.read(path) else {
            return PolicyFileState(text: "", fileHash: "missing", policy: nil, error: "cannot read \(path)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let hash = String(SHA256Hash.hash(bytes).hex.prefix(16))
        do { return PolicyFileState(text: text, fileHash: hash, policy: try PolicyLoader.load(toml: text, file: path), error: nil) } catch {
            return PolicyFileState(text: text, fileHash: hash, policy: nil, error: error.description)
        }
    }

    func policyValues(_ user: StoredUser) async throws -> [String: Any] {
        let state = readPolicyFile()
        var values: [String: Any] = [
            "path": configuration.policyPath, "text": state.text, "fileHash": state.fileHash,
            "hash": state.policy?.hash ?? "invalid", "canEdit": user.role >= .operator,
        ]
        if let error = state.error { values["error"] = "The file is not a valid policy: \(error)" }
        values["values"] = (state.policy?.canonicalTOML ?? "").split(separator: "\n").dropFirst().compactMap { line -> [String: String]? in
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return ["key": parts[0].trimmingCharacters(in: .whitespaces), "value": parts[1].trimmingCharacters(in: .whitespaces)]
        }
        values["history"] = try await store.policyChanges().map {
            ["time": DashboardFormat.time($0.changedMs), "who": $0.userEmail, "oldHash": $0.oldHash ?? "—", "newHash": $0.newHash, "diff": $0.diff]
        }
        return values
    }

    /// Preview (validate and diff) or save (validate again, refuse a stale base, write
    /// atomically, record who changed what).
    func policyPost(_ request: Request, save: Bool) async throws -> Response {
        let visitor = try await visitor(request)
        guard let user = visitor.user else { return Response.redirect(to: "/login") }
        let form = FormData(try await HTTPBody.collect(request))
        guard csrfValid(form, visitor, request) else { return csrfRefused(visitor) }
        guard user.role >= .operator else { return forbidden(visitor, "Viewers cannot change the policy; ask an operator or admin.") }
        let text = (form["toml"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let baseHash = form["base_hash"] ?? ""
        let current = readPolicyFile()
        var errors: [String] = []
        var newPolicy: Policy?
        if text.utf8.count > 64 * 1024 { errors.append("the policy text is larger than 64 KiB") } else {
            do { newPolicy = try PolicyLoader.load(toml: text, file: configuration.policyPath) } catch { errors.append(error.description) }
        }
        if baseHash != current.fileHash {
            errors.append("the policy file changed since you opened the editor (someone else saved, or it was edited on disk); reload the Policy page and redo your change")
        }
        let diffLines = PolicyDiff.lines(from: current.text, to: text)
        let unchanged = current.text == text
        if save, errors.isEmpty, !unchanged, let newPolicy {
            do {
                try FileManagerLite.writeAtomically(Array(text.utf8), to: configuration.policyPath)
            } catch {
                return message(visitor, heading: "Not saved", text: "\(error)", status: .internalServerError)
            }
            try await store.recordPolicyChange(nowMs: now(), userID: user.id, userEmail: user.email, path: configuration.policyPath,
                                               oldHash: current.policy?.hash, newHash: newPolicy.hash, oldTOML: current.text, newTOML: text,
                                               diff: PolicyDiff.text(from: current.text, to: text))
            logger.notice("policy saved", metadata: ["user.id": "\(user.id)", "policy.hash": "\(newPolicy.hash)", "policy.previous_hash": "\(current.policy?.hash ?? "invalid")"])
            return Response.redirect(to: "/policy?saved=\(newPolicy.hash)")
        }
        let diff = diffLines.filter { if case .same = $0 { return false } else { return true } }.map { line -> [String: String] in
            switch line {
            case .same(let s): ["kind": "same", "text": "  " + s]
            case .removed(let s): ["kind": "removed", "text": "- " + s]
            case .added(let s): ["kind": "added", "text": "+ " + s]
            }
        }
        let values: [String: Any] = [
            "errors": errors, "hasErrors": !errors.isEmpty, "diff": diff, "hasDiff": !diff.isEmpty, "unchanged": unchanged && errors.isEmpty,
            "valid": errors.isEmpty && !unchanged, "newHash": newPolicy?.hash ?? "", "oldHash": current.policy?.hash ?? "invalid",
            "toml": text, "baseHash": current.fileHash,
        ]
        return page("policy_preview", values, visitor, title: "Policy change", nav: "Policy", status: errors.isEmpty ? .ok : .badRequest)
    }
}
