"""What of the store is public, as SQL over `thread t` and `thread_message m`: one answer for the
archive (web_archive/source.py) and the alerts' digests (processors/alerts/). The same words are in
docs/archive.md."""
from __future__ import annotations

PUBLISHED_KINDS = ("foi", "report")  # "letter" is private: only counted, never shown
PUBLISHABLE = ("t.public = :yes AND t.hidden = :no AND t.state != 'awaiting_confirmation'"
               " AND t.kind IN ('foi', 'report')")
VISIBLE_MESSAGE = "m.hidden = :no AND m.kind != 'spam'"
FLAGS = {"yes": True, "no": False}
