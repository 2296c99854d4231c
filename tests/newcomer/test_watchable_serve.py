"""A newcomer's `mailgate serve`: it says what it does, and keeps the archive built and served.

Real `mailgate serve` processes on ephemeral ports (two gateway processes, as on the default
two-core machine), real SMTP clients, and the archive fetched over HTTP from the URL serve
prints. The archive is built asynchronously by a child process, so page checks poll with a
bounded wait.
"""
from __future__ import annotations

import json
import os
import re
import signal
import smtplib
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.harness import SAMPLE_AUTHORITIES, free_port

CITIZEN = "sam.private@citizen.example"
AUTHORITY = "clerk@ambridge-parish.example"


class RunningServe:
    """`mailgate serve` in a subprocess; its stderr is collected line by line as it comes."""

    def __init__(self, tmp_path: Path, *args: str, **env: str):
        self.smtp_port, self.http_port = free_port(), free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")} | {
            "MAILGATE_HOME": str(tmp_path / "home"), "MAILGATE_DOMAIN": "foi.test",
            "MAILGATE_SMTP": f"127.0.0.1:{self.smtp_port}", "MAILGATE_HTTP": f"127.0.0.1:{self.http_port}",
            "MAILGATE_GATEWAY_PROCESSES": "2", "MAILGATE_SWEEP_INTERVAL": "1"} | env
        self.lines: list[str] = []
        self.process = subprocess.Popen([sys.executable, "-m", "mailgate", "serve", *args], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if match := re.search(pattern, self.output):
                return match
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r} in serve's output:\n{self.output}")

    def wait_listening(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=2).quit()
                return
            except OSError:
                assert self.process.poll() is None, f"serve exited:\n{self.output}"
                time.sleep(0.1)
        raise AssertionError(f"nothing listening on {self.smtp_port}:\n{self.output}")

    def cli(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "mailgate", *args], env=self.env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def send(self, mail_from: str, to: str, subject: str, body: str) -> None:
        raw = f"From: {mail_from}\r\nTo: {to}\r\nSubject: {subject}\r\n\r\n{body}\r\n".encode()
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as client:
            client.sendmail(mail_from, [to], raw)

    def status(self) -> dict:
        return json.loads(self.cli("status", "--json"))

    def wait_processed(self, inbound: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status()["inbound"].get("done", 0) >= inbound:
                return
            time.sleep(0.3)
        raise AssertionError(f"not processed: {self.status()}\n{self.output}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(10)


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (every thread's children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def builder_pids(pid: int) -> list[int]:
    return [child for child in children(pid) if "archive_builder" in command_line(child)]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


def wait_for_page(url: str, text: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    status, page = 0, ""
    while time.monotonic() < deadline:
        status, page = fetch(url)
        if status == 200 and text in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed {text!r} (last status {status})")


def start_request(serve: RunningServe, tmp_path: Path) -> dict:
    serve.cli("import", "authorities", str(SAMPLE_AUTHORITIES))
    body = tmp_path / "body.txt"
    body.write_text("How often are the verges cut?\n")
    return json.loads(serve.cli("foi", "new", "--authority", "ambridge-parish", "--name", "Sam Private",
                                "--email", CITIZEN, "--title", "Verge cutting", "--body-file", str(body), "--json"))


def test_serve_logs_each_accepted_message_and_each_delivery_without_private_addresses(tmp_path):
    serve = RunningServe(tmp_path)
    try:
        serve.wait_listening()
        request = start_request(serve, tmp_path)
        serve.send(AUTHORITY, request["reply_address"], "Re: Verge cutting", "Twice a year.")
        accepted = serve.wait_for(r"accepted inbound (\d+) \((\d+) bytes\): thread_authority thread (\d+)")
        assert accepted.group(3) == str(request["id"]) and int(accepted.group(2)) > 0
        # `foi new` sent the request and Sam's "it has been sent" itself; serve sends Sam's "new response".
        serve.wait_for(rf"outbox \d+ \(foi_response, thread {request['id']}\): sent to the Maildir")
        assert CITIZEN not in serve.output and "citizen.example" not in serve.output
        assert request["reply_address"] not in serve.output  # an address's token is a key: never logged
    finally:
        serve.stop()


def test_quiet_serve_logs_no_traffic_but_still_says_where_it_listens(tmp_path):
    serve = RunningServe(tmp_path, "--quiet")
    try:
        serve.wait_listening()
        serve.wait_for(rf"SMTP on 127\.0\.0\.1:{serve.smtp_port}")
        request = start_request(serve, tmp_path)
        serve.send(AUTHORITY, request["reply_address"], "Re: Verge cutting", "Twice a year.")
        serve.wait_processed(1)
        assert serve.status()["outbox"].get("sent", 0) == 3
    finally:
        serve.stop()
    assert "accepted inbound" not in serve.output and not re.search(r"outbox \d+ \(", serve.output), serve.output


def test_the_thread_page_appears_at_the_printed_archive_url(tmp_path):
    serve = RunningServe(tmp_path)
    try:
        serve.wait_listening()
        url = serve.wait_for(r"archive at (http://127\.0\.0\.1:\d+/)").group(1)
        assert url == f"http://127.0.0.1:{serve.http_port}/"
        request = start_request(serve, tmp_path)
        # Mails link to the URL serve prints (MAILGATE_SITE_URL's default follows MAILGATE_HTTP).
        assert request["public_url"] == f"{url}thread/{request['id']}/"
        serve.send(AUTHORITY, request["reply_address"], "Re: Verge cutting", "The verges are cut twice a year.")
        page = wait_for_page(f"{url}thread/{request['id']}/", "The verges are cut twice a year.")
        assert "Verge cutting" in page and CITIZEN not in page
        status, home = fetch(url)
        assert status == 200 and "Verge cutting" in home
        [builder] = builder_pids(serve.process.pid)
    finally:
        serve.stop()
    assert serve.process.returncode == 0
    assert not Path(f"/proc/{builder}").exists(), "stopping serve stops the archive builder"


def test_killing_the_archive_builder_stops_neither_mail_nor_the_archive(tmp_path):
    serve = RunningServe(tmp_path)
    try:
        serve.wait_listening()
        url = serve.wait_for(r"archive at (http://127\.0\.0\.1:\d+/)").group(1)
        request = start_request(serve, tmp_path)
        wait_for_page(f"{url}thread/{request['id']}/", "Verge cutting")
        [builder] = builder_pids(serve.process.pid)
        os.kill(builder, signal.SIGKILL)
        serve.send(AUTHORITY, request["reply_address"], "Re: Verge cutting", "Cut in May and September.")
        serve.wait_processed(1)
        serve.wait_for(r"archive builder .*exited.*starting another")
        wait_for_page(f"{url}thread/{request['id']}/", "Cut in May and September.")
        [again] = builder_pids(serve.process.pid)
        assert again != builder
    finally:
        serve.stop()
    assert serve.process.returncode == 0
    assert len(re.findall(r"archive builder .*exited", serve.output)) == 1, serve.output


def test_the_demo_ends_by_saying_where_to_look_and_its_links_lead_there(tmp_path):
    home = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}
    result = subprocess.run([sys.executable, "-m", "mailgate", "demo", "--home", str(home)], env=env,
                            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    archive = re.search(r"the archive: (\S+)/index\.html", out)
    maildir = re.search(r"the mails mailgate sent: Maildir (\S+)", out)
    serve_again = re.search(r"mailgate archive serve (\S+) --port (\d+)", out)
    assert archive and maildir and serve_again, out
    assert Path(archive.group(1)) == home / "archive" and Path(serve_again.group(1)) == home / "archive"
    sent = sorted((Path(maildir.group(1)) / "new").iterdir())
    notice = next(p.read_text() for p in sent if "Subject: New response" in p.read_text())
    link = re.search(r"http://127\.0\.0\.1:(\d+)/thread/1/", notice)
    assert link and link.group(1) == serve_again.group(2), "the mails link where the demo says the archive is"
    # Follow the demo's advice, then the link in the mail.
    preview = subprocess.Popen([sys.executable, "-m", "mailgate", "archive", "serve", archive.group(1), "--port",
                                serve_again.group(2)], env=env | {"MAILGATE_HOME": str(home)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = wait_for_page(link.group(0), "Our libraries open 9am-5pm", timeout=30)
    finally:
        preview.terminate()
        preview.wait(30)
    assert "jo@citizen.example" not in page
