"""Kinds of thread plug into the spine: every address has a rule, every kind of work an actor, and
a new kind (its own address, states and mail template) runs without touching the gateway, the
store writer, the sweeper, the outbox or delivery."""
from __future__ import annotations

import smtplib
from enum import StrEnum

import pytest
from sqlmodel import Session, select

from processors.actors import ACTORS
from processors.kinds import HoldForOperator, ThreadKind, default_kinds
from processors.mail_out import MailSpec, queue_mail
from processors.routing import SHARED_RULES, rules
from processors.threads import record_incoming
from store.addresses.routes import ROUTES, RoutePattern
from store.models import Thread, ThreadMessage
from store.queue import Work
from tests.harness import LiveService

PETITIONER = "pat@citizen.example"


def test_every_route_has_a_rule_and_every_kind_of_work_an_actor(service):
    table = service.context.addresses.routes
    assert set(table.names) == set(rules(service.context))
    # The shared rows and the shipped kinds' own rows (the letter's write@, write-SLUG@, letter-ID-TOKEN@).
    assert set(default_kinds().routes().names) == set(SHARED_RULES) | set(default_kinds().route_rules())
    assert set(ROUTES.names) <= set(default_kinds().routes().names)
    assert {actor.__name__ for actor in ACTORS} == {str(work) for work in Work}


class PetitionState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


def start_petition(delivery, route) -> None:
    """petition-SLUG@: a new petition, acknowledged from the kind's own template."""
    session, context, understood = delivery.session, delivery.context, delivery.understood
    thread = Thread(kind="petition", title=route.params["topic"], state=PetitionState.OPEN, public=True,
                    citizen_email=understood.from_address, citizen_name=understood.from_name)
    session.add(thread)
    session.flush()
    queue_mail(session, context, MailSpec(
        dedupe_key=f"petition:{delivery.inbound.id}", kind="petition_thanks", to=understood.from_address,
        from_address=context.addresses.citizen_facing(thread.id), from_name="Petitions", thread_id=thread.id,
        values={"topic": thread.title, "counterpart_address": context.addresses.authority_facing(thread.id)}))
    delivery.outcome.notes.append(f"petition {thread.id} started")


def answered(delivery, thread) -> str:
    record_incoming(delivery.session, delivery.context, thread, delivery.inbound, delivery.understood)
    thread.state = PetitionState.ANSWERED
    return f"petition {thread.id} answered"


def never(delivery, thread) -> str:
    raise HoldForOperator("petitions take no replies from the petitioner")


@pytest.fixture
def petitions(tmp_path):
    templates = tmp_path / "petition_templates"
    templates.mkdir()
    (templates / "petition_thanks.txt").write_text(
        "Subject: Your petition about {{ topic }}\n\nThank you. The council will answer at "
        "{{ counterpart_address }}.\n-- \n{{ service }}\n")
    return default_kinds().with_kind(ThreadKind(
        name="petition", states=PetitionState, on_counterpart=answered, on_requester=never, on_confirm=never,
        routes=(RoutePattern("new_petition", "start a petition", prefix="petition", param="topic"),),
        route_rules={"new_petition": start_petition}, templates=templates))


def test_a_new_kind_of_thread_runs_on_the_unchanged_spine(make_settings, relay, petitions):
    live = LiveService(make_settings(relay=relay.address), kinds=petitions).start()
    try:
        domain = live.settings.domain
        live.send(f"From: Pat <{PETITIONER}>\r\nSubject: lights\r\n\r\nPlease fix the lights.\r\n".encode(),
                  PETITIONER, [f"petition-street-lights@{domain}"])  # the gateway knows the new address
        live.wait_idle()
        [thanks] = relay.to(PETITIONER)
        assert thanks.message["Subject"] == "Your petition about street-lights"
        council_address = live.context.addresses.authority_facing(1)
        assert council_address in thanks.text

        live.send(b"From: clerk@council.example\r\nSubject: Re: lights\r\n\r\nFixed on Monday.\r\n",
                  "clerk@council.example", [council_address])
        live.send(f"From: {PETITIONER}\r\nSubject: Re\r\n\r\nThanks!\r\n".encode(), PETITIONER,
                  [live.context.addresses.citizen_facing(1)])
        live.wait_idle()
        with Session(live.context.engine) as session:
            thread = session.get(Thread, 1)
            assert (thread.kind, thread.state) == ("petition", PetitionState.ANSWERED)
            [reply] = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == 1)).all()
            assert "Fixed on Monday" in reply.public_body  # the petitioner's own reply was held, not recorded

        with pytest.raises(smtplib.SMTPRecipientsRefused):  # and without the kind, the address means nothing
            live.send(b"Subject: x\r\n\r\nx\r\n", PETITIONER, [f"petitions-lights@{domain}"])
    finally:
        live.stop()


def test_kinds_must_give_each_of_their_addresses_a_rule():
    with pytest.raises(ValueError, match="no rule for its routes"):
        default_kinds().with_kind(ThreadKind(
            name="broken", states=PetitionState, on_counterpart=never, on_requester=never, on_confirm=never,
            routes=(RoutePattern("broken_route", "x", prefix="broken", param="slug"),)))
