/// The dashboard's HTML as Mustache templates, compiled into the binary so the server works
/// from any working directory. `{{x}}` is HTML-escaped; `{{{x}}}` is only used for SVG and
/// fragments the server rendered itself.
enum DashboardTemplates {
    static let all: [String: String] = [
        "head": head, "foot": foot, "overview": overview, "overview_live": overviewLive,
        "verdicts": verdicts, "verdicts_live": verdictsLive, "verdict": verdict, "templates": templates, "template": template,
        "policy": policy, "policy_preview": policyPreview, "miners": miners, "miners_live": minersLive, "miner": miner, "users": users,
        "login": login, "register": register, "message": message, "verify": verify, "forgot": forgot, "reset": reset, "decision": decision,
    ]

    static let head = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · ReserveGrid</title><link rel="stylesheet" href="/static/app.css"><script src="/static/app.js" defer></script></head>
        <body><header><a class="brand" href="/">ReserveGrid</a>
        {{#user}}<nav><a href="/" class="{{#navOverview}}active{{/navOverview}}">Overview</a><a href="/verdicts" class="{{#navVerdicts}}active{{/navVerdicts}}">Verdicts</a><a href="/templates" class="{{#navTemplates}}active{{/navTemplates}}">Templates</a><a href="/policy" class="{{#navPolicy}}active{{/navPolicy}}">Policy</a><a href="/miners" class="{{#navMiners}}active{{/navMiners}}">Miners</a>{{#isAdmin}}<a href="/users" class="{{#navUsers}}active{{/navUsers}}">Users</a>{{/isAdmin}}</nav>
        <form class="logout" method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"><span id="who">{{email}} ({{role}})</span> <button type="submit">Sign out</button></form>{{/user}}
        </header><main>
        {{#notice}}<p class="notice">{{notice}}</p>{{/notice}}{{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
        """

    static let foot = """
        </main><footer>ReserveGrid dashboard · times in UTC</footer></body></html>
        """

    static let overview = """
        {{> head}}<h1>Overview</h1>
        <div id="overview-live" data-refresh="/?fragment=live">{{> overview_live}}</div>
        {{> foot}}
        """

    static let overviewLive = """
        <section class="cards">
        <div class="card"><h2>Verifier</h2><dl>
        <dt>Last template</dt><dd id="last-template">{{#lastTemplateID}}<a href="/templates/{{lastTemplateID}}">{{lastTemplateID}}</a> at height {{lastHeight}}{{/lastTemplateID}}{{^lastTemplateID}}none yet{{/lastTemplateID}}</dd>
        <dt>Last verdict</dt><dd>{{lastVerdictTime}} {{lastVerdictOutcome}}</dd>
        <dt>Verdict rate</dt><dd id="verdict-rate">{{verdictRate}} per minute (last hour: {{verdictsLastHour}})</dd>
        <dt>Accept rate (24 h)</dt><dd id="accept-rate">{{acceptRate}} of {{verdicts24h}}</dd>
        <dt>Verdicts stored</dt><dd id="verdicts-total">{{verdictsTotal}}</dd>
        <dt>Templates (24 h)</dt><dd>{{templates24h}}</dd></dl></div>
        <div class="card"><h2>Gateway</h2><dl>
        <dt>Active channels</dt><dd id="active-channels">{{activeChannels}}</dd>
        <dt>Measured hashrate</dt><dd id="hashrate">{{measuredHashrate}} (declared {{declaredHashrate}})</dd>
        <dt>Share accept rate (1 h)</dt><dd>{{shareAcceptRate}} ({{sharesAccepted}} accepted, {{sharesRejected}} rejected)</dd>
        <dt>Last block</dt><dd id="last-block">{{#lastBlock}}{{height}} · {{hash}} · {{found}} · {{result}}{{/lastBlock}}{{^lastBlock}}none yet{{/lastBlock}}</dd></dl></div>
        </section>
        <section><h2>Verdicts per hour (24 h)</h2>{{{verdictChart}}}
        {{#hasReasons}}<table class="compact"><thead><tr><th>Rejection reason (24 h)</th><th>Count</th></tr></thead><tbody>{{#reasons}}<tr><td><a href="/verdicts?reason={{code}}&range=24h">{{code}}</a></td><td>{{count}}</td></tr>{{/reasons}}</tbody></table>{{/hasReasons}}</section>
        <section><h2>Pool hashrate (24 h)</h2>{{{hashrateChart}}}</section>
        """

    static let verdicts = """
        {{> head}}<h1>Verdicts</h1>
        <form class="filters" method="get" action="/verdicts">
        <label>Reason <select name="reason"><option value="">any</option>{{#reasonOptions}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{value}}</option>{{/reasonOptions}}</select></label>
        <label>Outcome <select name="outcome">{{#outcomeOptions}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/outcomeOptions}}</select></label>
        <label>Tier <select name="tier">{{#tierOptions}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/tierOptions}}</select></label>
        <label>Time <select name="range">{{#rangeOptions}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/rangeOptions}}</select></label>
        <button type="submit">Filter</button></form>
        <div id="verdicts-live" {{#live}}data-refresh="{{refreshURL}}"{{/live}}>{{> verdicts_live}}</div>
        {{> foot}}
        """

    static let verdictsLive = """
        <table id="verdicts-table"><thead><tr><th>Time</th><th>Template</th><th>Height</th><th>Outcome</th><th>Tier</th><th>Txs</th><th>Fees</th><th>Avg fee</th><th>Policy</th><th>Eval</th></tr></thead><tbody>
        {{#rows}}<tr class="{{rowClass}}"><td><a href="/verdicts/{{id}}">{{time}}</a></td><td><a href="/templates/{{templateID}}">{{templateID}}</a></td><td>{{height}}</td><td class="outcome">{{outcome}}</td><td>{{tier}}</td><td>{{txCount}}</td><td>{{fees}}</td><td>{{avgFee}}</td><td>{{policyHash}}</td><td>{{evalUs}} µs</td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="10">No verdicts match.</td></tr>{{/rows}}</tbody></table>
        {{#nextURL}}<p><a class="next" href="{{nextURL}}">Older →</a></p>{{/nextURL}}
        """

    static let verdict = """
        {{> head}}<h1>Verdict {{id}}</h1>
        <dl class="detail"><dt>Outcome</dt><dd id="verdict-outcome">{{outcome}}</dd><dt>Detail</dt><dd>{{detail}}</dd><dt>Template</dt><dd><a href="/templates/{{templateID}}">{{templateID}}</a></dd>
        <dt>Height</dt><dd>{{height}}</dd><dt>Prev hash</dt><dd class="mono">{{prevHash}}</dd><dt>Verified</dt><dd>{{time}}</dd><dt>Fee tier</dt><dd>{{tier}} ({{tierSource}}, min avg fee {{minAvgFee}})</dd>
        <dt>Transactions</dt><dd>{{txCount}}</dd><dt>Total fees</dt><dd>{{fees}}</dd><dt>Average fee</dt><dd>{{avgFee}} sat</dd><dt>Weight</dt><dd>{{weight}} ({{weightRatio}})</dd><dt>Sigops</dt><dd>{{sigops}}</dd>
        <dt>Coinbase value</dt><dd>{{coinbase}}</dd><dt>Age</dt><dd>{{ageMs}} ms</dd><dt>Policy hash</dt><dd>{{policyHash}}</dd><dt>Evaluation</dt><dd>{{evalUs}} µs</dd></dl>
        {{#hasWarnings}}<h2>Warnings</h2><ul>{{#warnings}}<li>{{code}}: {{detail}}</li>{{/warnings}}</ul>{{/hasWarnings}}
        <h2>Checks</h2>{{#hasChecks}}<table id="checks"><thead><tr><th>Check</th><th>Outcome</th><th>Value</th><th>Limit</th></tr></thead><tbody>{{#checks}}<tr class="check-{{outcome}}"><td>{{code}}</td><td>{{outcome}}</td><td>{{value}}</td><td>{{limit}}</td></tr>{{/checks}}</tbody></table>{{/hasChecks}}
        {{^hasChecks}}<p>This verdict was stored without its checks (rg-verify records them with --db).</p>{{/hasChecks}}
        {{> foot}}
        """

    static let templates = """
        {{> head}}<h1>Templates</h1>
        <table id="templates-table"><thead><tr><th>Last verdict</th><th>Template</th><th>Height</th><th>Source</th><th>Txs</th><th>Total fees</th><th>Avg fee</th><th>Weight</th><th>Verdicts</th><th>Last outcome</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{time}}</td><td><a href="/templates/{{templateID}}">{{templateID}}</a></td><td>{{height}}</td><td>{{source}}</td><td>{{txCount}}</td><td>{{fees}}</td><td>{{avgFee}}</td><td>{{weight}}</td><td>{{verdicts}}</td><td>{{outcome}}</td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="10">No templates yet.</td></tr>{{/rows}}</tbody></table>
        {{#nextURL}}<p><a class="next" href="{{nextURL}}">Older →</a></p>{{/nextURL}}
        {{> foot}}
        """

    static let template = """
        {{> head}}<h1>Template {{templateID}}</h1>
        <dl class="detail"><dt>Height</dt><dd>{{height}}</dd><dt>Prev hash</dt><dd class="mono">{{prevHash}}</dd><dt>Source</dt><dd>{{source}}</dd><dt>Transactions</dt><dd>{{txCount}}</dd>
        <dt>Total fees</dt><dd>{{fees}}</dd><dt>Average fee</dt><dd>{{avgFee}} sat</dd><dt>Weight</dt><dd>{{weight}}</dd><dt>Sigops</dt><dd>{{sigops}}</dd><dt>Coinbase value</dt><dd>{{coinbase}}</dd>
        <dt>First verdict</dt><dd>{{first}}</dd><dt>Last verdict</dt><dd>{{last}}</dd></dl>
        <h2>Verdicts</h2><table><thead><tr><th>Time</th><th>Outcome</th><th>Tier</th><th>Policy</th></tr></thead><tbody>{{#verdicts}}<tr><td><a href="/verdicts/{{id}}">{{time}}</a></td><td>{{outcome}}</td><td>{{tier}}</td><td>{{policyHash}}</td></tr>{{/verdicts}}</tbody></table>
        {{> foot}}
        """

    static let policy = """
        {{> head}}<h1>Policy</h1>
        <p>File <code>{{path}}</code>, hash <code id="policy-hash">{{hash}}</code>. rg-verify reloads the file when it changes.</p>
        <table class="compact" id="policy-values"><thead><tr><th>Key</th><th>Value in force</th></tr></thead><tbody>{{#values}}<tr><td>{{key}}</td><td>{{value}}</td></tr>{{/values}}</tbody></table>
        {{#canEdit}}<h2>Edit</h2><form method="post" action="/policy/preview" id="policy-form"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="base_hash" value="{{fileHash}}">
        <textarea name="toml" id="policy-toml" rows="30" spellcheck="false">{{text}}</textarea><p><button type="submit" id="policy-preview">Check and preview</button></p></form>{{/canEdit}}
        {{^canEdit}}<p>Your role ({{role}}) can read the policy; operators and admins can change it.</p>{{/canEdit}}
        <h2>History</h2><table id="policy-history"><thead><tr><th>When</th><th>Who</th><th>From</th><th>To</th><th>Change</th></tr></thead><tbody>
        {{#history}}<tr><td>{{time}}</td><td>{{who}}</td><td>{{oldHash}}</td><td>{{newHash}}</td><td><pre>{{diff}}</pre></td></tr>{{/history}}{{^history}}<tr><td colspan="5">No changes from the dashboard yet.</td></tr>{{/history}}</tbody></table>
        {{> foot}}
        """

    static let policyPreview = """
        {{> head}}<h1>Policy change</h1>
        {{#hasErrors}}<div class="error" id="policy-errors"><p>The policy is not valid; nothing was saved.</p><ul>{{#errors}}<li>{{.}}</li>{{/errors}}</ul></div>{{/hasErrors}}
        {{#unchanged}}<p>The new text is identical to the file; nothing to save.</p>{{/unchanged}}
        {{#hasDiff}}<h2>Diff</h2><pre class="diff" id="policy-diff">{{#diff}}<span class="{{kind}}">{{text}}</span>
        {{/diff}}</pre>{{/hasDiff}}
        {{#valid}}<p>New policy hash <code>{{newHash}}</code> (was <code>{{oldHash}}</code>).</p>
        <form method="post" action="/policy/save"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="base_hash" value="{{baseHash}}"><input type="hidden" name="toml" value="{{toml}}"><button type="submit" id="policy-save">Save</button> <a href="/policy">Cancel</a></form>{{/valid}}
        {{^valid}}<form method="post" action="/policy/preview"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="base_hash" value="{{baseHash}}"><textarea name="toml" rows="30" spellcheck="false">{{toml}}</textarea><p><button type="submit">Check again</button></p></form>{{/valid}}
        {{> foot}}
        """

    static let miners = """
        {{> head}}<h1>Miners</h1>
        <section><h2>Pool hashrate (24 h)</h2>{{{hashrateChart}}}</section>
        <p>{{#openOnly}}Open channels only · <a href="/miners?all=1">show closed too</a>{{/openOnly}}{{^openOnly}}All channels · <a href="/miners">open only</a>{{/openOnly}}</p>
        <div id="miners-live" data-refresh="{{refreshURL}}">{{> miners_live}}</div>
        {{> foot}}
        """

    static let minersLive = """
        <table id="channels-table"><thead><tr><th>Channel</th><th>Worker</th><th>Peer</th><th>Declared</th><th>Measured</th><th>Last 10 min</th><th>Shares by outcome</th><th>Opened</th><th>Closed</th></tr></thead><tbody>
        {{#rows}}<tr><td><a href="/miners/{{id}}">{{channelID}}</a></td><td>{{worker}}</td><td>{{peer}}</td><td>{{declared}}</td><td>{{measured}}</td><td>{{recent}}</td><td>{{shares}}</td><td>{{opened}}</td><td>{{closed}}</td></tr>{{/rows}}
        {{^rows}}<tr><td colspan="9">No channels recorded (rg-gate --db records them).</td></tr>{{/rows}}</tbody></table>
        {{#nextURL}}<p><a class="next" href="{{nextURL}}">More →</a></p>{{/nextURL}}
        """

    static let miner = """
        {{> head}}<h1>Channel {{channelID}} · {{worker}}</h1>
        <dl class="detail"><dt>Peer</dt><dd>{{peer}}</dd><dt>Declared hashrate</dt><dd>{{declared}}</dd><dt>Measured (gateway)</dt><dd>{{measured}}</dd><dt>From shares, last 10 min</dt><dd>{{recent}}</dd>
        <dt>Opened</dt><dd>{{opened}}</dd><dt>Closed</dt><dd>{{closed}}</dd><dt>Last share</dt><dd>{{lastShare}}</dd></dl>
        <h2>Shares by outcome</h2><table class="compact"><tbody>{{#reasons}}<tr><td>{{code}}</td><td>{{count}}</td></tr>{{/reasons}}</tbody></table>
        <h2>Hashrate (24 h)</h2>{{{chart}}}
        {{> foot}}
        """

    static let users = """
        {{> head}}<h1>Users</h1>
        <table id="users-table"><thead><tr><th>E-mail</th><th>Name</th><th>Org</th><th>Status</th><th>Role</th><th>Registered</th><th>Actions</th></tr></thead><tbody>
        {{#rows}}<tr data-email="{{email}}"><td>{{email}}</td><td>{{name}}</td><td>{{org}}</td><td class="status">{{status}}</td><td class="role">{{role}}</td><td>{{created}}</td><td class="actions">
        {{#canApprove}}<form method="post" action="/users/{{id}}/status"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="status" value="approved"><button type="submit" class="approve">Approve</button></form>{{/canApprove}}
        {{#canDeny}}<form method="post" action="/users/{{id}}/status"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="status" value="denied"><button type="submit" class="deny">Deny</button></form>{{/canDeny}}
        {{#canDisable}}<form method="post" action="/users/{{id}}/status"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="status" value="disabled"><button type="submit" class="disable">Disable</button></form>{{/canDisable}}
        {{^self}}<form method="post" action="/users/{{id}}/role"><input type="hidden" name="csrf" value="{{csrf}}"><select name="role">{{#roles}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{value}}</option>{{/roles}}</select> <button type="submit" class="set-role">Set role</button></form>{{/self}}
        </td></tr>{{/rows}}</tbody></table>
        {{> foot}}
        """

    static let login = """
        {{> head}}<h1>Sign in</h1>
        <form method="post" action="/login" class="auth"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>E-mail <input type="email" name="email" id="email" autocomplete="username" required value="{{email}}"></label>
        <label>Password <input type="password" name="password" id="password" autocomplete="current-password" required></label>
        <button type="submit" id="login">Sign in</button></form>
        <p><a href="/register">Register</a> · <a href="/forgot">Forgot password?</a></p>
        {{> foot}}
        """

    static let register = """
        {{> head}}<h1>Register</h1>
        <form method="post" action="/register" class="auth"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>E-mail <input type="email" name="email" id="email" required value="{{email}}"></label>
        <label>Name <input type="text" name="name" id="name" required maxlength="200" value="{{name}}"></label>
        <label>Organisation <input type="text" name="org" id="org" required maxlength="200" value="{{org}}"></label>
        <label>Password (8 characters or more) <input type="password" name="password" id="password" autocomplete="new-password" required minlength="8"></label>
        <button type="submit" id="register">Register</button></form>
        {{> foot}}
        """

    static let message = """
        {{> head}}<h1>{{heading}}</h1><p id="message">{{text}}</p>{{#link}}<p><a href="{{href}}">{{label}}</a></p>{{/link}}
        {{> foot}}
        """

    static let verify = """
        {{> head}}<h1>Confirm your e-mail address</h1>
        <form method="post" action="/verify"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="token" value="{{token}}"><button type="submit" id="confirm">Confirm</button></form>
        {{> foot}}
        """

    static let forgot = """
        {{> head}}<h1>Forgot password</h1>
        <form method="post" action="/forgot" class="auth"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>E-mail <input type="email" name="email" id="email" required></label><button type="submit" id="send">Send reset link</button></form>
        {{> foot}}
        """

    static let reset = """
        {{> head}}<h1>Choose a new password</h1>
        <form method="post" action="/reset" class="auth"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="token" value="{{token}}">
        <label>New password <input type="password" name="password" id="password" autocomplete="new-password" required minlength="8"></label><button type="submit" id="reset">Set password</button></form>
        {{> foot}}
        """

    static let decision = """
        {{> head}}<h1>{{verb}} this account?</h1>
        <dl class="detail"><dt>Name</dt><dd>{{name}}</dd><dt>E-mail</dt><dd>{{email}}</dd><dt>Organisation</dt><dd>{{org}}</dd></dl>
        <form method="post" action="{{action}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="token" value="{{token}}"><button type="submit" id="decide">{{verb}}</button></form>
        {{> foot}}
        """
}
