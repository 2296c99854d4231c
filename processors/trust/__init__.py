"""Who wrote an inbound message: one verdict per message (pass, fail, unknown) and what it allows.

- `verdict.py` judges a message from the evidence of its headers (and of our own checks);
- `evidence.py` reads Authentication-Results and Received-SPF headers;
- `verify.py` runs SPF, DKIM and DMARC itself (MAILGATE_SENDER_TRUST=verify);
- `challenge.py` holds an action until the registered address confirms it by reply.

Every kind of thread asks the same verdict through `Delivery.trust` (processors/routing.py),
and holds what it may not act on with `challenge.ask`; see docs/safety.md.
"""
