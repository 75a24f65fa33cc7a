"""The user directory commands on SQLite and PostgreSQL: the same schema and queries."""
import subprocess

import pytest

from conftest import CRUDDUR


@pytest.fixture(params=["sqlite", "postgresql"])
def directory_args(request, tmp_path):
    if request.param == "sqlite":
        return ["--data-dir", str(tmp_path)]
    pg = request.getfixturevalue("postgres")
    return ["--data-dir", str(tmp_path), "--connection-url", pg.url]


def run(*args):
    return subprocess.run([CRUDDUR, *args], capture_output=True, text=True, timeout=60)


def test_setup_seed_and_token(directory_args):
    out = run("db", "setup", *directory_args)
    assert out.returncode == 0, out.stderr
    assert "seeded 4 users" in out.stdout
    # Setup again replaces the table (schema-load drops it), so it is repeatable.
    assert run("db", "setup", *directory_args).returncode == 0
    again = run("db", "seed", *directory_args)  # seeding is idempotent: present users are kept
    assert again.returncode == 0 and "seeded 0 users (4 already present)" in again.stdout
    token = run("auth", "token", "@bayko", *directory_args)
    assert token.returncode == 0 and token.stdout.count(".") == 2
    missing = run("auth", "token", "nobody", *directory_args)
    assert missing.returncode != 0 and "no user with handle nobody" in missing.stderr
