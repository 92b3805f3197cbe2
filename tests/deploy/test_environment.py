"""One environment file for everything (.env.example documents it; production copies it to
/etc/liaison/liaison.env): every variable the settings, gunicorn.conf.py and backup.sh read is
in it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def documented() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, re.M))


def test_every_setting_read_from_the_environment_is_documented():
    settings = (ROOT / "liaison" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings))

    assert read
    assert sorted(read - documented()) == []


def test_every_variable_of_deploy_is_documented():
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text(encoding="utf-8")
    backup = (ROOT / "deploy" / "backup.sh").read_text(encoding="utf-8")
    read = set(
        re.findall(r"os\.environ\.get\('([A-Z_]+)'|os\.environ\.get\(\"([A-Z_]+)\"", gunicorn)
    )
    read = {name for pair in read for name in pair if name}
    read |= set(re.findall(r'^([A-Z_]+)="\$\{', backup, re.M))
    # Set by the unit itself (the instance's port); backup.sh's own name for the python.
    read -= {"GUNICORN_PORT", "PYTHON"}

    assert read >= {"GUNICORN_WORKERS", "BACKUP_DIR", "BACKUP_KEEP_DAYS", "MEDIA_ROOT"}
    assert sorted(read - documented()) == []
