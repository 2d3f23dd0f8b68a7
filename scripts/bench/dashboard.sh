#!/usr/bin/env bash
# Dashboard page latency over a big store (issue 5, acceptance 5: every page < 200 ms with
# 1,000,000 verdicts and 10,000,000 shares).
#   scripts/bench/dashboard.sh [verdicts=1000000] [shares=10000000] [channels=500] [db=scripts/bench/out/dashboard.sqlite]
# Builds release, migrates a fresh store with rg-auth, fills it (fill_dashboard_db.py, seeded),
# starts rg-stat serve on 127.0.0.1:0, signs in as an admin through the login form and times
# each page and API route: 3 warm-up requests, then 20 timed ones; prints median, p95 and max.
# An existing db with the same counts is reused (filling 10M shares takes a few minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
verdicts=${1:-1000000}
shares=${2:-10000000}
channels=${3:-500}
db=${4:-scripts/bench/out/dashboard-$verdicts-$shares.sqlite}
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
mkdir -p "$(dirname "$db")"
if [ ! -f "$db" ]; then
    echo "admin bench password" | "$bin/rg-auth" user add --db "$db" --email admin@bench.example --name Admin --org Bench --role admin >/dev/null
    /usr/bin/python3 scripts/bench/fill_dashboard_db.py "$db" "$verdicts" "$shares" "$channels"
fi
ls -l "$db" | awk '{printf "store: %.0f MiB\n", $5 / 1048576}'
log=$(mktemp)
"$bin/rg-stat" serve --listen 127.0.0.1:0 --db "$db" --policy config/policy.toml --log-level warning 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$log" | head -1)
/usr/bin/python3 - "$base" <<'PY'
import http.cookiejar, re, statistics, sys, time, urllib.parse, urllib.request
base = sys.argv[1]
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
def get(path):
    try:
        r = opener.open(base + path); return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
# Cookies are Secure; Python's jar only returns them over https, so send them by hand.
status, body = get("/login")
csrf = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body).group(1).decode()
cookies = {c.name: c.value for c in jar}
def fetch(path, data=None):
    req = urllib.request.Request(base + path, data=data, headers={"Cookie": "; ".join("%s=%s" % kv for kv in cookies.items())})
    try:
        r = opener.open(req); return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
status, headers, _ = fetch("/login", urllib.parse.urlencode({"csrf": csrf, "email": "admin@bench.example", "password": "admin bench password"}).encode())
for h in headers.get_all("Set-Cookie") or []:
    name, value = h.split(";")[0].split("=", 1); cookies[name] = value
assert "rg_session" in cookies, "sign-in failed: %s" % status
_, _, first = fetch("/api/verdicts?limit=1")
vid = re.search(rb'"id":(\d+)', first).group(1).decode()
_, _, t = fetch("/api/templates?limit=1")
tid = re.search(rb'"template_id":"([0-9a-f]+)"', t).group(1).decode()
_, _, deep = fetch("/api/verdicts?limit=500&before=%s" % ("9" * 13 + ".999999999"))
pages = ["/", "/?fragment=live", "/verdicts", "/verdicts?reason=tip_regressed", "/verdicts?outcome=accepted&tier=mid&range=7d",
         "/verdicts?reason=tx_data_mismatch&range=24h", "/verdicts?before=%d.%s" % (int(time.time() * 1000) - 20 * 86_400_000, vid),
         "/verdicts/" + vid, "/templates", "/templates/" + tid, "/policy", "/miners", "/miners?all=1", "/miners/1", "/users",
         "/api/overview", "/api/verdicts", "/api/verdicts?reason=avg_fee_below_minimum", "/api/templates", "/api/miners", "/metrics"]
worst = 0
print("%-58s %6s %8s %8s %8s %9s" % ("page", "status", "median", "p95", "max", "bytes"))
for p in pages:
    for _ in range(3): fetch(p)
    times = []
    for _ in range(20):
        s = time.perf_counter(); status, _, body = fetch(p); times.append((time.perf_counter() - s) * 1000)
    times.sort()
    worst = max(worst, times[-1])
    print("%-58s %6d %7.1fms %7.1fms %7.1fms %9d" % (p[:58], status, statistics.median(times), times[18], times[-1], len(body)))
print("slowest request: %.1f ms (target < 200 ms)" % worst)
sys.exit(0 if worst < 200 else 1)
PY
