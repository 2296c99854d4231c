"""Which home a command uses (issue 11): MAILGATE_HOME, else a mailgate.toml found upward from the
current folder, else ./var where it exists. The file may hold any setting; the environment wins."""
from __future__ import annotations


def test_a_command_in_a_subfolder_uses_the_home_named_by_the_mailgate_toml_above(mailgate_in, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "mailgate.toml").write_text('home = "data"\ndomain = "foi.toml.test"\n')
    mailgate_in(project, "db", "upgrade")
    assert (project / "data" / "mailgate.db").is_file()
    deep = project / "letters" / "2026"
    err = mailgate_in(deep, "status").stderr
    assert f"store sqlite:///{project / 'data' / 'mailgate.db'}" in err
    assert f"from {project / 'mailgate.toml'}" in err
    assert not (deep / "var").exists()
    assert "MAILGATE_DOMAIN=foi.toml.test" in mailgate_in(deep, "config").stdout


def test_a_mailgate_toml_without_a_home_line_makes_its_own_folder_the_home(mailgate_in, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "mailgate.toml").write_text("# all defaults\n")
    mailgate_in(tmp_path / "site", "db", "upgrade")
    assert (tmp_path / "site" / "mailgate.db").is_file() and (tmp_path / "site" / "secret").is_file()
    assert f"store sqlite:///{tmp_path / 'site' / 'mailgate.db'}" in mailgate_in(tmp_path / "site" / "x", "status").stderr


def test_the_environment_wins_over_the_file(mailgate_in, tmp_path):
    (tmp_path / "mailgate.toml").write_text('home = "var"\ndomain = "from-the-file.test"\nworker_threads = 3\n')
    out = mailgate_in(tmp_path, "config", MAILGATE_DOMAIN="from-the-environment.test").stdout
    assert "MAILGATE_DOMAIN=from-the-environment.test" in out and "MAILGATE_WORKER_THREADS=3" in out
    elsewhere = tmp_path / "elsewhere"
    err = mailgate_in(tmp_path / "sub", "db", "upgrade", MAILGATE_HOME=str(elsewhere)).stderr
    assert f"store sqlite:///{elsewhere / 'mailgate.db'}" in err and "MAILGATE_HOME" in err
    assert (elsewhere / "mailgate.db").is_file() and not (tmp_path / "var").exists()


def test_a_mailgate_toml_in_MAILGATE_HOME_is_that_homes_settings(mailgate_in, tmp_path):
    home = tmp_path / "srv"
    home.mkdir()
    (home / "mailgate.toml").write_text('domain = "foi.srv.test"\n')
    out = mailgate_in(tmp_path, "config", MAILGATE_HOME=str(home)).stdout
    assert "MAILGATE_DOMAIN=foi.srv.test" in out and str(home / "mailgate.toml") in out


def test_bad_toml_is_named_with_its_file_and_line(mailgate_in, tmp_path):
    toml = tmp_path / "mailgate.toml"
    toml.write_text('home = "var"\ndomain = "unfinished\n')
    err = mailgate_in(tmp_path, "config", expect=1).stderr
    assert f"{toml}:2:" in err and "Traceback" not in err


def test_an_unknown_or_bad_setting_in_the_file_is_named_with_its_line(mailgate_in, tmp_path):
    toml = tmp_path / "mailgate.toml"
    toml.write_text('home = "var"\n\ndomian = "foi.test"\n')
    err = mailgate_in(tmp_path, "config", expect=1).stderr
    assert f"{toml}:3: unknown setting 'domian'" in err
    toml.write_text('home = "var"\nsmtp = "localhost"\n')
    err = mailgate_in(tmp_path, "config", expect=1).stderr
    assert "MAILGATE_SMTP must be HOST:PORT" in err and f"{toml}:2" in err


def test_an_existing_var_folder_is_still_the_home_without_a_mailgate_toml(mailgate_in, tmp_path):
    mailgate_in(tmp_path, "db", "upgrade")
    assert (tmp_path / "var" / "mailgate.db").is_file()
    mailgate_in(tmp_path, "status")


def test_the_checkout_has_a_mailgate_toml_whose_home_is_its_var_folder():
    import tomllib
    from pathlib import Path

    checkout = Path(__file__).resolve().parents[2]
    assert tomllib.loads((checkout / "mailgate.toml").read_text())["home"] == "var"
