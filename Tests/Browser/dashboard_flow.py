#!/usr/bin/env python3
"""The dashboard's acceptance flow in a real browser (headless Chromium through chromium-driver).

Run by EndToEndTests/DashboardBrowserTests.swift, which starts `rg-stat serve` (its stderr, where
the [email-stub] mails go, is --mail-log) and creates the admin with `rg-auth init`. This script:
registers a user, confirms the address from the mailed link, signs in as the admin and approves the
user as an operator, signs in as the user, sees a verdict that a real `rg-feed demo | rg-verify --db`
produced, edits the policy (an invalid edit is refused with the key named; a valid one shows its diff
and is saved), feeds the next template to the same running rg-verify and sees its verdict change.
A screenshot of every page goes to --artifacts. Exit 0 only if every step passed.
"""
import argparse, json, os, re, subprocess, sys, time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import WebDriverException


def parse():
    p = argparse.ArgumentParser()
    for name in ["base-url", "mail-log", "artifacts", "bin-dir", "db", "policy", "admin-email", "admin-password"]:
        p.add_argument("--" + name, required=True)
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    return p.parse_args()


class Flow:
    def __init__(self, a):
        self.a = a
        os.makedirs(a.artifacts, exist_ok=True)
        opts = webdriver.ChromeOptions()
        opts.binary_location = a.chromium
        for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1100",
                    "--no-first-run", "--disable-extensions", "--disable-background-networking"]:
            opts.add_argument(arg)
        self.d = webdriver.Chrome(service=Service(a.chromedriver), options=opts)
        self.d.set_page_load_timeout(30)
        self.d.implicitly_wait(5)
        self.shots = 0

    def go(self, path):
        self.d.get(self.a.base_url + path)

    def shot(self, name):
        self.shots += 1
        path = os.path.join(self.a.artifacts, "%02d-%s.png" % (self.shots, name))
        self.d.save_screenshot(path)
        print("screenshot", path, flush=True)

    def find(self, css):
        try:
            return self.d.find_element(By.CSS_SELECTOR, css)
        except Exception:
            self.shot("FAILED")
            raise AssertionError("no element %s on %s; the page says:\n%s" % (css, self.d.current_url, self.d.find_element(By.TAG_NAME, "body").text[:2000]))

    def text(self, css):
        return self.find(css).text

    def fill(self, css, value):
        el = self.find(css)
        el.clear()
        el.send_keys(value)

    def click(self, css):
        """Clicks a link or submit button and waits until the next page replaced this one."""
        old = self.d.find_element(By.TAG_NAME, "html")
        self.find(css).click()

        # Mid-navigation Chromium can answer "node does not belong to the document" instead of
        # "stale element": both mean the old page is gone.
        def replaced(_driver):
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True
        WebDriverWait(self.d, 30).until(replaced)

    def expect(self, cond, what):
        if not cond:
            self.shot("FAILED")
            raise AssertionError(what + " (page " + self.d.current_url + ")\n" + self.d.find_element(By.TAG_NAME, "body").text[:2000])
        print("ok:", what, flush=True)

    def mail_link(self, path, to, after=0, timeout=20):
        """The newest link to `path` in an [email-stub] mail to `to`, waiting for the outbox."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.a.mail_log, encoding="utf-8", errors="replace") as f:
                text = f.read()
            mails = text.split("[email-stub] To: ")[1:]
            links = []
            for m in mails:
                if m.startswith(to):
                    links += re.findall(r"\[email-stub\] .*?(https?://\S+%s\?token=[0-9a-f]{64})" % re.escape(path), m)
            if len(links) > after:
                return links[-1]
            time.sleep(0.2)
        raise AssertionError("no mail with a %s link to %s within %ss" % (path, to, timeout))

    def login(self, email, password):
        self.go("/login")
        self.fill("#email", email)
        self.fill("#password", password)
        self.click("#login")
        self.expect(email in self.text("#who"), "signed in as " + email)

    def logout(self):
        self.click("form.logout button")
        self.expect("/login" in self.d.current_url, "signed out")


def verdict_for(rg_verify, bin_dir, count):
    """Generates `count` fresh low_fees templates (same seed: the last one is new) and feeds the
    last to the running rg-verify; returns its verdict record."""
    out = subprocess.run([os.path.join(bin_dir, "rg-feed"), "demo", "--scenario", "low_fees", "--count", str(count), "--seed", "7"],
                         check=True, capture_output=True).stdout.decode().strip().split("\n")
    rg_verify.stdin.write((out[-1] + "\n").encode())
    rg_verify.stdin.flush()
    line = rg_verify.stdout.readline().decode()
    return json.loads(line)


def main():
    a = parse()
    user_email, user_password = "Operator.One@Example.org", "correct horse battery staple"
    verify = subprocess.Popen([os.path.join(a.bin_dir, "rg-verify"), "--policy", a.policy, "--db", a.db, "--strip", "--explain"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    f = Flow(a)
    try:
        first = verdict_for(verify, a.bin_dir, 1)
        f.expect(first["accepted"] is False and first["reason_code"] == "avg_fee_below_minimum",
                 "rg-verify rejected the first low_fees template: %s" % first["reason_code"])

        # 1. Register, confirm the address from the mail.
        f.go("/register")
        f.shot("register")
        f.fill("#email", user_email)
        f.fill("#name", "Operator One")
        f.fill("#org", "Example Pool")
        f.fill("#password", user_password)
        f.click("#register")
        f.expect("Check your email" in f.text("#message"), "registration accepted")
        f.shot("registered")
        link = f.mail_link("/verify", user_email)
        f.d.get(link)
        f.shot("verify")
        f.click("#confirm")
        f.expect("Email verified" in f.text("#message"), "address confirmed from the mailed link")
        f.mail_link("/approve", a.admin_email)

        # 2. The pending account cannot sign in yet.
        f.go("/login")
        f.fill("#email", user_email.lower())
        f.fill("#password", user_password)
        f.click("#login")
        f.expect("approved" in f.text("#error"), "pending account refused at sign-in")
        f.shot("login-pending")

        # 3. The admin approves it and makes it an operator.
        f.login(a.admin_email, a.admin_password)
        f.go("/users")
        row = '#users-table tr[data-email="%s"]' % user_email
        f.expect(f.text(row + " .status") == "pending_approval", "Users page lists the pending account")
        f.shot("users-pending")
        f.click(row + " button.approve")
        f.expect(f.text(row + " .status") == "approved", "admin approved the account")
        f.d.find_element(By.CSS_SELECTOR, row + ' select[name="role"] option[value="operator"]').click()
        f.click(row + " button.set-role")
        f.expect(f.text(row + " .role") == "operator", "admin made it an operator")
        f.shot("users-approved")
        f.logout()

        # 4. The user signs in and sees the verdict rg-verify recorded.
        f.login(user_email, user_password)
        f.shot("overview")
        f.expect("avg_fee_below_minimum" in f.text("#overview-live"), "overview shows the rejection reason")
        f.go("/verdicts")
        f.expect("rejected: avg_fee_below_minimum" in f.text("#verdicts-table tbody tr:first-child .outcome"), "Verdicts page shows the rejected verdict")
        f.shot("verdicts")
        f.click("#verdicts-table tbody tr:first-child td:first-child a")
        f.expect("avg_fee_below_minimum" in f.text("#checks"), "verdict detail lists every check")
        f.shot("verdict-detail")
        f.go("/verdicts?outcome=accepted")
        f.expect("No verdicts match" in f.text("#verdicts-table"), "filter: no accepted verdicts yet")
        f.go("/templates")
        f.expect(first["template_id"] in f.text("#templates-table"), "Templates page lists the template")
        f.shot("templates")
        f.click("#templates-table tbody tr:first-child td:nth-child(2) a")
        f.shot("template-detail")
        f.go("/miners")
        f.shot("miners")

        # 5. Policy: an invalid edit is refused, a valid one is previewed and saved.
        f.go("/policy")
        f.shot("policy")
        original = f.d.find_element(By.CSS_SELECTOR, "#policy-toml").get_attribute("value")
        bad = re.sub(r"(?m)^min_avg_fee_hi\s*=.*$", "min_avg_fee_hi = 10", original)
        f.d.execute_script("arguments[0].value = arguments[1];", f.d.find_element(By.CSS_SELECTOR, "#policy-toml"), bad)
        f.click("#policy-preview")
        f.expect("min_avg_fee" in f.text("#policy-errors"), "invalid policy refused, naming the key")
        f.shot("policy-invalid")
        f.go("/policy")
        good = re.sub(r"(?m)^min_avg_fee_mid\s*=.*$", "min_avg_fee_mid = 50", original)
        good = re.sub(r"(?m)^min_avg_fee_hi\s*=.*$", "min_avg_fee_hi  = 50", good)
        f.d.execute_script("arguments[0].value = arguments[1];", f.d.find_element(By.CSS_SELECTOR, "#policy-toml"), good)
        f.click("#policy-preview")
        diff = f.text("#policy-diff")
        f.expect("+ min_avg_fee_hi  = 50" in diff and "- min_avg_fee_hi" in diff, "preview shows the diff")
        f.shot("policy-diff")
        f.click("#policy-save")
        f.expect("Saved" in f.text(".notice"), "policy saved")
        f.expect(user_email in f.text("#policy-history"), "history names who changed it")
        f.shot("policy-saved")
        with open(a.policy, encoding="utf-8") as p:
            f.expect("min_avg_fee_hi  = 50" in p.read(), "the policy file on disk has the change")

        # 6. The next template through the same running rg-verify is judged by the new policy.
        second = verdict_for(verify, a.bin_dir, 2)
        f.expect(second["accepted"] is True, "next verdict accepted under the new policy (was %s)" % second.get("reason_code"))
        f.expect(second["policy_hash"] != first["policy_hash"], "next verdict names the new policy hash")
        f.go("/verdicts")
        f.expect(f.text("#verdicts-table tbody tr:first-child .outcome") == "accepted", "Verdicts page shows the accepted verdict first")
        f.expect("rejected: avg_fee_below_minimum" in f.text("#verdicts-table tbody tr:nth-child(2) .outcome"), "…above the earlier rejection")
        f.shot("verdicts-after")
        f.go("/")
        f.shot("overview-after")
        print("browser flow passed: %d screenshots" % f.shots, flush=True)
        return 0
    finally:
        f.d.quit()
        verify.stdin.close()
        verify.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
