"""A private Postfix instance for the tests: its own configuration directory, queue and loopback ports.

Started with `postfix -c DIR start` from a temporary folder, never `postmulti` (which
edits the machine's own /etc/postfix/main.cf) and never touching the machine's own
Postfix; no DNS (mail leaves only through `relayhost`, in brackets: no MX lookup).
What docs/deploy.md tells an operator to add is not here: the test runs the doc's block.
"""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

# Debian's master.cf services Postfix needs for SMTP in, LMTP and SMTP out, bounces, and its
# own log file; none chrooted (a temporary queue has no copy of /etc in it).
SERVICES = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def missing() -> str | None:
    """Why a private Postfix cannot run here, or None."""
    for program in ("postfix", "postconf", "swaks"):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian packages postfix and swaks: `make system-packages`)"
    if os.geteuid() != 0:
        return "Postfix's master must start as root (a private instance too)"
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return "there is no postfix user (install Debian's postfix package)"
    return None


class PrivatePostfix:
    def __init__(self, smtp_port: int, relayhost: str):
        # Not under pytest's tmp_path: its folders are private to root, and Postfix's
        # daemons (user postfix) must reach their queue.
        self.root = Path(tempfile.mkdtemp(prefix="mailgate-postfix-"))
        self.root.chmod(0o755)
        self.conf, self.queue, self.data = self.root / "conf", self.root / "queue", self.root / "data"
        self.log = self.root / "maillog"
        for folder in (self.conf, self.queue, self.data):
            folder.mkdir()
        shutil.chown(self.data, "postfix")
        self.smtp_port = smtp_port
        (self.conf / "main.cf").write_text(f"""\
compatibility_level = 3.6
queue_directory = {self.queue}
data_directory = {self.data}
maillog_file = {self.log}
maillog_file_prefixes = {self.root}
myhostname = mx.postfix.test
mydestination =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
relayhost = [{relayhost.rpartition(':')[0]}]:{relayhost.rpartition(':')[2]}
smtp_host_lookup = native
disable_dns_lookups = yes
smtp_dns_support_level = disabled
lmtp_host_lookup = native
smtpd_peername_lookup = no
""")
        (self.conf / "master.cf").write_text(f"127.0.0.1:{smtp_port} inet n - n - - smtpd\n" + SERVICES)

    def postfix(self, *args: str) -> None:
        done = subprocess.run(["postfix", "-c", str(self.conf), *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"postfix {' '.join(args)}: {done.stdout}{done.stderr}\n{self.log_text()}"

    def start(self) -> PrivatePostfix:
        self.postfix("start")
        return self

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def master_pid(self) -> int | None:
        pid_file = self.queue / "pid" / "master.pid"
        try:
            return int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """`postfix stop`; the master killed if that did not end it; the folders removed."""
        pid = self.master_pid()
        subprocess.run(["postfix", "-c", str(self.conf), "stop"], capture_output=True, timeout=60)
        if pid is not None:
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            else:
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)
