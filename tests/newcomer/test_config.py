"""`mailgate config`: the effective value of every setting, and where each came from (issue 11)."""
from __future__ import annotations


def _lines(out: str) -> dict[str, str]:
    """NAME -> the whole line, for the MAILGATE_* lines of `mailgate config`."""
    return {line.split("=", 1)[0]: line for line in out.splitlines() if line.startswith("MAILGATE_")}


def test_config_says_where_each_value_came_from(mailgate_in, tmp_path):
    toml = tmp_path / "mailgate.toml"
    toml.write_text('home = "var"\nservice_name = "Borsetshire asks"\n')
    env_file = tmp_path / "mailgate.env"
    env_file.write_text("MAILGATE_COUNTRY=FR\n")
    out = mailgate_in(tmp_path / "sub", "--env-file", str(env_file), "config",
                      MAILGATE_DOMAIN="foi.env.test", MAILGATE_SECRET="hunter2-very-secret").stdout
    lines = _lines(out)
    assert lines["MAILGATE_DOMAIN"].endswith("# environment")
    assert lines["MAILGATE_SERVICE_NAME"] == f"MAILGATE_SERVICE_NAME=Borsetshire asks  # {toml}"
    assert lines["MAILGATE_COUNTRY"] == f"MAILGATE_COUNTRY=FR  # {env_file}"
    assert lines["MAILGATE_SMTP"] == "MAILGATE_SMTP=127.0.0.1:2525  # default"
    assert lines["MAILGATE_HOME"] == f"MAILGATE_HOME={tmp_path / 'var'}  # {toml}"
    assert lines["MAILGATE_SECRET"] == "MAILGATE_SECRET=********  # environment" and "hunter2" not in out
    # the effective database URL, not an empty string
    assert lines["MAILGATE_DATABASE_URL"].startswith(f"MAILGATE_DATABASE_URL=sqlite:///{tmp_path / 'var' / 'mailgate.db'}")


def test_config_masks_a_password_in_the_file(mailgate_in, tmp_path):
    toml = tmp_path / "mailgate.toml"
    toml.write_text('database_url = "postgresql://mg:pa55word@db.example/mailgate"\n')
    line = _lines(mailgate_in(tmp_path, "config").stdout)["MAILGATE_DATABASE_URL"]
    assert line == f"MAILGATE_DATABASE_URL=postgresql://mg:********@db.example/mailgate  # {toml}"
