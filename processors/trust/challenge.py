"""Hold an action until the registered address confirms it: the challenge.

A rule that may not act on a message yet (its sender-trust verdict is fail, or it withdraws
a request, which always needs this) raises `NeedsConfirmation`; routing then calls `ask`,
which holds the message and mails the thread's registered address from a challenge
address (`check-ID-TOKEN@`, processors/routing.py on_challenge). Replying to that mail
within CHALLENGE_DAYS replays the held message with `Delivery.confirmed` set. The mail
goes through the gate for mail to strangers (processors/strangers.py: one an hour to an
address, a daily cap per client) and repeats nothing the sender wrote: the thread's title
as published, and what confirming does, in our words. An automatic answer, or one whose own verdict is fail, confirms nothing.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from processors.mail_out import MailSpec, one_line
from processors.strangers import queue_mail_to_stranger
from store.models import Challenge, Thread
from store.states import ChallengeState, SenderTrust

if TYPE_CHECKING:
    from processors.routing import Delivery

CHALLENGE_DAYS = 7


def ask(delivery: Delivery, thread: Thread, held_address: str, action: str) -> str:
    """Create (once per message and address) the challenge and its mail; the hold reason."""
    session, context = delivery.session, delivery.context
    challenge = session.exec(select(Challenge).where(Challenge.inbound_id == delivery.inbound.id,
                                                     Challenge.held_address == held_address)).first()
    if challenge is None:
        now = context.clock.now()
        challenge = Challenge(inbound_id=delivery.inbound.id, thread_id=thread.id, held_address=held_address,
                              recipient=thread.citizen_email, action=one_line(action)[:200], created_at=now,
                              expires_at=now + timedelta(days=CHALLENGE_DAYS))
        session.add(challenge)
        session.flush()
    address = context.addresses.challenge(challenge.id)
    # Not the evidence itself: a forger writes the domains and server names in it.
    why = ("We could not verify that it came from you." if delivery.trust == SenderTrust.FAIL
           else "We ask before doing this, whoever sends it.")
    not_sent = queue_mail_to_stranger(delivery, MailSpec(
        dedupe_key=f"challenge:{challenge.id}", kind="challenge", to=challenge.recipient, thread_id=thread.id,
        from_address=address, from_name=context.config.service_name, reply_to=address,
        values={"action": challenge.action, "title": thread.title, "what": context.kinds[thread.kind].noun,
                "why": why, "days": CHALLENGE_DAYS}), answers_the_sender=False)
    reason = (f"waiting for <{challenge.recipient}> to confirm: {challenge.action} (challenge {challenge.id}, until "
              f"{challenge.expires_at:%Y-%m-%d %H:%M} UTC); sender: {delivery.trust} ({delivery.inbound.trust_evidence})")
    return reason + (f"; no challenge mail: {not_sent}" if not_sent else "")


def why_not_confirmed(delivery: Delivery, challenge: Challenge | None) -> str | None:
    """Why this answer to a challenge confirms nothing, or None when it confirms."""
    if challenge is None:
        return "an answer to a challenge that does not exist"
    if challenge.state != ChallengeState.WAITING:
        return f"an answer to challenge {challenge.id}, which is already {challenge.state}"
    if delivery.context.clock.now() >= challenge.expires_at:
        challenge.state, challenge.resolved_at = ChallengeState.EXPIRED, delivery.context.clock.now()
        return f"an answer to challenge {challenge.id} after it expired"
    understood = delivery.understood
    if understood.loop_risk or understood.kind != "human":
        return f"{understood.kind} mail to challenge {challenge.id} confirms nothing"
    if delivery.trust == SenderTrust.FAIL:
        return f"an answer to challenge {challenge.id} whose own sender failed verification"
    return None


def expire_challenges(session, context) -> int:
    """Mark the challenges nobody answered in time (a periodic job); their messages stay held."""
    now = context.clock.now()
    expired = session.exec(select(Challenge).where(Challenge.state == ChallengeState.WAITING,
                                                   Challenge.expires_at <= now)).all()
    for challenge in expired:
        challenge.state, challenge.resolved_at = ChallengeState.EXPIRED, now
    return len(expired)
