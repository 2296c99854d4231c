"""A confirmation sends a request in the requester's name: it is never taken from mail classified
as automatic (a header-less out-of-office answering the confirmation mail) nor from a sender whose
verdict is fail (processors/foi/requests.py confirm_by_email)."""
from __future__ import annotations

from sqlmodel import Session, select

from processors.routing import Delivery, Outcome
from processors.understanding import understand
from store.foi_states import AWAITING_CONFIRMATION
from store.models import InboundMessage, Thread
from tests.faults.test_loops import AUTHORITY
from tests.harness import import_sample_authorities

CITIZEN = "jo@citizen.example"


def ask(service, relay) -> str:
    """A request by email; returns the address its confirmation asks to reply to."""
    import_sample_authorities(service)
    raw = (f"From: Jo <{CITIZEN}>\r\nTo: foi-ambridge-parish@foi.test\r\nSubject: Verge cutting\r\n"
           "Message-ID: <ask@citizen.example>\r\n\r\nHow often are the verges cut?\r\n").encode()
    service.send(raw, CITIZEN, ["foi-ambridge-parish@foi.test"])
    service.wait_idle()
    return relay.to(CITIZEN)[-1].message["Reply-To"]


def state(service) -> str:
    with Session(service.context.engine) as session:
        return session.exec(select(Thread)).one().state


def test_an_out_of_office_without_headers_confirms_nothing(service, relay):
    confirm = ask(service, relay)
    raw = (f"From: Jo <{CITIZEN}>\r\nTo: {confirm}\r\nSubject: Automatic reply: Please confirm your request\r\n"
           "\r\nI am out of the office until Monday.\r\n").encode()
    service.send(raw, CITIZEN, [confirm])
    service.wait_idle()
    assert relay.to(AUTHORITY) == [] and state(service) == AWAITING_CONFIRMATION


def test_a_confirmation_whose_verdict_is_fail_confirms_nothing(service, relay):
    confirm = ask(service, relay)
    context = service.context
    raw = f"From: Jo <{CITIZEN}>\r\nTo: {confirm}\r\nSubject: Re: confirm\r\n\r\nYes, send it.\r\n".encode()
    with Session(context.engine) as session:
        # The seam: the verdict is judged elsewhere (processors/trust/); here it is set, as it is stored.
        inbound = InboundMessage(mail_from=CITIZEN, rcpt_to=[confirm], peer="192.0.2.7", raw=raw, size=len(raw),
                                 sender_trust="fail")
        session.add(inbound)
        session.flush()
        thread = session.exec(select(Thread)).one()
        delivery = Delivery(session, context, inbound, understand(raw, envelope_from=CITIZEN), Outcome())
        note = context.kinds[thread.kind].on_confirm(delivery, thread)
        assert "fail" in note
        assert thread.state == AWAITING_CONFIRMATION and session.info.get("outbox_to_send", []) == []
        session.rollback()
