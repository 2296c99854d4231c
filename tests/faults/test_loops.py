"""Two acknowledgement robots without RFC 3834 headers ("Re: ..., thank you for your email") on
both sides of a request answered each other through mailgate: 27 mails to the authority and 26
to the citizen in a minute, 51 messages published. Forwards between the two sides of a thread
are now counted and compared (processors/loops.py); past a limit the message is kept privately,
the forward held, and the operator told once."""
from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from processors import limits
from processors.foi.loop_release import release_loop
from store.models import HeldMessage, RateEvent
from tests.foi.test_rules import CITIZEN, citizen_mail, make_thread, messages

AUTHORITY = "clerk@ambridge-parish.example"
LIMIT = 5  # MAILGATE_LOOP_FORWARDS_PER_HOUR's default

# Questions no two of which are 90 % alike: each is a forward the limit counts.
QUESTIONS = ["Could you also send the 2024 schedule for the northern verges?",
             "Which contractor did the work last spring, and what did it cost?",
             "Is there a written policy on wildflower margins? Please attach it.",
             "How many complaints about overgrown junctions were logged in 2023?",
             "Who decides when a verge counts as a visibility hazard?",
             "Were any cuts cancelled because of nesting birds?",
             "What budget is set aside for verges next year?",
             "Does the parish share equipment with Borsetshire County Council?",
             "When will the minutes of the March meeting be published online?"]


def robot_answer(service, mail, style: str) -> None:
    """What a header-less acknowledgement robot does: answer whoever wrote, at once, no Auto-Submitted."""
    robot = mail.rcpt_tos[0]
    sender = mail.message["Reply-To"] or mail.message["From"]
    to = sender.addresses[0].addr_spec
    text = "Thank you for your email. We aim to reply within 20 working days."
    if style == "ticketed":  # a reference number that makes each acknowledgement different
        text += f" Your reference is {uuid.uuid4().hex}{uuid.uuid4().hex}."
    raw = (f"From: Robot <{robot}>\r\nTo: {to}\r\nSubject: Re: {mail.message['Subject']}\r\n"
           f"Message-ID: <{uuid.uuid4().hex}@robot.example>\r\n\r\n{text}\r\n").encode()
    service.send(raw, robot, [to])


def run_robots(service, relay, minutes: int = 10, step: timedelta = timedelta(seconds=10), style: str = "plain"):
    answered = 0
    for _ in range(int(timedelta(minutes=minutes) / step)):
        new, answered = relay.caught[answered:], len(relay.caught)
        for mail in new:
            robot_answer(service, mail, style)
        service.wait_idle()
        service.clock.advance(step)


def loop_alerts(service) -> list[RateEvent]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(RateEvent).where(RateEvent.name == "loop_alert")))


def held(service) -> list[HeldMessage]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(HeldMessage).where(HeldMessage.state == "held").order_by(HeldMessage.id)))


def operator(service, act):
    """What `mailgate holding-pen release-loop` and `mailgate limits reset` do (mailgate/cli/), on the
    running service's context (tests/spine/test_cli.py runs the commands themselves)."""
    from processors.mail_out import commit_and_send

    with Session(service.context.engine, expire_on_commit=False) as session:
        result = act(session, service.context)
        commit_and_send(session, service.context)
    service.wait_idle()
    return result


@pytest.mark.parametrize("style", ["plain", "ticketed"])
def test_two_header_less_robots_are_stopped(service, relay, caplog, style):
    caplog.set_level(logging.WARNING)
    thread = make_thread(service)
    run_robots(service, relay, minutes=10, style=style)
    to_authority, to_citizen = len(relay.to(AUTHORITY)), len(relay.to(CITIZEN))
    # The request and the "it was sent" notice, then at most LIMIT forwards each way in the hour;
    # identical acknowledgements are stopped sooner, by their likeness.
    most = 1 + (LIMIT if style == "ticketed" else 1)
    assert to_authority <= most and to_citizen <= most
    assert max(to_authority, to_citizen) == most  # the loop ran until the limit stopped it
    shown = [m for m in messages(service, thread.id) if not m.hidden]
    assert len(shown) <= 1 + 2 * (most - 1)  # the request, and what was forwarded either way
    kept = [m for m in messages(service, thread.id) if m.hidden]
    assert kept and all("loop" in h.reason for h in held(service))  # kept privately, held with a reason
    assert len(held(service)) == len(kept)
    assert len(loop_alerts(service)) == 1  # the operator was told once
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "loop" in r.getMessage()]
    assert len(warnings) == 1 and f"request {thread.id}" in warnings[0].getMessage()


def test_follow_ups_past_the_hourly_limit_are_held_until_the_hour_passes_or_a_reset(service, relay, caplog):
    caplog.set_level(logging.WARNING)
    thread = make_thread(service)
    before = len(relay.to(AUTHORITY))
    for question in QUESTIONS[:LIMIT + 2]:
        citizen_mail(service, thread.id, question)
    assert len(relay.to(AUTHORITY)) == before + LIMIT
    pen = held(service)
    assert len(pen) == 2 and all("forwards per hour" in h.reason for h in pen)
    assert len(loop_alerts(service)) == 1
    # The held words are on the thread, privately; none of them reached the authority.
    private = [m for m in messages(service, thread.id) if m.hidden]
    assert [m.body_text for m in private] == QUESTIONS[LIMIT:LIMIT + 2]
    assert not any(QUESTIONS[LIMIT] in m.text for m in relay.to(AUTHORITY))

    assert operator(service, lambda session, _: limits.reset(session, AUTHORITY)) == LIMIT
    citizen_mail(service, thread.id, QUESTIONS[LIMIT + 2])
    assert len(relay.to(AUTHORITY)) == before + LIMIT + 1

    service.clock.advance(timedelta(minutes=61))
    citizen_mail(service, thread.id, QUESTIONS[LIMIT + 3])
    assert len(relay.to(AUTHORITY)) == before + LIMIT + 2


def test_an_operator_releases_a_loop_held_batch_in_one_command(service, relay):
    thread = make_thread(service)
    run_robots(service, relay, minutes=1)
    to_authority, to_citizen = len(relay.to(AUTHORITY)), len(relay.to(CITIZEN))
    assert len(held(service)) == 2  # one follow-up, one reply's notice: both like the one before
    assert operator(service, lambda session, context: release_loop(session, context, thread.id)) == 2
    assert len(relay.to(AUTHORITY)) == to_authority + 1 and len(relay.to(CITIZEN)) == to_citizen + 1
    assert held(service) == [] and not any(m.hidden for m in messages(service, thread.id))


def test_a_reply_alike_to_a_recent_one_from_the_authority_is_not_notified(service, relay):
    thread = make_thread(service)
    address = service.context.addresses.authority_facing(thread.id)
    body = "Thank you for your email. Your request has been logged and will be answered in 20 working days."
    for n in range(2):
        raw = (f"From: Clerk <{AUTHORITY}>\r\nTo: {address}\r\nSubject: Re: Verge cutting\r\n"
               f"Message-ID: <ack-{n}@ambridge-parish.example>\r\n\r\n{body}{'!' * n}\r\n").encode()
        service.send(raw, AUTHORITY, [address])
        service.wait_idle()
    assert len([m for m in relay.to(CITIZEN) if "New response" in m.message["Subject"]]) == 1
    [pen] = held(service)
    assert "similar" in pen.reason
