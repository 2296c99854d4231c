"""The whole FOI conversation over SMTP, told as it happens, on both backends.

A citizen writes to foi-SLUG@, confirms by replying, the request reaches the
authority's mail server, the authority replies from Outlook, the citizen is
told, follows up from Gmail, classifies, a Lotus Notes reply with a mistyped
address still lands, a reply to the general address is held with a suggestion,
an out-of-office is shown but tells nobody, and a closed thread refuses at RCPT.
"""
from __future__ import annotations

import smtplib
import time

import pytest
from sqlmodel import Session, select

from mailgate.gateway.recipients import CACHE_SECONDS
from store.models import Counterpart, HeldMessage, Thread, ThreadMessage
from store.states import WhoMayPost
from tests.conftest import DATA
from tests.harness import fill_template, import_sample_authorities

FOI = DATA / "foi"
CITIZEN = "jo@citizen.example"
AUTHORITY = "information.requests@borsetshire.gov.example"


def eml(name: str, **values: str) -> bytes:
    return fill_template(FOI / name, **values)


def thread_messages(service, thread_id: int) -> list[ThreadMessage]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread_id)
                                 .order_by(ThreadMessage.id)).all())


def get_thread(service, thread_id: int) -> Thread:
    with Session(service.context.engine) as session:
        return session.get(Thread, thread_id)


def mistype(address: str) -> str:
    """Drop one character of the token, as a person copying by hand might."""
    local, domain = address.split("@")
    return f"{local[:-3]}{local[-2:]}@{domain}"


def test_the_whole_conversation(service, relay):
    domain = service.settings.domain
    import_sample_authorities(service)

    # 1. A citizen asks by email; mailgate asks them to confirm, and sends nothing yet.
    service.send(eml("01_citizen_new_request_thunderbird.eml", DOMAIN=domain), CITIZEN,
                 [f"foi-borsetshire-council@{domain}"])
    service.wait_idle()
    assert relay.to(AUTHORITY) == []
    [confirmation] = relay.to(CITIZEN)
    assert "Please confirm" in confirmation.message["Subject"]
    assert confirmation.message["Auto-Submitted"] == "auto-generated"
    confirm_address = confirmation.message["Reply-To"]
    assert confirm_address.startswith("confirm-")

    # 2. The citizen confirms by replying from Apple Mail; the request goes to the authority.
    service.send(eml("02_citizen_confirm_applemail.eml", TO=confirm_address,
                     IN_REPLY_TO=confirmation.message["Message-ID"]), CITIZEN, [confirm_address])
    service.wait_idle()
    [request] = relay.to(AUTHORITY)
    request_address = request.message["From"].addresses[0].addr_spec
    assert request_address.startswith("request-") and request_address.endswith("@" + domain)
    assert request.message["From"].addresses[0].display_name == "Jo Blöggs"
    assert request.message["Subject"] == "Freedom of Information request - Library opening hours"
    assert "opening hours of each of your libraries" in request.text
    assert request_address in request.text  # the footer asks them to reply there
    assert CITIZEN not in request.raw.decode("utf-8", "replace")  # the citizen's address never leaks
    assert request.mail_from.startswith("bounce-")  # VERP return path
    thread_id = int(request_address.split("-")[1])
    sent_notice = [m for m in relay.to(CITIZEN) if "has been sent" in m.message["Subject"]]
    assert len(sent_notice) == 1
    citizen_address = sent_notice[0].message["From"].addresses[0].addr_spec
    assert citizen_address.startswith("reply-") and citizen_address != request_address

    # 3. The authority replies from Outlook, quoting the request; the thread shows the new text.
    service.send(eml("03_authority_reply_outlook.eml", TO=request_address,
                     IN_REPLY_TO=request.message["Message-ID"]), AUTHORITY, [request_address])
    service.wait_idle()
    reply = thread_messages(service, thread_id)[-1]
    assert (reply.direction, reply.kind) == ("incoming", "reply")
    assert "libraries open 9am" in reply.public_body
    assert "Original Message" in reply.public_quoted and "Original Message" not in reply.public_body
    assert "reviews@borsetshire" not in reply.public_body and "[email address]" in reply.public_body
    assert "01632 960 123" not in reply.public_body
    assert get_thread(service, thread_id).awaiting_classification

    # 4. The citizen is told, with the redacted text, and how to answer.
    [response_notice] = [m for m in relay.to(CITIZEN) if "New response" in m.message["Subject"]]
    assert "libraries open 9am" in response_notice.text
    assert "status: successful" in response_notice.text
    assert response_notice.message["From"].addresses[0].addr_spec == citizen_address

    # 5. An out-of-office is kept in the thread, marked, and tells nobody.
    before = len(relay.to(CITIZEN))
    service.send(eml("08_authority_out_of_office.eml", TO=request_address), "ann.other@borsetshire.gov.example",
                 [request_address])
    service.wait_idle()
    assert thread_messages(service, thread_id)[-1].kind == "auto_reply"
    assert len(relay.to(CITIZEN)) == before

    # 6. The citizen follows up from Gmail; the authority gets it from the request address, threaded.
    service.send(eml("04_citizen_follow_up_gmail.eml", TO=citizen_address,
                     IN_REPLY_TO=response_notice.message["Message-ID"]), CITIZEN, [citizen_address])
    service.wait_idle()
    follow_up = relay.to(AUTHORITY)[-1]
    assert "hours for 2024" in follow_up.text
    assert "has replied to your request" not in follow_up.text  # the quoted notification stays behind
    assert follow_up.message["From"].addresses[0].addr_spec == request_address
    assert follow_up.message["In-Reply-To"] == "<DB9PR01MB1234ABCD5678EF90@DB9PR01MB1234.eurprd01.prod.example>"
    assert request.message["Message-ID"] in follow_up.message["References"]
    assert thread_messages(service, thread_id)[-1].kind == "follow_up"

    # 7. The citizen classifies the response by replying with a status line.
    mails_to_authority = len(relay.to(AUTHORITY))
    service.send(eml("05_citizen_classify.eml", TO=citizen_address, IN_REPLY_TO="<x@y>"), CITIZEN, [citizen_address])
    service.wait_idle()
    thread = get_thread(service, thread_id)
    assert thread.state == "partially_successful" and not thread.awaiting_classification
    assert len(relay.to(AUTHORITY)) == mails_to_authority  # a bare status line is not a follow-up

    # 8. A Lotus Notes reply to a mistyped address is matched to the one thread it fits.
    typo = mistype(request_address)
    assert typo != request_address
    service.send(eml("06_authority_typo_lotus.eml", TO=typo), "records@borsetshire.gov.example", [typo])
    service.wait_idle()
    assert "sending the 2024 hours by post" in thread_messages(service, thread_id)[-1].public_body

    # 9. A reply to the general address with no references is held, with this thread suggested.
    service.send(eml("07_authority_unmatched_general.eml", DOMAIN=domain), AUTHORITY, [f"foi@{domain}"])
    service.wait_idle()
    with Session(service.context.engine) as session:
        [held] = session.exec(select(HeldMessage)).all()
    assert held.state == "held" and "names no request" in held.reason
    assert thread_id in [s["thread_id"] for s in held.suggestions]

    # 10. A closed thread refuses at RCPT with a sentence, so nothing is accepted and bounced later.
    with Session(service.context.engine) as session:
        closed = session.get(Thread, thread_id)
        closed.who_may_post = WhoMayPost.NOBODY
        session.add(closed)
        session.commit()
    time.sleep(CACHE_SECONDS)  # RCPT trusts what it read about a thread for this long
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        service.send(b"Subject: late\r\n\r\nhello\r\n", AUTHORITY, [request_address])
    code, reason = refused.value.recipients[request_address]
    assert code == 550 and b"closed" in reason


def test_unknown_authority_gets_close_matches(service, relay):
    domain = service.settings.domain
    import_sample_authorities(service)
    raw = eml("01_citizen_new_request_thunderbird.eml", DOMAIN=domain).replace(
        b"foi-borsetshire-council@", b"foi-borsetshire@")
    service.send(raw, CITIZEN, [f"foi-borsetshire@{domain}"])
    service.wait_idle()
    [answer] = relay.to(CITIZEN)
    assert "foi-borsetshire-council@" + domain in answer.text
    with Session(service.context.engine) as session:
        assert session.exec(select(Thread)).all() == []
        assert session.exec(select(Counterpart)).first() is not None
