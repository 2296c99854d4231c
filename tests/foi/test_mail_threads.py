"""Mail that hangs together (issue 11): every mail about one request to the citizen threads in their mail client,
and the answer to a request for an unknown authority comes from an address whose reply does something."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from processors.foi.reminders import send_reminders
from store.models import HeldMessage, Thread
from tests.conftest import DATA
from tests.harness import fill_template, import_sample_authorities

FOI = DATA / "foi"
CITIZEN = "jo@citizen.example"
AUTHORITY = "information.requests@borsetshire.gov.example"
FIRST_MESSAGE_ID = "<5d1c9a4e-7a1b-4c2e-9f0e-1b2c3d4e5f60@citizen.example>"  # of 01_citizen_new_request_thunderbird


def eml(name: str, **values: str) -> bytes:
    return fill_template(FOI / name, **values)


def reply(to: str, subject: str, body: str, in_reply_to: str, message_id: str, sender: str = CITIZEN) -> bytes:
    return (f"From: Jo Bloggs <{sender}>\r\nTo: {to}\r\nSubject: Re: {subject}\r\nIn-Reply-To: {in_reply_to}\r\n"
            f"References: {in_reply_to}\r\nMessage-ID: {message_id}\r\n\r\n"
            f"{body}\r\n\r\n> quoted text of our mail\r\n").encode()


def ids(header) -> list[str]:
    return str(header or "").split()


def test_every_mail_to_the_citizen_about_a_request_threads_with_the_earlier_ones(service, relay):
    domain = service.settings.domain
    import_sample_authorities(service)
    service.send(eml("01_citizen_new_request_thunderbird.eml", DOMAIN=domain), CITIZEN,
                 [f"foi-borsetshire-council@{domain}"])
    service.wait_idle()
    [confirmation] = relay.to(CITIZEN)
    confirm = confirmation.message
    service.send(eml("02_citizen_confirm_applemail.eml", TO=confirm["Reply-To"], IN_REPLY_TO=confirm["Message-ID"]),
                 CITIZEN, [confirm["Reply-To"]])
    service.wait_idle()
    [request] = relay.to(AUTHORITY)
    request_address = request.message["From"].addresses[0].addr_spec
    service.send(eml("03_authority_reply_outlook.eml", TO=request_address, IN_REPLY_TO=request.message["Message-ID"]),
                 AUTHORITY, [request_address])
    service.wait_idle()
    service.clock.advance(timedelta(days=5))  # the answer is not classified: a reminder follows
    assert send_reminders(service.context) == 1
    service.wait_idle()

    mails = [m.message for m in relay.to(CITIZEN)]
    subjects = [str(m["Subject"]) for m in mails]
    assert len(mails) == 4, subjects  # confirm, sent, new response, unclassified reminder
    assert all(m["Message-ID"] for m in mails)
    # the first answers the citizen's own mail; each later one answers the one before and names them all
    assert confirm["In-Reply-To"] == FIRST_MESSAGE_ID
    for n, mail in enumerate(mails[1:], start=1):
        earlier = [m["Message-ID"] for m in mails[:n]]
        assert mail["In-Reply-To"] == earlier[-1], subjects[n]
        assert ids(mail["References"])[-n:] == earlier, subjects[n]
        assert ids(mail["References"])[0] == FIRST_MESSAGE_ID, subjects[n]
    # the authority's side is its own conversation: no mail to the citizen is named to the authority
    for mail in relay.to(AUTHORITY):
        assert not set(ids(mail.message["References"])) & {m["Message-ID"] for m in mails}


def test_replying_to_the_unknown_authority_mail_with_a_name_starts_the_request(service, relay):
    domain = service.settings.domain
    import_sample_authorities(service)
    raw = eml("01_citizen_new_request_thunderbird.eml", DOMAIN=domain).replace(
        b"foi-borsetshire-council@", b"foi-borsetshire@")
    service.send(raw, CITIZEN, [f"foi-borsetshire@{domain}"])
    service.wait_idle()
    [unknown] = relay.to(CITIZEN)
    answer_to = unknown.message["Reply-To"] or unknown.message["From"].addresses[0].addr_spec
    route = service.context.addresses.resolve(str(answer_to))
    assert route is not None and route.name not in ("general", "postmaster"), answer_to
    assert "borsetshire-council" in unknown.text  # the close match, to reply with or write to
    assert "reply" in unknown.text.lower()

    # 1. A reply saying nothing we know: answered again, with the list, and nothing held.
    service.clock.advance(timedelta(hours=2))  # one mail an hour to a stranger
    service.send(reply(str(answer_to), unknown.message["Subject"], "Which one? I am not sure.",
                       unknown.message["Message-ID"], "<which-one@citizen.example>"), CITIZEN, [str(answer_to)])
    service.wait_idle()
    assert len(relay.to(CITIZEN)) == 2
    again = relay.to(CITIZEN)[-1]
    assert "borsetshire-council" in again.text and "Which one" not in again.text
    assert again.message["In-Reply-To"] == "<which-one@citizen.example>"  # answers their reply
    assert (again.message["Reply-To"] or "") == str(answer_to)

    # 2. A reply naming the authority, at once: the original request goes to confirmation, as if written to it
    # (the reply proved its sender reads the mailbox, so the hourly limit to a stranger does not hold it back).
    service.send(reply(str(answer_to), unknown.message["Subject"], "borsetshire-council please",
                       again.message["Message-ID"], "<chosen@citizen.example>"), CITIZEN, [str(answer_to)])
    service.wait_idle()
    confirmation = relay.to(CITIZEN)[-1]
    assert "Please confirm" in str(confirmation.message["Subject"])
    assert "Library opening hours" in str(confirmation.message["Subject"])
    assert "Borsetshire County Council" in confirmation.text
    with Session(service.context.engine) as session:
        assert session.exec(select(HeldMessage)).all() == []
        [thread] = session.exec(select(Thread)).all()
        assert "opening hours of each of your libraries" in thread.body
        assert thread.citizen_email == CITIZEN
    # confirming sends the original request to the authority
    service.send(eml("02_citizen_confirm_applemail.eml", TO=confirmation.message["Reply-To"],
                     IN_REPLY_TO=confirmation.message["Message-ID"]), CITIZEN, [confirmation.message["Reply-To"]])
    service.wait_idle()
    [request] = relay.to(AUTHORITY)
    assert "opening hours of each of your libraries" in request.text
