"""`make prod-check`: the production stack of deploy/, started on this machine and checked
through nginx as people would use it. One line per check; exit status 1 if any failed.

Started here, from the files in deploy/ (rendered by deploy/render.py into a scratch folder):
PostgreSQL (a scratch database on the local cluster, started if down), Redis as the cache
(Debian's redis-server, started when none answers), two gunicorn instances behind nginx's
upstream, the tasks worker, and nginx. Everything it started is stopped at the end and its
database dropped, whatever happened."""

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from io import BytesIO
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NGINX_PORT = 18080
WEB_PORTS = (18001, 18002)
REDIS_URL = "redis://127.0.0.1:6379/7"
PG = "postgres://postgres@127.0.0.1:5432"
HEALTH_WORKER_SECONDS = 60  # HEALTH_WORKER_MINUTES=1 below

RESULTS: list[tuple[bool, str, str]] = []


def check(name: str, ok: bool, detail: str = "") -> bool:
    RESULTS.append((ok, name, detail))
    print(f"{'ok  ' if ok else 'FAIL'}  {name}" + (f" — {detail}" if detail else ""), flush=True)
    return ok


def say(text: str) -> None:
    print(f"..    {text}", flush=True)


# --- HTTP through nginx, as a browser would -----------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, the CSRF token and no redirect following: every answer is looked at."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path, data=None, headers=None, timeout=30):
        url = f"http://127.0.0.1:{NGINX_PORT}{path}"
        body = None
        headers = {"Accept-Language": "zh-CN", **(headers or {})}
        if data is not None:
            body = urllib.parse.urlencode(
                {**data, "csrfmiddlewaretoken": self.csrf()}, doseq=True
            ).encode()
            headers["Referer"] = url
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        content = response.read()
        return response.status if hasattr(response, "status") else response.code, response, content

    def get(self, path, **kwargs):
        return self.request(path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request(path, data=data, **kwargs)

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        self.get("/accounts/login/")
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def login(self, username, password) -> bool:
        self.get("/accounts/login/")
        status, response, _ = self.post(
            "/accounts/login/", {"username": username, "password": password}
        )
        return status == 302


# --- The services ---------------------------------------------------------------------------


class Stack:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="liaison-prod-check-"))
        self.folder.chmod(0o755)  # nginx's workers (www-data) read the uploads in it
        self.database = f"liaison_prod_check_{os.getpid()}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.started_redis = False
        self.closing = threading.Event()
        self.worker_restarts = 0
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "liaison.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"{PG}/{self.database}",
            "CACHE_URL": REDIS_URL,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "MEDIA_ROOT": str(self.folder / "media"),
            "MEDIA_ACCEL_REDIRECT": "true",
            "TRUSTED_PROXY_COUNT": "1",
            "EMAIL_URL": "consolemail://",
            "EXPORT_STALE_SECONDS": "5",
            "HEALTH_WORKER_MINUTES": "1",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *args, timeout=600) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def python(self, code: str, timeout=600) -> str:
        """The last line `code` printed (logging may print before it)."""
        lines = self.manage("shell", "-c", code, timeout=timeout).strip().splitlines()
        return lines[-1] if lines else ""

    def start(self, name, command, extra_env=None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 — closed with the stack
        env = {**self.env, **(extra_env or {})}
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes[name] = process
        return process

    def stop(self, name, sig=signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)

    # The parts, in the order they start.

    def postgresql(self) -> None:
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode:
            version = sorted(os.listdir("/etc/postgresql"))[-1]
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True
            )
            wait_until(
                lambda: not subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode
            )
        psql(f'DROP DATABASE IF EXISTS "{self.database}"')
        psql(f'CREATE DATABASE "{self.database}"')

    def redis(self) -> None:
        if not port_open(6379):
            subprocess.run(
                [
                    "redis-server",
                    "--port",
                    "6379",
                    "--bind",
                    "127.0.0.1",
                    "--daemonize",
                    "yes",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                check=True,
            )
            self.started_redis = True
            wait_until(lambda: port_open(6379))
        subprocess.run(["redis-cli", "-n", "7", "FLUSHDB"], check=True, capture_output=True)

    def application(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.manage("seed_demo", "--force")  # demo people to log in as, on a scratch database

    def configs(self) -> Path:
        """nginx's site rendered from deploy/ by deploy/render, inside a minimal nginx.conf of the
        scratch folder (Debian's includes the site the same way, from sites-enabled)."""
        rendered = self.folder / "etc"
        subprocess.run(
            [
                PYTHON,
                str(BASE_DIR / "deploy" / "render"),
                str(rendered),
                f"LISTEN=127.0.0.1:{NGINX_PORT}",
                f"LIAISON_DIR={BASE_DIR}",
                f"MEDIA_ROOT={self.env['MEDIA_ROOT']}",
                "WEB_SERVERS=" + ",".join(f"127.0.0.1:{port}" for port in WEB_PORTS),
            ],
            check=True,
            capture_output=True,
        )
        main = rendered / "nginx.conf"
        main.write_text(
            f"pid {self.folder}/nginx.pid;\n"
            f"error_log {self.folder}/nginx-error.log;\n"
            "events {}\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            f"    access_log {self.folder}/nginx-access.log;\n"
            f"    client_body_temp_path {self.folder}/nginx-body;\n"
            f"    proxy_temp_path {self.folder}/nginx-proxy;\n"
            f"    include {rendered}/nginx/liaison.conf;\n"
            "}\n"
        )
        return main

    def web(self, port: int) -> None:
        self.start(
            f"web-{port}",
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "--config",
                str(BASE_DIR / "deploy" / "gunicorn.conf.py"),
                "--access-logfile",
                str(self.folder / f"access-{port}.log"),
                "liaison.wsgi",
            ],
            extra_env={"GUNICORN_PORT": str(port)},
        )
        wait_until(lambda: port_open(port), seconds=60)

    def supervise(self) -> None:
        """As systemd's Restart=always does for liaison-worker.service (deploy/systemd/): a worker
        that exited on its own (db_worker stops when its database goes away) is started again
        after RestartSec. One stopped on purpose (`stop`) is no longer in `processes`."""

        def loop():
            while not self.closing.is_set():
                process = self.processes.get("worker")
                if process is not None and process.poll() is not None:
                    self.worker_restarts += 1
                    time.sleep(5)
                    if self.processes.get("worker") is process:
                        self.worker()
                time.sleep(1)

        threading.Thread(target=loop, daemon=True).start()

    def worker(self) -> subprocess.Popen:
        return self.start(
            "worker",
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--queue-name",
                "default,exports",
                "--interval",
                "0.5",
                "--no-reload",
            ],
        )

    def nginx(self, config: Path) -> None:
        command = ["nginx", "-c", str(config), "-e", str(self.folder / "nginx-error.log")]
        self.start("nginx", [*command, "-g", "daemon off;"])
        wait_until(lambda: port_open(NGINX_PORT), seconds=30)

    def teardown(self) -> None:
        self.closing.set()
        for name in list(self.processes):
            self.stop(name)
        if self.started_redis:
            subprocess.run(["redis-cli", "shutdown", "nosave"], capture_output=True)
        with contextlib.suppress(Exception):
            wait_until(
                lambda: not subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode,
                seconds=60,
            )
            psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, seconds=60, every=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    raise TimeoutError("gave up waiting")


# --- What the checks need from the database (through the app's own ORM) ----------------------

FACTS = """
import json
from django.contrib.auth.models import User
from django.utils import timezone
from liaison.demo.data import DEMO_PASSWORD
from unions.assignments.selectors import assigned_union_ids
from unions.models import Cadre
year = timezone.localdate().year
first = Cadre.objects.get(user__username="cadre")  # the demo's cadre
# Another cadre of the demo (scenery, without a password): given one to log in with here.
second = Cadre.objects.filter(user__groups__name="机关干部", department=first.department).exclude(
    user__groups__name__in=["部室负责人", "组织人事部"]).exclude(pk=first.pk).order_by("pk").first()
second.user.set_password(DEMO_PASSWORD)
second.user.save()
print(json.dumps({
    "password": DEMO_PASSWORD,
    "cadre": "cadre", "cadre_id": first.pk, "unit": sorted(assigned_union_ids(first, year))[0],
    "other": second.user.username, "organization": "org",
}))
"""

FREE_DATES = """
import json
from django.utils import timezone
from liaison.bench.measure import free_dates
from unions.models import Cadre
cadre = Cadre.objects.get(pk={cadre_id})
print(json.dumps([d.isoformat() for d in free_dates(cadre, timezone.localdate())][:60]))
"""

# 20,000 more filed sheets (copies of the demo's): an export long enough to kill a worker in.
BULK = """
from records.models import VisitRecord
source = list(VisitRecord.objects.filter(status="filed")[:200])
copies = []
for n in range(100):
    for record in source:
        record.pk = None
        copies.append(record)
VisitRecord.objects.bulk_create(copies, batch_size=2000)
print(VisitRecord.objects.count())
"""

ATTACHMENT = """
from django.core.files.base import ContentFile
from records.models import Attachment, VisitRecord
record = VisitRecord.objects.filter(cadre_id={cadre_id}).order_by("-pk").first()
attachment = Attachment(record=record, original_name="签到表.pdf", content_type="application/pdf",
                        size=15, uploaded_by=record.cadre.user)
attachment.file.save("sign-in.pdf", ContentFile(b"%PDF-1.4 check"), save=True)
print(attachment.pk)
"""


def filing(unit: int, day: str, action: str = "file") -> dict:
    from liaison.bench.measure import filing_payload  # noqa: PLC0415 — needs Django set up

    return {**filing_payload(unit, datetime_date(day)), "action": action}


def datetime_date(text: str):
    import datetime  # noqa: PLC0415

    return datetime.date.fromisoformat(text)


# --- The checks -----------------------------------------------------------------------------


def run_checks(stack: Stack, facts: dict) -> None:
    password = facts["password"]
    cadre = Browser()
    check("log in as a demo cadre through nginx", cadre.login(facts["cadre"], password))

    # Two instances: one session, served by both, each seeing the other's writes.
    for _ in range(6):
        cadre.get("/")
    served = [
        sum(1 for line in (stack.folder / f"access-{port}.log").read_text().splitlines())
        for port in WEB_PORTS
    ]
    check("one session is served by both gunicorn instances", all(served), f"requests {served}")

    dates = json.loads(stack.python(FREE_DATES.format(cadre_id=facts["cadre_id"])))
    status, response, _ = cadre.post("/records/new/", filing(facts["unit"], dates.pop(0)))
    location = response.headers.get("Location", "")
    filed = status == 302 and re.search(r"/records/(\d+)/$", location)
    check("file a record sheet", bool(filed), f"{status} {location}")
    if filed:
        shown = [cadre.get(location)[0] for _ in range(4)]  # both instances read the write
        check("the filed sheet is shown by every instance", shown == [200] * 4, str(shown))

    export_register(facts, password)

    attachment = stack.python(ATTACHMENT.format(cadre_id=facts["cadre_id"])).strip()
    status, response, body = cadre.get(f"/records/attachments/{attachment}/")
    check(
        "an attachment is sent to its owner (X-Accel-Redirect through nginx)",
        status == 200 and body == b"%PDF-1.4 check",
        f"{status}, {len(body)} bytes",
    )
    other = Browser()
    other.login(facts["other"], password)
    status, _, _ = other.get(f"/records/attachments/{attachment}/")
    check("another cadre gets 404 for it", status == 404, str(status))
    status, _, _ = Browser().get(f"/protected-media/attachments/{attachment}")
    check("the media folder is not served directly", status == 404, str(status))

    static_files(cadre)
    error_pages(cadre)
    health(stack)
    postgres_restart(stack, facts, dates)
    worker_killed(stack, facts, password)


def export_register(facts, password) -> None:
    organization = Browser()
    organization.login(facts["organization"], password)
    year = time.localtime().tm_year
    status, response, _ = organization.post("/records/register/export/", {"year": year})
    location = response.headers.get("Location", "")
    if not check("ask for the register export", status == 302, f"{status} {location}"):
        return
    job = location.rstrip("/").split("/")[-1]
    downloaded = wait_for_download(organization, job, seconds=120)
    check(
        "the worker builds the register and it downloads as a workbook",
        downloaded is not None and is_workbook(downloaded),
        f"{len(downloaded or b'')} bytes",
    )


def wait_for_download(browser, job, seconds) -> bytes | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, body = browser.get(f"/records/exports/{job}/download/")
        if status == 200:
            return body
        time.sleep(1)
    return None


def is_workbook(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def static_files(_browser) -> None:
    browser = Browser()  # logged out: a logged-in person is sent on from the login page
    page = browser.get("/accounts/login/")[2].decode()
    css = re.search(r'href="(/static/[^"]+\.css)"', page)
    if not check("the login page links a stylesheet under /static/", bool(css)):
        return
    status, response, _ = browser.get(css.group(1), headers={"Accept-Encoding": "gzip"})
    cache = response.headers.get("Cache-Control", "")
    age = int(re.search(r"max-age=(\d+)", cache).group(1)) if "max-age" in cache else 0
    check(
        "a static file is gzip-encoded with a far-future cache header",
        status == 200
        and response.headers.get("Content-Encoding") == "gzip"
        and age >= 30 * 24 * 3600,
        f"{status} {response.headers.get('Content-Encoding')} {cache}",
    )


def error_pages(cadre) -> None:
    status, _, body = Browser().get("/no-such-page/")
    text = body.decode("utf-8", "replace")
    check("a 404 is the Chinese page", status == 404 and "页面不存在" in text, str(status))
    status, _, body = cadre.get("/assignments/")
    text = body.decode("utf-8", "replace")
    check("a 403 is the Chinese page", status == 403 and "无权" in text, str(status))


def health(stack) -> None:
    green = wait_until_status("/healthz/", 200, seconds=60)
    check("/healthz/ is green", green)
    stack.stop("worker")
    red = wait_until_status("/healthz/", None, seconds=HEALTH_WORKER_SECONDS * 4)
    check("/healthz/ turns red when the worker is stopped", red)
    stack.worker()
    check("/healthz/ is green again with a new worker", wait_until_status("/healthz/", 200, 90))


def wait_until_status(path, wanted, seconds) -> bool:
    """`wanted` None: any answer but 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = Browser().get(path)[0]
        if (status == wanted) if wanted is not None else (status != 200):
            return True
        time.sleep(2)
    return False


def postgres_restart(stack, facts, dates) -> None:
    """Clients read and save drafts while PostgreSQL restarts: during it a Chinese 503, never a
    bare 500; after it no failure; every draft acknowledged is in the database."""
    password = facts["password"]
    stop = threading.Event()
    answers: list[tuple[int, str]] = []
    saved: list[int] = []
    refused: list[str] = []  # the first draft not acknowledged, for the report
    lock = threading.Lock()

    def client(browser, days):
        while not stop.is_set() and days:
            try:
                status, response, body = browser.get("/", timeout=20)
                with lock:
                    answers.append((status, said(response, body)))
                status, response, body = browser.post(
                    "/records/new/", filing(facts["unit"], days[-1], action="draft"), timeout=20
                )
                with lock:
                    answers.append((status, said(response, body)))
                    found = re.search(r"/records/(\d+)/", response.headers.get("Location", ""))
                    if status != 302 and not refused:
                        refused.append(
                            f"{status} {response.headers.get('Location', '')} "
                            + " ".join(
                                re.findall(
                                    r"invalid-feedback[^>]*>([^<]+)",
                                    body.decode("utf-8", "replace"),
                                )
                            )[:300]
                        )
                    if status == 302 and found:
                        saved.append(int(found.group(1)))
                        days.pop()
            except OSError as error:
                with lock:
                    answers.append((0, str(error)))
            time.sleep(0.05)

    browsers = [Browser() for _ in range(3)]  # logged in before the restart begins
    if not check("three clients log in", all(b.login(facts["cadre"], password) for b in browsers)):
        return
    threads = [
        threading.Thread(target=client, args=(browser, dates[i::3]))
        for i, browser in enumerate(browsers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(2)
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
    )
    time.sleep(4)
    during = list(answers)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    bad = [(s, text[:80]) for s, text in during if s not in (200, 302, 503)]
    bad += [(s, "sent to log in") for s, text in during if s == 302 and "/accounts/login/" in text]
    unavailable = [text for s, text in during if s == 503]
    check(
        "during the restart: no bare 500, a Chinese 503 page",
        not bad and all("稍后再试" in text for text in unavailable),
        f"{len(during)} answers, {len(unavailable)} × 503, others {bad[:3]}",
    )
    after = Browser()
    after.login(facts["cadre"], password)
    statuses = [after.get("/")[0] for _ in range(10)]
    check("after the restart no request fails", statuses == [200] * 10, str(statuses))
    if stack.worker_restarts:
        say(
            f"the tasks worker exited {stack.worker_restarts} time(s) with the database and was "
            "started again, as systemd's Restart=always does"
        )
    known = stack.python(
        "import json; from records.models import VisitRecord; "
        f"found = VisitRecord.objects.filter(pk__in={saved!r}).values_list('pk', flat=True); "
        "print(json.dumps(list(found)))"
    )
    check(
        "every draft acknowledged is in the database",
        sorted(json.loads(known)) == sorted(saved) and saved,
        f"{len(saved)} acknowledged" + (f"; first refused: {refused[0]}" if refused else ""),
    )


def said(response, body: bytes) -> str:
    """What an answer says: where a redirect leads, else the page."""
    return response.headers.get("Location") or body.decode("utf-8", "replace")


def worker_killed(stack, facts, password) -> None:
    stack.python(BULK, timeout=600)
    organization = Browser()
    organization.login(facts["organization"], password)
    every_year = {"year": time.localtime().tm_year, "start": "2000-01-01", "end": "2099-12-31"}
    status, response, _ = organization.post("/records/register/export/", every_year)
    location = response.headers.get("Location", "")
    if not check("ask for a long export", status == 302, f"{status} {location}"):
        return
    job = location.rstrip("/").split("/")[-1]
    progress = (
        "from records.models import ExportJob; "
        f"j = ExportJob.objects.get(pk='{job}'); print(j.status, j.rows_done)"
    )
    wait_until(lambda: stack.python(progress).split()[1] != "0", seconds=120, every=0.5)
    stack.stop("worker", sig=signal.SIGKILL)
    state = stack.python(progress).split()
    check(
        "the worker is killed in the middle of the export", state[0] == "running", " ".join(state)
    )
    stack.worker()
    final = (
        "from records.models import ExportJob; j = ExportJob.objects.get(pk='{}'); print(j.status)"
    )
    wait_until(lambda: stack.python(final.format(job)).strip() in ("done", "failed"), 180, 2)
    outcome = stack.python(final.format(job)).strip()
    if outcome == "done":
        body = wait_for_download(organization, job, seconds=30)
        check("after a new worker: finished, with its file", body is not None and is_workbook(body))
    else:
        page = organization.get(f"/records/exports/{job}/")[2].decode()
        check("after a new worker: failed, and the page says so in Chinese", "请重新申请" in page)


def main() -> int:
    stack = Stack()
    try:
        say(f"scratch folder {stack.folder}, database {stack.database}")
        stack.postgresql()
        stack.redis()
        stack.application()
        rendered = stack.configs()
        for port in WEB_PORTS:
            stack.web(port)
        stack.worker()
        stack.supervise()
        stack.nginx(rendered)
        os.environ.update(stack.env)
        sys.path.insert(0, str(BASE_DIR))
        import django  # noqa: PLC0415

        django.setup()
        facts = json.loads(stack.python(FACTS))
        run_checks(stack, facts)
    except Exception as error:  # noqa: BLE001 — reported as a failed check, then torn down
        check("the check ran to its end", False, f"{type(error).__name__}: {error}")
        for log in sorted(stack.folder.glob("*.log")):
            print(
                f"--- {log.name} (last lines)\n"
                + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            )
    finally:
        stack.teardown()
    failed = [name for ok, name, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} of {len(RESULTS)} checks passed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
