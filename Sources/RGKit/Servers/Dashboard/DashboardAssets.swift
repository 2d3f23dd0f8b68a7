/// The stylesheet and the one hand-written script (live refresh), served from memory.
enum DashboardAssets {
    static let css = """
        :root { --fg:#1d2330; --muted:#5d6675; --bg:#f6f7f9; --card:#fff; --accent:#1f6feb; --ok:#2da44e; --bad:#cf222e; --warn:#bf8700; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.45 system-ui, sans-serif; color:var(--fg); background:var(--bg); }
        header { display:flex; gap:1.5rem; align-items:center; padding:.6rem 1.2rem; background:#101726; color:#fff; flex-wrap:wrap; }
        header a { color:#cdd6e4; text-decoration:none; margin-right:1rem; } header a.active, header a:hover { color:#fff; }
        .brand { font-weight:700; color:#fff; } .logout { margin-left:auto; color:#cdd6e4; }
        main { padding:1rem 1.2rem; max-width:1300px; } footer { padding:1rem 1.2rem; color:var(--muted); font-size:12px; }
        h1 { font-size:1.4rem; margin:.3rem 0 1rem; } h2 { font-size:1.05rem; margin:1.2rem 0 .5rem; }
        table { border-collapse:collapse; width:100%; background:var(--card); margin-bottom:.8rem; }
        th, td { text-align:left; padding:.3rem .5rem; border-bottom:1px solid #e3e6eb; vertical-align:top; }
        th { background:#eef1f5; font-weight:600; } table.compact { width:auto; }
        tr.rejected .outcome { color:var(--bad); } tr.accepted .outcome { color:var(--ok); }
        .check-fail td { color:var(--bad); } .check-warn td { color:var(--warn); }
        .cards { display:flex; gap:1rem; flex-wrap:wrap; } .card { background:var(--card); padding:.8rem 1rem; border:1px solid #e3e6eb; border-radius:6px; min-width:340px; flex:1; }
        dl { display:grid; grid-template-columns:max-content 1fr; gap:.2rem 1rem; margin:0; } dt { color:var(--muted); } dd { margin:0; }
        .mono, code, pre, textarea { font-family: ui-monospace, monospace; font-size:13px; }
        textarea { width:100%; } pre { margin:0; white-space:pre-wrap; }
        .diff .added { color:var(--ok); } .diff .removed { color:var(--bad); } .diff .same { color:var(--muted); }
        .notice { background:#ddf4e4; padding:.5rem .8rem; border-radius:4px; } .error { background:#ffe3e3; padding:.5rem .8rem; border-radius:4px; }
        form.auth { display:grid; gap:.6rem; max-width:360px; } form.auth input { width:100%; padding:.35rem; }
        .filters { display:flex; gap:1rem; align-items:end; flex-wrap:wrap; margin-bottom:.8rem; }
        td.actions form { display:inline-block; margin-right:.3rem; }
        svg.chart { width:100%; max-width:900px; height:auto; background:var(--card); border:1px solid #e3e6eb; }
        svg .accepted { fill:var(--ok); } svg .rejected { fill:var(--bad); } svg .area { fill:#1f6feb33; } svg .line { stroke:var(--accent); stroke-width:2; }
        svg .axis, svg .grid { stroke:#c9ced6; } svg .label { font-size:11px; fill:var(--muted); }
        button { cursor:pointer; }
        """

    /// Elements with `data-refresh="URL"` have their content replaced by the server-rendered
    /// fragment at URL every five seconds while the page is visible. No framework, no build.
    static let js = """
        "use strict";
        (function () {
          var PERIOD_MS = 5000;
          function refresh(el) {
            var url = el.getAttribute("data-refresh");
            if (!url || document.hidden) return;
            fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
              .then(function (r) { if (r.status === 401) { window.location = "/login"; return null; } return r.ok ? r.text() : null; })
              .then(function (html) { if (html !== null && html !== undefined) { el.innerHTML = html; el.setAttribute("data-refreshed", String(Date.now())); } })
              .catch(function () {});
          }
          function tick() { document.querySelectorAll("[data-refresh]").forEach(refresh); }
          document.addEventListener("DOMContentLoaded", function () { setInterval(tick, PERIOD_MS); });
        })();
        """
}
