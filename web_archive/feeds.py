"""Atom feeds: the whole site, each authority, each thread. Text content only, names but never addresses."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from store.public_urls import thread_path
from web_archive.pages import MESSAGE_MARKS, Site, sender_label
from web_archive.source import ThreadView
from web_archive.summary import Summary

# What XML 1.0 cannot carry at all, escaped or not: a subject holding one made the whole feed invalid.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """
    >>> xml_text("Re: \x1b[31mred\x0c")
    'Re: \ufffd[31mred\ufffd'
    """
    return _NOT_XML.sub("\ufffd", text)


@dataclass
class Entry:
    title: str
    id: str
    url: str
    updated: str
    author: str
    text: str

    def __post_init__(self) -> None:  # the text fields come from strangers' mail
        self.title, self.author, self.text = xml_text(self.title), xml_text(self.author), xml_text(self.text)


def thread_feed(site: Site, view: ThreadView) -> str:
    row = view.row
    page = site.permalink(thread_path(row.id))
    authority = site.authorities.get(row.authority_id)
    entries = [Entry(f"{MESSAGE_MARKS.get(m.kind, m.kind)}: {m.subject or row.title}",
                     f"{page}#m{m.id}", f"{page}#m{m.id}", m.arrived_at, sender_label(row, m, authority), m.body)
               for m in reversed(view.messages)]
    updated = view.messages[-1].arrived_at if view.messages else row.last_activity_at
    return _feed(site, row.title or "(untitled)", page, page + "feed.atom", page, updated, entries)


def summaries_feed(site: Site, title: str, items: Sequence[Summary], relative_folder: str) -> str:
    """A feed of threads by latest activity (for the site and for one authority)."""
    page = site.permalink(relative_folder)
    entries = []
    for s in items:
        url = site.permalink(s.url)
        authority = site.authorities.get(s.authority_id)
        state = s.state.replace("_", " ")
        entries.append(Entry(s.title or "(untitled)", url, url, s.last_activity_at,
                             authority.name if authority else "", f"{s.messages} messages; state: {state}"))
    updated = items[0].last_activity_at if items else "1970-01-01 00:00:00"
    return _feed(site, title, page, page + "feed.atom", page, updated, entries)


def _feed(site: Site, title: str, feed_id: str, self_url: str, page_url: str, updated: str, entries) -> str:
    return site.render("feed.xml", "", title=xml_text(title), feed_id=feed_id, self_url=self_url, page_url=page_url,
                       updated=updated, entries=entries)
