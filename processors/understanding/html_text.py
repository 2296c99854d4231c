"""Turn (possibly hostile, possibly broken) HTML mail into readable plain text."""
from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

warnings.filterwarnings("ignore", module="bs4")

_SKIP = {"script", "style", "head", "title", "meta", "link", "noscript", "template", "svg", "object", "iframe"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "table", "tr", "pre",
    "address", "center", "fieldset", "figure", "hr", "body", "html", "tbody", "thead", "tfoot",
}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "blockquote", "dl", "hr"}
_QUOTE_CLASSES = ("yahoo_quoted",)  # Gmail/Apple/Thunderbird quote with <blockquote>
_MAX_DEPTH = 150


class _Writer:
    """Accumulates text with paragraph and line breaks collapsed."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.pending_breaks = 0

    def text(self, s: str) -> None:
        if not s:
            return
        if self.pending_breaks:
            self.out.append("\n" * self.pending_breaks)
            self.pending_breaks = 0
        self.out.append(s)

    def br(self, n: int = 1) -> None:
        if self.out:
            self.pending_breaks = max(self.pending_breaks, n)

    def force_br(self) -> None:
        # <br><br> is how many clients make paragraphs: count each one
        if self.out:
            self.pending_breaks = min(self.pending_breaks + 1, 2) if self.pending_breaks else 1

    def value(self) -> str:
        return "".join(self.out)


def _inline(s: str) -> str:
    return re.sub(r"[ \t\r\n\f\u00a0\u200b]+", " ", s)


def _render(node: Tag, w: _Writer, depth: int, pre: bool = False) -> None:
    if depth > _MAX_DEPTH:
        w.text(_inline(node.get_text(" ")))
        return
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            s = str(child)
            if pre:
                w.text(s)
            else:
                s = _inline(s)
                if s.strip() or (w.out and not w.out[-1].endswith((" ", "\n"))):
                    if not w.out or w.out[-1].endswith("\n") or w.pending_breaks:
                        s = s.lstrip()
                    w.text(s)
            continue
        if not isinstance(child, Tag):
            continue
        name = (child.name or "").lower()
        if name in _SKIP:
            continue
        style = (child.get("style") or "").replace(" ", "").lower() if child.attrs else ""
        if "display:none" in style:
            continue
        if name == "br":
            w.force_br()
            continue
        if name == "li":
            w.br()
            w.text("- ")
            _render(child, w, depth + 1, pre)
            w.br()
            continue
        if name == "a":
            _render_link(child, w, depth)
            continue
        if name == "img":
            alt = (child.get("alt") or "").strip()
            if alt:
                w.text(f"[{_inline(alt)}]")
            continue
        if name == "blockquote" or (name == "div" and _is_quote_div(child)):
            _render_quote(child, w, depth)
            continue
        if name in ("td", "th"):
            if child.find_previous_sibling(["td", "th"]) is not None:
                w.text(" | ")
            _render(child, w, depth + 1, pre)
            continue
        if name == "tr":
            w.br()
            _render(child, w, depth + 1, pre)
            w.br()
            continue
        if name in _PARAGRAPH:
            w.br(2)
            _render(child, w, depth + 1, pre or name == "pre")
            w.br(2)
        elif name in _BLOCK:
            w.br()
            _render(child, w, depth + 1, pre)
            w.br()
        else:
            _render(child, w, depth + 1, pre)


def _is_quote_div(tag: Tag) -> bool:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    return any(c in _QUOTE_CLASSES for c in classes)


def _render_link(a: Tag, w: _Writer, depth: int) -> None:
    href = (a.get("href") or "").strip()
    inner = _Writer()
    _render(a, inner, depth + 1)
    label = inner.value().strip()
    if href.lower().startswith("mailto:"):
        addr = href[7:].split("?", 1)[0]
        w.text(label if addr.lower() in label.lower() or not addr else f"{label} <{addr}>" if label else addr)
    elif href.lower().startswith(("http://", "https://")):
        if not label:
            w.text(href)
        elif label.rstrip("/") == href.rstrip("/") or label in href:
            w.text(label if "://" in label else href)
        else:
            w.text(f"{label} <{href}>")
    else:
        w.text(label)


def _render_quote(tag: Tag, w: _Writer, depth: int) -> None:
    inner = _Writer()
    _render(tag, inner, depth + 1)
    text = inner.value().strip("\n")
    if not text.strip():
        return
    w.br()
    lines = [("> " + ln if ln.strip() else ">") for ln in text.split("\n")]
    w.text("\n".join(lines))
    w.br()


def html_to_text(html: str) -> str:
    """Readable text from HTML: paragraphs, "- " bullets, "text <url>" links, "a | b" table rows.

    >>> print(html_to_text("<p>Dear <b>Sir</b>,</p><ul><li>one</li><li>two</li></ul>"
    ...                    "<p>See <a href='https://x.example/r'>the report</a>.</p>"))
    Dear Sir,
    <BLANKLINE>
    - one
    - two
    <BLANKLINE>
    See the report <https://x.example/r>.
    """
    try:
        soup = BeautifulSoup(html, "lxml")
    except Exception:  # noqa: BLE001
        soup = BeautifulSoup(html, "html.parser")
    w = _Writer()
    _render(soup, w, 0)
    text = w.value()
    lines = [ln.rstrip() for ln in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
