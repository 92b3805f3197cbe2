"""deploy/: the templates render into files with nothing left to fill, what they say matches
the app's settings, and nginx accepts the site (when nginx is installed: `make system-packages`
installs it)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from records.files import PROTECTED_LOCATION

ROOT = Path(__file__).resolve().parents[2]
RENDER = ROOT / "deploy" / "render"
UNITS = [
    "liaison-backup.service",
    "liaison-backup.timer",
    "liaison-reminders.service",
    "liaison-reminders.timer",
    "liaison-web@.service",
    "liaison-worker.service",
]


def render(out: Path, *assignments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(RENDER), str(out), *assignments],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def rendered(tmp_path) -> Path:
    out = tmp_path / "etc"
    result = render(
        out,
        "LISTEN=127.0.0.1:18080",
        f"LIAISON_DIR={ROOT}",
        f"MEDIA_ROOT={tmp_path / 'media'}",
        "WEB_SERVERS=127.0.0.1:18001,127.0.0.1:18002",
    )
    assert result.returncode == 0, result.stderr
    return out


def test_it_writes_the_nginx_site_and_every_unit(rendered):
    files = sorted(
        str(path.relative_to(rendered)) for path in rendered.rglob("*") if path.is_file()
    )

    assert files == ["nginx/liaison.conf", *(f"systemd/{unit}" for unit in UNITS)]
    for path in rendered.rglob("*"):
        if path.is_file():
            assert not re.search(r"@@[A-Z_]+@@", path.read_text()), path


def test_the_upstream_has_a_server_line_per_instance(rendered):
    site = (rendered / "nginx" / "liaison.conf").read_text()

    assert "server 127.0.0.1:18001 max_fails=1 fail_timeout=10s;" in site
    assert "server 127.0.0.1:18002 max_fails=1 fail_timeout=10s;" in site
    assert "listen 127.0.0.1:18080;" in site
    assert f"root {ROOT}/deploy/nginx;" in site


def test_an_unknown_setting_stops_it_with_nothing_written(tmp_path):
    result = render(tmp_path / "etc", "LISTN=8080")

    assert result.returncode != 0
    assert "unknown setting 'LISTN=8080'" in result.stderr
    assert not (tmp_path / "etc").exists()


def test_the_defaults_are_the_readmes(tmp_path):
    assert render(tmp_path, "SERVER_NAME=liaison.xcgh.example").returncode == 0
    site = (tmp_path / "nginx" / "liaison.conf").read_text()
    web = (tmp_path / "systemd" / "liaison-web@.service").read_text()

    assert "server_name liaison.xcgh.example;" in site
    assert "alias /srv/liaison/staticfiles/;" in site
    assert "alias /var/lib/liaison/media/;" in site
    assert "EnvironmentFile=/etc/liaison/liaison.env" in web
    assert "User=liaison" in web


def test_protected_files_are_where_django_sends_nginx(rendered, tmp_path):
    site = (rendered / "nginx" / "liaison.conf").read_text()
    block = re.search(re.escape(f"location {PROTECTED_LOCATION} {{") + r"(.*?)\}", site, re.S)

    assert block, f"no location {PROTECTED_LOCATION}"
    assert "internal;" in block.group(1)
    assert f"alias {tmp_path / 'media'}/;" in block.group(1)


def test_nginx_accepts_the_largest_upload_the_app_does():
    site = (ROOT / "deploy" / "nginx" / "liaison.conf").read_text()
    assert "client_max_body_size @@CLIENT_MAX_BODY_SIZE@@;" in site
    default = re.search(r'"CLIENT_MAX_BODY_SIZE": \("(\d+)m"', RENDER.read_text()).group(1)

    largest = max(
        settings.RECORDS_ATTACHMENT_MAX_BYTES,
        settings.ORG_IMPORT_MAX_BYTES,
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    )
    assert int(default) * 1024 * 1024 >= 3 * largest  # a sheet with three photos at the limit


def test_every_unit_reads_the_environment_file_and_runs_as_the_user(rendered):
    for unit in UNITS:
        if unit.endswith(".service"):
            text = (rendered / "systemd" / unit).read_text()
            assert "EnvironmentFile=/etc/liaison/liaison.env" in text, unit
            assert "User=liaison" in text, unit
            assert f"WorkingDirectory={ROOT}" in text, unit


def test_the_worker_takes_every_queue_the_app_has(rendered):
    worker = (rendered / "systemd" / "liaison-worker.service").read_text()
    queues = re.search(r"db_worker --queue-name (\S+)", worker).group(1)

    assert sorted(queues.split(",")) == sorted(settings.TASKS["default"]["QUEUES"])


def test_the_timers_start_their_services(rendered):
    for name in ("reminders", "backup"):
        timer = (rendered / "systemd" / f"liaison-{name}.timer").read_text()
        service = (rendered / "systemd" / f"liaison-{name}.service").read_text()
        assert "OnCalendar=" in timer and "Persistent=true" in timer
        assert "Type=oneshot" in service


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_rendered_site(rendered, tmp_path):
    """What `nginx -t` says of the site inside a minimal nginx.conf (Debian's includes it
    from sites-enabled the same way)."""
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\n"
        "events {}\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    access_log {tmp_path}/access.log;\n"
        f"    client_body_temp_path {tmp_path}/body;\n"
        f"    proxy_temp_path {tmp_path}/proxy;\n"
        f"    include {rendered}/nginx/liaison.conf;\n"
        "}\n"
    )

    result = subprocess.run(
        [shutil.which("nginx"), "-t", "-c", str(config), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_accepts_the_units(tmp_path):
    # The programs the units start must exist: an installation of this checkout and venv.
    app = tmp_path / "app"
    (app / "deploy").mkdir(parents=True)
    (app / ".venv").symlink_to(sys.prefix)
    shutil.copy(ROOT / "deploy" / "backup.sh", app / "deploy" / "backup.sh")
    env_file = tmp_path / "liaison.env"
    env_file.touch()
    out = tmp_path / "etc"
    assert render(out, f"LIAISON_DIR={app}", f"ENV_FILE={env_file}").returncode == 0
    units = out / "systemd"
    shutil.copy(units / "liaison-web@.service", units / "liaison-web@8001.service")

    result = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            *sorted(str(p) for p in units.iterdir() if "@." not in p.name),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert (result.returncode, result.stderr) == (0, "")


def test_the_nginx_error_pages_are_in_chinese():
    maintenance = (ROOT / "deploy" / "nginx" / "maintenance.html").read_text()
    too_large = (ROOT / "deploy" / "nginx" / "too-large.html").read_text()

    assert "系统维护中，请稍后再试" in maintenance
    assert "上传的内容太大" in too_large
    site = (ROOT / "deploy" / "nginx" / "liaison.conf").read_text()
    assert "error_page 502 503 504 /maintenance.html;" in site
    assert "error_page 413 /too-large.html;" in site
