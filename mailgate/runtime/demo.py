"""`mailgate demo`: the whole FOI conversation, a problem report and a letter to an MP, acted out against a
real embedded service.

A newcomer sees every step a citizen and an authority take, by email only, and
what mailgate does with each mail. Mail "sent" to the outside world is caught by
a local SMTP server standing in for the authority's and the citizen's providers.
"""
from __future__ import annotations

import smtplib
import sys
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from importlib.resources import files
from pathlib import Path

import click
from sqlmodel import Session, select

from mailgate.gateway.recipients import CACHE_SECONDS
from mailgate.runtime.embedded import BackgroundService, MailCatcher
from mailgate.runtime.settings import load_settings
from processors.periodic import age_threads
from processors.places.import_bodies import import_bodies
from processors.places.import_contacts import import_contacts
from processors.reports.questionnaire import send_questionnaires
from store.authorities import import_authorities
from store.models import HeldMessage, Thread, ThreadMessage
from store.public_urls import public_url, thread_path

CITIZEN, AUTHORITY = "jo@citizen.example", "information.requests@borsetshire.gov.example"
REPORTER, COUNCIL = "sam@citizen.example", "envcrime@borchester.gov.example"


def mail(sender: str, to: str, subject: str, body: str, in_reply_to: str | None = None, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def step(text: str) -> None:
    click.secho(f"\n» {text}", bold=True)


def show(text: str) -> None:
    click.echo("    " + text.replace("\n", "\n    "))


def run_demo(home: Path | None) -> None:
    home = (home or Path(tempfile.mkdtemp(prefix="mailgate-demo-"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    catcher = MailCatcher(maildir=home / "sent").start()
    # The archive is kept built and served on a free port, as `mailgate serve` does: the mails link there.
    settings = load_settings(home=home, domain="foi.demo.example", relay=catcher.address, http="127.0.0.1:0",
                             site_url="")
    service = BackgroundService(settings).start(archive=True)
    try:
        thread_id = _conversation(service, catcher, settings.domain)
        _problem_report(service, catcher, settings.domain)
        _letter(service, catcher, settings.domain)
        service.wait_archived()
        _where_to_look(service, home, thread_id)
    finally:
        service.stop()
        catcher.stop()


def _where_to_look(service: BackgroundService, home: Path, thread_id: int) -> None:
    assert service.service is not None and service.service.archive_url is not None
    url, archive = service.service.archive_url, home / "archive"
    port = url.rstrip("/").rpartition(":")[2]
    step("Where to look")
    show(f"the archive: {archive}/index.html (open it in a browser; the request is "
         f"{archive}/thread/{thread_id}/index.html)\n"
         f"the mails link to {url}thread/{thread_id}/: after the demo, "
         f"`mailgate archive serve {archive} --port {port}` serves the archive there again\n"
         f"the mails mailgate sent: Maildir {home / 'sent'} (`mutt -f {home / 'sent'}`, or any mail client)\n"
         f"the store: {home / 'mailgate.db'} (`MAILGATE_HOME={home} mailgate status`)")
    if sys.stdin.isatty() and sys.stdout.isatty():
        click.echo(f"\nThe archive is at {url} until you press Enter.")
        input()


def _send(service: BackgroundService, message: EmailMessage, envelope_to: str) -> None:
    service.send(message.as_bytes(policy=message.policy.clone(linesep="\r\n")),
                 message["From"].addresses[0].addr_spec, [envelope_to])
    service.wait_idle()


def _conversation(service: BackgroundService, catcher: MailCatcher, domain: str) -> int:
    """Acts it out; the request's thread id."""
    engine = service.context.engine
    with Session(engine) as session:
        import_authorities(session, Path(str(files("mailgate") / "data" / "sample_authorities.csv")))
        session.commit()

    step(f"Jo writes to foi-borsetshire-council@{domain} from an ordinary mail client")
    _send(service, mail(f"Jo Bloggs <{CITIZEN}>", f"foi-borsetshire-council@{domain}", "Library opening hours",
                        "Please tell me the opening hours of each library in 2025."), f"foi-borsetshire-council@{domain}")
    confirmation = catcher.to(CITIZEN)[-1].message
    show(f"mailgate answers Jo: {confirmation['Subject']!r}, Reply-To {confirmation['Reply-To']}")

    step("Jo confirms by hitting reply")
    _send(service, mail(f"Jo Bloggs <{CITIZEN}>", confirmation["Reply-To"], "Re: " + confirmation["Subject"],
                        "Yes please.", confirmation["Message-ID"]), confirmation["Reply-To"])
    request = catcher.to(AUTHORITY)[-1].message
    request_address = request["From"].addresses[0].addr_spec
    show(f"the authority receives {request['Subject']!r}\nFrom: {request['From']}\n(Jo's own address is nowhere in it)")

    step("The council answers from Outlook, quoting the request as Outlook does")
    _send(service, mail(f"Information Requests <{AUTHORITY}>", request_address, "RE: " + request["Subject"],
                        "Dear Jo,\n\nOur libraries open 9am-5pm. Call 01632 960123 with questions.\n\nRegards\n\n"
                        "-----Original Message-----\nFrom: Jo Bloggs\nSubject: " + request["Subject"] +
                        "\n\nPlease tell me the opening hours", request["Message-ID"]), request_address)
    thread_id = int(request_address.split("-")[1])
    with Session(engine) as session:
        reply = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread_id)
                             .order_by(ThreadMessage.id.desc())).first()
    show(f"public thread shows: {reply.public_body!r}\nfolded quote: {reply.public_quoted[:40]!r}…\n"
         f"(its public page, built a moment later: {public_url(service.context.config.site_url, thread_path(thread_id))})")
    notice = catcher.to(CITIZEN)[-1].message
    citizen_address = notice["From"].addresses[0].addr_spec
    show(f"Jo is told: {notice['Subject']!r} from {citizen_address}")

    step("Jo replies to the notification with a follow-up question")
    _send(service, mail(f"Jo Bloggs <{CITIZEN}>", citizen_address, "Re: " + notice["Subject"],
                        "Thanks! And for 2024?", notice["Message-ID"]), citizen_address)
    follow_up = catcher.to(AUTHORITY)[-1].message
    show(f"the council receives {follow_up['Subject']!r}, In-Reply-To {follow_up['In-Reply-To']}")

    step("Jo classifies the answer with one line: status: successful")
    _send(service, mail(f"Jo Bloggs <{CITIZEN}>", citizen_address, "Re: " + notice["Subject"],
                        "status: successful"), citizen_address)
    with Session(engine) as session:
        show(f"request state: {session.get(Thread, thread_id).state}")

    step("Someone at the council mistypes the address (one character dropped)")
    typo = request_address[:-len(domain) - 3] + request_address[-len(domain) - 2:]
    _send(service, mail("Records <records@borsetshire.gov.example>", typo, "2024 figures",
                        "The 2024 hours were the same."), typo)
    show(f"{typo} still lands in request {thread_id}")
    with Session(engine) as session:
        if session.get(Thread, thread_id).awaiting_classification:
            show("a new answer after Jo's classification reopens it: the archive shows it as awaiting "
                 "classification again, and says why")

    step(f"A reply to the general address foi@{domain}, with no references")
    _send(service, mail(f"Information Requests <{AUTHORITY}>", f"foi@{domain}", "RE: Library opening hours",
                        "Attached are the figures."), f"foi@{domain}")
    with Session(engine) as session:
        held = session.exec(select(HeldMessage)).first()
    show(f"held: {held.reason}\nsuggested: " + "; ".join(f"thread {s['thread_id']} ({s['why']})" for s in held.suggestions))

    step("Two quiet years later (the demo moves mailgate's clock) the thread is closed; late mail is refused "
         "at RCPT, never bounced")
    service.clock.advance(timedelta(days=731))
    age_threads(service.context)
    with Session(engine) as session:
        show(f"who may post now: {session.get(Thread, thread_id).who_may_post}")
    time.sleep(CACHE_SECONDS)  # RCPT trusts what it read about a thread for this long
    try:
        _send(service, mail("Spammer <spam@spam.example>", request_address, "Buy now", "..."), request_address)
    except smtplib.SMTPRecipientsRefused as refused:
        code, reason = refused.recipients[request_address]
        show(f"{code} {reason.decode()}")
    return thread_id


def _problem_report(service: BackgroundService, catcher: MailCatcher, domain: str) -> None:
    """A problem report by email: the place from the words, confirmation, the council's Status: line and
    the questionnaire (the sample councils of mailgate/data)."""
    data = Path(str(files("mailgate") / "data"))
    with Session(service.context.engine) as session:
        import_bodies(session, data / "sample_places.geojson")
        import_contacts(session, data / "sample_contacts.csv")
        session.commit()

    step(f"Sam reports fly-tipping to report@{domain}, with the place as coordinates")
    _send(service, mail(f"Sam Smith <{REPORTER}>", f"report@{domain}", "Mattress dumped in Mill Lane",
                        "Someone has dumped a mattress by the bus shelter, at 52.0500,-1.9500."), f"report@{domain}")
    confirmation = catcher.to(REPORTER)[-1].message
    text = confirmation.get_body(("plain",)).get_content()
    place = next((line for line in text.splitlines() if "Sent to" in line), text)
    show(f"mailgate asks Sam to confirm: {confirmation['Subject']!r}\n{place.strip()}")

    step("Sam confirms by hitting reply; the report goes from its own address, in Sam's name")
    _send(service, mail(f"Sam Smith <{REPORTER}>", confirmation["Reply-To"], "Re: " + confirmation["Subject"],
                        "Yes.", confirmation["Message-ID"]), confirmation["Reply-To"])
    sent = catcher.to(COUNCIL)[-1].message
    report_address = sent["From"].addresses[0].addr_spec
    show(f"Borchester receives {sent['Subject']!r}\nFrom: {sent['From']}")

    step("The council replies with a Status: line")
    _send(service, mail(f"Street Scene <{COUNCIL}>", report_address, "RE: " + sent["Subject"],
                        "Cleared this morning.\nStatus: fixed", sent["Message-ID"]), report_address)
    with Session(service.context.engine) as session:
        thread_id = session.exec(select(Thread.id).where(Thread.kind == "report")).one()
        show(f"report state: {session.get(Thread, thread_id).state}; Sam is told: "
             f"{catcher.to(REPORTER)[-1].message['Subject']!r}")

    step("Four weeks later (the clock moves again) Sam is asked whether it was fixed, and answers NOT FIXED")
    service.clock.advance(timedelta(days=29))
    send_questionnaires(service.context)
    service.wait_idle()
    question = catcher.to(REPORTER)[-1].message
    reply_address = question["From"].addresses[0].addr_spec
    _send(service, mail(f"Sam Smith <{REPORTER}>", reply_address, "Re: " + question["Subject"],
                        "NOT FIXED - it is back.", question["Message-ID"]), reply_address)
    with Session(service.context.engine) as session:
        show(f"report state: {session.get(Thread, thread_id).state} (reopened by the questionnaire)")


VOTER, MP = "ffion@voter.example", "alys.prydderch@parliament.example"


def _letter(service: BackgroundService, catcher: MailCatcher, domain: str) -> None:
    from processors.letters.import_representatives import import_representatives

    with Session(service.context.engine) as session:
        import_representatives(session, Path(str(files("mailgate") / "data" / "sample_representatives.json")))
        session.commit()
    step(f"Ffion writes to her MP at write@{domain}, knowing only her postcode (in the subject)")
    _send(service, mail(f"Ffion Jones <{VOTER}>", f"write@{domain}", "Evening buses, LL65 3LA",
                        "Dear MP,\n\nPlease ask for the evening buses to Llangefni to come back.\n\nYours sincerely,"
                        "\n\nFfion Jones\n3 Example Terrace\nLlangefni\nLL65 3LA"), f"write@{domain}")
    confirmation = catcher.to(VOTER)[-1].message
    show(f"mailgate answers: {confirmation['Subject']!r}, Reply-To {confirmation['Reply-To']}")
    step("Ffion confirms by hitting reply")
    _send(service, mail(f"Ffion Jones <{VOTER}>", confirmation["Reply-To"], "Re: " + confirmation["Subject"],
                        "Yes, send it.", confirmation["Message-ID"]), confirmation["Reply-To"])
    letter = catcher.to(MP)[-1].message
    letter_address = letter["From"].addresses[0].addr_spec
    show(f"the MP receives {letter['Subject']!r}\nFrom: {letter['From']}\n(with Ffion's postal address; her email "
         "address is nowhere in it)")
    step("The MP replies to the letter's own address")
    _send(service, mail(f"Alys Prydderch <{MP}>", letter_address, "RE: " + letter["Subject"],
                        "Dear Ffion,\n\nI have written to the bus company.\n\nAlys", letter["Message-ID"]),
          letter_address)
    forwarded = catcher.to(VOTER)[-1].message
    show(f"Ffion is told privately: {forwarded['Subject']!r}; the letter and the reply are never published")
