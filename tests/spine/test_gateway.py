"""The front door, spoken to by real SMTP and LMTP clients: what is refused, and what is stored before the 250."""
from __future__ import annotations

import smtplib
import socket
import subprocess

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from store.models import InboundMessage
from tests.conftest import DATA
from tests.harness import LiveService, fill_template, make_request

REPLY = fill_template(DATA / "foi" / "06_authority_typo_lotus.eml")  # CRLF, as on the wire


def make_thread(service) -> int:
    return make_request(service).id


def refusal(service, recipient: str) -> tuple[int, str]:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        service.send(b"Subject: x\r\n\r\nx\r\n", "someone@example.org", [recipient])
    code, reason = refused.value.recipients[recipient]
    return code, reason.decode()


def stored_count(service) -> int:
    with service.context.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(InboundMessage)).scalar()


def test_unknown_mailbox_foreign_domain_and_bad_token_are_refused_at_rcpt(service):
    thread_id = make_thread(service)
    good = service.context.addresses.authority_facing(thread_id)
    assert refusal(service, "nobody@foi.test") == (550, "5.1.1 there is no mailbox called 'nobody' at foi.test")
    code, reason = refusal(service, "friend@gmail.example")
    assert code == 550 and reason.startswith("5.7.1") and "no relaying" in reason
    wrong_token = good.split("@")[0][:-4] + "zzzz@foi.test"  # four characters wrong: no typo can explain it
    code, reason = refusal(service, wrong_token)
    assert code == 550 and "matches no request" in reason
    assert stored_count(service) == 0


def test_a_message_is_in_the_store_when_the_250_arrives(service):
    thread_id = make_thread(service)
    address = service.context.addresses.authority_facing(thread_id)
    with service.smtp() as client:
        client.ehlo()
        client.mail("records@ambridge-parish.example")
        client.rcpt(address)
        code, text = client.data(REPLY)
    assert code == 250 and text.startswith(b"2.0.0 Ok: stored as ")
    inbound_id = int(text.rsplit(b" ", 1)[1])
    with Session(service.context.engine) as session:
        row = session.get(InboundMessage, inbound_id)
    assert row.rcpt_to == [address] and row.mail_from == "records@ambridge-parish.example"
    assert row.raw == REPLY  # byte for byte as sent


def test_oversized_mail_gets_552_and_is_not_stored(make_settings, relay):
    live = LiveService(make_settings(relay=relay.address, max_message_size=10_000)).start()
    big = b"Subject: big\r\n\r\n" + (b"y" * 76 + b"\r\n") * 200
    try:
        # A client that declares SIZE is refused at MAIL FROM ...
        with pytest.raises(smtplib.SMTPSenderRefused) as declared:
            live.send(big, "a@example.org", ["foi@foi.test"])
        assert declared.value.smtp_code == 552
        # ... and one that does not is refused after DATA.
        with live.smtp() as client:
            client.ehlo()
            client.mail("a@example.org")
            client.rcpt("foi@foi.test")
            code, _ = client.data(big)
        assert code == 552
        assert stored_count(live) == 0
    finally:
        live.stop()


def test_when_the_store_fails_the_sender_is_told_to_retry_and_nothing_is_lost(service):
    with service.context.engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE inbound_message RENAME TO inbound_message_away"))
    try:
        with pytest.raises(smtplib.SMTPDataError) as later:
            service.send(REPLY, "a@example.org", ["foi@foi.test"])
        assert later.value.smtp_code == 451 and later.value.smtp_error.startswith(b"4.3.0")
    finally:
        with service.context.engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE inbound_message_away RENAME TO inbound_message"))
    assert service.send(REPLY, "a@example.org", ["foi@foi.test"]) == {}  # the sender's retry succeeds
    assert stored_count(service) == 1


def test_smtputf8_and_8bitmime_are_accepted(service):
    raw = "From: Jörg <jörg@bücher.example>\r\nSubject: Grüße\r\n\r\nÄpfel und Birnen\r\n".encode()
    with service.smtp() as client:
        client.ehlo()
        assert client.has_extn("smtputf8") and client.has_extn("8bitmime")
        assert client.sendmail("jörg@bücher.example", ["foi@foi.test"], raw,
                               mail_options=["SMTPUTF8", "BODY=8BITMIME"]) == {}
    service.wait_idle()
    with Session(service.context.engine) as session:
        assert session.exec(select(InboundMessage)).one().raw == raw


def test_lmtp_answers_once_per_recipient(make_settings, relay):
    live = LiveService(make_settings(relay=relay.address)).start(lmtp=True)
    try:
        with socket.create_connection(("127.0.0.1", live.lmtp_port), timeout=10) as sock:
            reader = sock.makefile("rb")

            def say(line: bytes) -> list[bytes]:
                sock.sendall(line + b"\r\n")
                replies = [reader.readline()]
                while replies[-1][3:4] == b"-":
                    replies.append(reader.readline())
                return replies

            reader.readline()  # greeting
            assert say(b"LHLO mta.example")[0].startswith(b"250")
            assert say(b"MAIL FROM:<a@example.org>")[0].startswith(b"250")
            assert say(b"RCPT TO:<foi@foi.test>")[0].startswith(b"250")
            assert say(b"RCPT TO:<help@foi.test>")[0].startswith(b"250")
            assert say(b"RCPT TO:<nobody@foi.test>")[0].startswith(b"550")
            assert say(b"DATA")[0].startswith(b"354")
            sock.sendall(b"Subject: two\r\n\r\nhello\r\n.\r\n")
            statuses = [reader.readline(), reader.readline()]
            assert all(status.startswith(b"250 2.0.0") for status in statuses)
            say(b"QUIT")
    finally:
        live.stop()


def test_starttls_is_offered_when_a_certificate_is_configured(make_settings, relay, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=foi.test",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    live = LiveService(make_settings(relay=relay.address, tls_cert=str(cert), tls_key=str(key))).start()
    try:
        import ssl

        with live.smtp() as client:
            client.ehlo()
            assert client.has_extn("starttls")
            client.starttls(context=ssl._create_unverified_context())
            client.ehlo()
            assert client.sendmail("a@example.org", ["foi@foi.test"], b"Subject: tls\r\n\r\nsecret\r\n") == {}
    finally:
        live.stop()
