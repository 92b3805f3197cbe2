"""The load test: the app under gunicorn (2 workers, --timeout 120, as the README deploys it) on
127.0.0.1, against the bench database, and wrk (Debian's) on one page at a time, logged in with
a session cookie. Every response that is not a 200 counts as an error — a redirect to the login
page would otherwise pass for a fast page."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

WORKERS = 2
TIMEOUT = 120
CONNECTIONS = 8  # people at once; more only queue in front of 2 synchronous workers
THREADS = 1  # wrk's own thread: one is plenty for a few hundred requests a second

# wrk's threads each count their answers; `done` adds them up and prints one line, LABEL {...},
# that the harness parses. Shared by the plain load and the mixed load.
COLLECT_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for key, n in pairs(t:get("statuses")) do total[key] = (total[key] or 0) + n end
  end
  local parts = {}
  for key, n in pairs(total) do
    table.insert(parts, string.format('"%s": %d', tostring(key), n))
  end
  io.write("LABEL {" .. table.concat(parts, ", ") .. "}\\n")
end
"""

STATUS_SCRIPT = (
    COLLECT_SCRIPT.replace("LABEL", "STATUSES")
    + """
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
"""
)


# The mixed load (one wrk thread: each thread would send the same prepared filings): wrk's
# `request()` sends one filing POST (the next prepared sheet, as its cadre)
# after every FILING_EVERY - 1 home GETs (the cadres taking turns). A filing counts only when it
# answers with the redirect to its new sheet; a form error (400) or anything else is an error.
FILING_EVERY = 11  # one POST per ten GETs
MIXED_SCRIPT = (
    COLLECT_SCRIPT.replace("LABEL", "MIXED")
    + """
local homes = {HOMES}
local filings = {FILINGS}
function init(args) statuses = {} n = 0 sent = 0 end
function request()
  n = n + 1
  if n % FILING_EVERY == 0 then
    sent = sent + 1
    local filing = filings[sent]
    if filing == nil then return wrk.format("GET", "/no-more-prepared-filings/") end
    return wrk.format("POST", "POST_PATH", {
      ["Cookie"] = filing[1],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, filing[2])
  end
  return wrk.format("GET", "GET_PATH", {["Cookie"] = homes[(n % #homes) + 1]})
end
function response(status, headers, body)
  local key = tostring(status)
  if status == 302 then
    if string.match(headers["Location"] or "", "FILED_PATTERN") then key = "filed" end
  end
  statuses[key] = (statuses[key] or 0) + 1
end
"""
)


def _lua(text: str) -> str:
    """A Lua string literal (cookies and form bodies: URL-encoded ASCII)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mixed_script(
    *, get_path: str, post_path: str, filed_pattern: str, homes: list[str], filings: list
) -> str:
    """`homes`: Cookie headers for the GETs; `filings`: (Cookie header, form body) per POST."""
    return (
        MIXED_SCRIPT.replace("FILING_EVERY", str(FILING_EVERY))
        .replace("GET_PATH", get_path)
        .replace("POST_PATH", post_path)
        .replace("FILED_PATTERN", filed_pattern)
        .replace("{HOMES}", "{" + ", ".join(_lua(h) for h in homes) + "}")
        .replace(
            "{FILINGS}",
            "{" + ", ".join("{" + _lua(c) + ", " + _lua(b) + "}" for c, b in filings) + "}",
        )
    )


def run_mixed(
    *,
    get_path: str,
    post_path: str,
    filed_pattern: str,
    sessions: list[str],
    filings: list[tuple[str, str, str]],
    seconds: int,
    env: dict | None = None,
    say=print,
) -> dict:
    """The cadre home under load while filings arrive: wrk for `seconds` with MIXED_SCRIPT, the
    homes of `sessions` in turn, `filings` (session key, CSRF token, form body) one by one.
    Errors: socket errors and every answer but a 200 (a home) or the redirect of a filing."""
    if not wrk_available():
        return {"todo": "wrk is not installed (make bench-packages)"}
    session_cookie, csrf_cookie = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
    port = free_port()
    with tempfile.TemporaryDirectory() as folder, Gunicorn(port, env):
        for session in sessions:  # warm both workers up; and the page must answer 200
            if _get(port, get_path, session) != 200:
                raise RuntimeError(f"{get_path} did not answer 200 under gunicorn")
        script = Path(folder) / "mixed.lua"
        script.write_text(
            mixed_script(
                get_path=get_path,
                post_path=post_path,
                filed_pattern=filed_pattern,
                homes=[f"{session_cookie}={session}" for session in sessions],
                filings=[
                    (f"{session_cookie}={session}; {csrf_cookie}={token}", body)
                    for session, token, body in filings
                ],
            )
        )
        command = [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            f"{TIMEOUT}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{get_path}",
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = parse_wrk(output)
    statuses = {}
    if match := re.search(r"MIXED (\{.*\})", output):
        statuses = json.loads(match.group(1))
    filed = statuses.get("filed", 0)
    answered = {key: n for key, n in statuses.items() if key not in ("200", "filed")}
    result.update(
        {
            "statuses": statuses,
            "filed": filed,
            "homes": statuses.get("200", 0),
            "errors": result["socket_errors"] + sum(answered.values()),
            "prepared": len(filings),
            "filing_every": FILING_EVERY,
            "workers": WORKERS,
            "connections": CONNECTIONS,
            "seconds": seconds,
        }
    )
    say(
        f"  mixed cadre_home + filings {result.get('rps', 0):7.1f} req/s "
        f"({result['homes']} homes, {filed} filings), p99 {result.get('p99_ms')} ms, "
        f"errors {result['errors']} {answered or ''}"
    )
    return result


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, cookie: str = "") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class Gunicorn:
    """gunicorn serving the app with this process's environment (the bench settings)."""

    def __init__(self, port: int, env: dict | None = None):
        self.port = port
        self.env = {**os.environ, **(env or {})}
        self.process = None

    def __enter__(self):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "liaison.wsgi",
            "--workers",
            str(WORKERS),
            "--timeout",
            str(TIMEOUT),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                if _get(self.port, "/accounts/login/") == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(output: str) -> dict:
    result = {"raw": output}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(match.group(1))
    for share in ("50", "75", "90", "99"):
        if match := re.search(rf"^\s+{share}%\s+(\S+)", output, re.MULTILINE):
            result[f"p{share}_ms"] = round(_ms(match.group(1)), 2)
    if match := re.search(r"(\d+) requests in", output):
        result["requests"] = int(match.group(1))
    socket_errors = 0
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        socket_errors = sum(int(n) for n in match.groups())
    statuses = {}
    if match := re.search(r"STATUSES (\{.*\})", output):
        statuses = {int(k): v for k, v in json.loads(match.group(1)).items()}
    result["statuses"] = statuses
    result["socket_errors"] = socket_errors
    result["errors"] = socket_errors + sum(n for code, n in statuses.items() if code != 200)
    return result


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after its ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))
    return round(kb / 1024, 1)


def _wrk(path: str, session: str, seconds: int, script: Path, port: int) -> list[str]:
    return [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        f"{TIMEOUT}s",
        "-s",
        str(script),
        "-H",
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session}",
        f"http://127.0.0.1:{port}{path}",
    ]


SOAK_SAMPLE_SECONDS = 10
SOAK_WARM_SECONDS = 10


def run_soak(
    target: tuple[str, str, str], *, seconds: int, env: dict | None = None, say=print
) -> dict:
    """The load test run for `seconds` on one page (issue 8: two minutes), sampling the
    resident memory of gunicorn's workers every SOAK_SAMPLE_SECONDS: it must stay flat (a leak
    grows with the requests served). Measured after SOAK_WARM_SECONDS of the same load, so
    the caches every worker fills once (templates, translations, the calendar) are in."""
    if not wrk_available():
        return {"todo": "wrk is not installed (make bench-packages)"}
    key, path, session = target
    port = free_port()
    with tempfile.TemporaryDirectory() as folder, Gunicorn(port, env) as server:
        script = Path(folder) / "statuses.lua"
        script.write_text(STATUS_SCRIPT)
        subprocess.run(
            _wrk(path, session, SOAK_WARM_SECONDS, script, port), capture_output=True, check=True
        )
        workers = _children(server.process.pid)
        samples = [[0, *(_rss_mb(pid) for pid in workers)]]
        wrk = subprocess.Popen(
            _wrk(path, session, seconds, script, port), stdout=subprocess.PIPE, text=True
        )
        started = time.monotonic()
        while wrk.poll() is None:
            time.sleep(SOAK_SAMPLE_SECONDS)
            elapsed = round(time.monotonic() - started)
            if wrk.poll() is None or elapsed >= seconds - 1:
                samples.append([elapsed, *(_rss_mb(pid) for pid in workers)])
        output = wrk.stdout.read()
        if wrk.returncode:
            raise RuntimeError(f"wrk failed ({wrk.returncode})")
    result = parse_wrk(output)
    first, last = samples[0][1:], samples[-1][1:]
    growth = [round(b - a, 1) for a, b in zip(first, last, strict=True) if a and b]
    result.update(
        {
            "key": key,
            "path": path,
            "seconds": seconds,
            "workers": len(workers),
            "samples": samples,
            "growth_mb": growth,
            "peak_mb": max(v for row in samples for v in row[1:] if v),
        }
    )
    say(
        f"  soak {key} {seconds} s: {result.get('rps', 0):.1f} req/s, errors {result['errors']}, "
        f"worker memory {first} → {last} MB"
    )
    return result


def run_load(
    targets: list[tuple[str, str, str]], *, seconds: int, env: dict | None = None, say=print
) -> dict:
    """`targets`: (key, path, session key). Each page gets `seconds` of wrk on its own, from a
    gunicorn started with this process's environment plus `env`."""
    if not wrk_available():
        return {"todo": "wrk is not installed (make bench-packages)"}
    port = free_port()
    results = {}
    with tempfile.TemporaryDirectory() as folder, Gunicorn(port, env):
        script = Path(folder) / "statuses.lua"
        script.write_text(STATUS_SCRIPT)
        for key, path, session in targets:
            for _ in range(5):  # warm both workers up; and the page must answer 200
                status = _get(port, path, session)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status} under gunicorn")
            command = _wrk(path, session, seconds, script, port)
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            results[key] = parse_wrk(output)
            r = results[key]
            say(
                f"  load {key:12} {r.get('rps', 0):7.1f} req/s, p50 {r.get('p50_ms')} ms, "
                f"p99 {r.get('p99_ms')} ms, errors {r['errors']}"
            )
    conn_max_age = (env or {}).get("CONN_MAX_AGE", settings.DATABASES["default"]["CONN_MAX_AGE"])
    return {
        "pages": results,
        "workers": WORKERS,
        "timeout": TIMEOUT,
        "connections": CONNECTIONS,
        "seconds": seconds,
        "conn_max_age": int(conn_max_age),
    }
