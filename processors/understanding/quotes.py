"""Separate what the sender wrote now from quoted earlier mail, signatures and disclaimers."""
from __future__ import annotations

import re

_I = re.I

_SEPARATOR = re.compile(
    r"^\s*[-_=*]{2,}\s*(original message|original e-?mail|mensaje original|message d'origine|message original"
    r"|ursprüngliche nachricht|originalnachricht|messaggio originale|mensagem original|oorspronkelijk bericht"
    r"|origineel bericht|neges wreiddiol|neges wreiddiol|reply message|original meddelelse)\s*[-_=*]{2,}\s*$", _I)
_FORWARD = re.compile(
    r"^\s*(?:[-_=*]{2,}\s*(forwarded message|message transféré|message transfere|weitergeleitete nachricht"
    r"|mensaje reenviado|messaggio inoltrato|mensagem encaminhada|mensagem reencaminhada|doorgestuurd bericht"
    r"|neges wedi'i hanfon ymlaen|forwarded by .{0,80})\s*[-_=*]{0,}"
    r"|(begin forwarded message|début du message réexpédié|debut du message reexpedie|anfang der weitergeleiteten nachricht"
    r"|inicio del mensaje reenviado|inizio messaggio inoltrato|início da mensagem reencaminhada|begin doorgestuurd bericht)\s*:)\s*$",
    _I)
_HEADER_FROM = re.compile(r"^\s*\**(from|de|von|van|da|oddi wrth|gan|od|från|fra)\s*\**\s*:\s*\**\s*\S", _I)
_HEADER_OTHER = re.compile(
    r"^\s*\**(sent|date|envoyé|envoye|gesendet|datum|enviado el|enviado|enviada|fecha|inviato|data|verzonden|verstuurd|anfonwyd"
    r"|dyddiad|to|à|a|an|aan|para|at|cc|subject|objet|betreff|asunto|oggetto|assunto|onderwerp|pwnc|reply-to"
    r"|importance|priorité|wichtigkeit)\s*\**\s*:", _I)
_SENT_OR_DATE = re.compile(
    r"^\s*\**(sent|date|envoyé|envoye|gesendet|datum|enviado el|enviado|enviada|fecha|inviato|data|verzonden|anfonwyd|dyddiad)\s*\**\s*:", _I)

_WROTE = (r"(wrote|writes|a écrit|a ecrit|schrieb|escribió|escribio|ha scritto|escreveu|schreef|heeft geschreven"
          r"|ysgrifennodd|napisał|skrev|kirjoitti)")
_WROTE_RE = re.compile(r"\b" + _WROTE + r"\b", _I)
_ATTRIBUTION_START = re.compile(r"^\s*(on|le|am|el|op|il|em|no dia|ar|w dniu|den)\s", _I)
_DATE_FIRST = re.compile(r"^\s*\d{4}[-/]\d{1,2}[-/]\d{1,2}\s.{0,150}<[^<>\s]+@[^<>\s]+>\s*:\s*$")
_LOTUS_DASHES = re.compile(r"^\s*-{3,}.{1,120}\s(wrote|a écrit|schrieb)\s*:?\s*-{3,}\s*$", _I)
_RULE = re.compile(r"^\s*([-_=*~#]\s*){8,}$")

_MOBILE = re.compile(
    r"^\s*(sent from my \w+|sent from (yahoo mail|mail for windows|outlook|my mobile|my phone).{0,40}"
    r"|get outlook for (ios|android).{0,20}|envoyé de mon \w+|envoye de mon \w+|von meinem \w+ gesendet"
    r"|enviado desde mi \w+|inviato da \w+( \w+)?|verzonden (vanaf|met) mijn \w+|enviado do meu \w+"
    r"|anfonwyd o fy \w+|sent via .{0,30}app)\s*\.?$", _I)

_DISCLAIMER = re.compile(
    r"(this (e-?mail|message|communication)( and any (files|attachments?)[^.]{0,40})? (is|are|may be|contains?)[^.]{0,60}"
    r"(confidential|privileged|intended)"
    r"|intended (solely|only|exclusively) for the (use of the )?(addressee|individual|named|person|recipient)"
    r"|if you (have received|receive|are not the intended)[^.]{0,40}(in error|recipient)"
    r"|please (notify|inform) the sender immediately|communications? (with|to)[^.]{0,60}(may|will) be (monitored|recorded)"
    r"|the views expressed in this (e-?mail|message)"
    r"|ce (message|courriel|e-?mail)[^.]{0,60}(confidentiel|strictement réservé|destiné exclusivement)"
    r"|si vous (avez reçu|n'êtes pas le destinataire)"
    r"|diese (e-?mail|nachricht)[^.]{0,80}(vertraulich|rechtlich geschützte)|wenn sie nicht der (richtige|beabsichtigte) (adressat|empfänger)"
    r"|este (mensaje|correo)[^.]{0,80}(confidencial|destinatario)|si usted no es el destinatario"
    r"|questo messaggio[^.]{0,80}(riservat|confidenzial|destinatari)"
    r"|dit (e-?mail)?bericht[^.]{0,80}(vertrouwelijk|uitsluitend bestemd)"
    r"|esta mensagem[^.]{0,80}(confidencial|destinatário)"
    r"|mae'r (neges|e-?bost)[^.]{0,80}(gyfrinachol|cyfrinachol)|dim ond ar gyfer)", _I)


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_at(lines: list[str], i: int) -> int:
    """Number of lines (1-3) forming an "On … wrote:" attribution starting at i, else 0."""
    line = lines[i]
    if not line.strip() or _is_quoted(line) or len(line) > 400:
        return 0
    if _LOTUS_DASHES.match(line) or _DATE_FIRST.match(line):
        return 1
    if _is_attribution(line):
        return 1
    if _ATTRIBUTION_START.match(line):
        joined = line
        for extra in (1, 2):
            if i + extra >= len(lines) or not lines[i + extra].strip() or _is_quoted(lines[i + extra]):
                break
            joined = joined.rstrip() + " " + lines[i + extra].strip()
            if _is_attribution(joined):
                return extra + 1
    return 0


def _is_attribution(line: str) -> bool:
    """An "On <date>, <name> wrote:" line in any of our languages (the verb may come before the name)."""
    stripped = line.strip()
    if not stripped.endswith(":") or len(stripped) > 400 or not _WROTE_RE.search(stripped):
        return False
    # Either it looks like a client's attribution (starts like one, or carries a date or an address),
    # or it is short: "Jane Smith wrote:". A sentence that merely ends in "wrote:" is not enough.
    return bool(_ATTRIBUTION_START.match(stripped) or re.search(r"\d{1,2}[:/.]\d{2}|@", stripped)
                or len(stripped.split()) <= 6)


def _header_block_at(lines: list[str], i: int) -> bool:
    if not _HEADER_FROM.match(lines[i]):
        return False
    keys = 0
    dated = False
    for j in range(i + 1, min(i + 8, len(lines))):
        ln = lines[j]
        if not ln.strip():
            continue
        if _HEADER_OTHER.match(ln):
            keys += 1
            dated = dated or bool(_SENT_OR_DATE.match(ln))
    return keys >= 2 and (dated or keys >= 3)


def _lotus_block_at(lines: list[str], i: int) -> int | None:
    """Notes 8 replies: 'Name' / 'date' / blank / 'To' / addr / 'cc' / … / 'Subject'. Returns start line."""
    if lines[i].strip() not in ("To", "Para", "An", "À", "A"):
        return None
    if not any(ln.strip() in ("Subject", "Betreff", "Objet", "Asunto", "Oggetto", "Assunto") for ln in lines[i + 1:i + 9]):
        return None
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    while j > 0 and lines[j - 1].strip():
        j -= 1
    return max(j, 0)


def _find_cut(lines: list[str]) -> int | None:
    """Index of the first line of the earliest unmarked quoted block, or None."""
    for i, line in enumerate(lines):
        if not line.strip() or _is_quoted(line):
            continue
        if _SEPARATOR.match(line) or _FORWARD.match(line):
            return _pull_up_rule(lines, i)
        if _header_block_at(lines, i):
            return _pull_up_rule(lines, i)
        lotus = _lotus_block_at(lines, i)
        if lotus is not None and lotus > 0:
            return lotus
        n = _attribution_at(lines, i)
        if n and _next_is_quoted(lines, i + n):
            if not _interleaved_after(lines, i + n):
                return i
        elif n and _strong_attribution(" ".join(lines[i:i + n])):
            # unmarked quote below a client's attribution (HTML converted without blockquote)
            return i
    return None


def _next_is_quoted(lines: list[str], start: int) -> bool:
    for line in lines[start:start + 4]:
        if line.strip():
            return _is_quoted(line)
    return False


def _strong_attribution(line: str) -> bool:
    if _LOTUS_DASHES.match(line) or _DATE_FIRST.match(line):
        return True
    return bool(_ATTRIBUTION_START.match(line) and re.search(r"\d{1,2}[:/.]\d{2}|@|\d{4}", line))


def _pull_up_rule(lines: list[str], i: int) -> int:
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and _RULE.match(lines[j]):
        return j
    return i


def _interleaved_after(lines: list[str], start: int) -> bool:
    """True when `>` quotes after an attribution are answered in between (keep them visible)."""
    saw_quote = False
    for line in lines[start:]:
        if not line.strip():
            continue
        if _is_quoted(line):
            saw_quote = True
        elif saw_quote:
            return True
        else:
            return False
    return False


def fold_quotes(body: str) -> tuple[str, str]:
    """(new_text, quoted_text) of a plain-text body.

    >>> new, old = fold_quotes("Yes, 12.\\n\\nOn Mon, 4 Mar 2024, Ann wrote:\\n> How many?")
    >>> new, old
    ('Yes, 12.', 'On Mon, 4 Mar 2024, Ann wrote:\\n> How many?')
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    folded: list[str] = []
    cut = _find_cut(lines)
    head = lines if cut is None else lines[:cut]
    tail = [] if cut is None else lines[cut:]
    head, quoted_head = _fold_marked_quotes(head)
    folded.extend(quoted_head)
    head, sig = _fold_signature(head)
    head, disclaimer = _fold_disclaimer(head)
    new_text = "\n".join(ln.rstrip() for ln in head).strip("\n")
    if not new_text.strip():
        # Nothing of the sender's own would be left: showing everything beats hiding an answer.
        return body.strip("\n"), ""
    quoted = "\n".join(folded + sig + disclaimer + tail).strip("\n")
    return new_text.strip(), quoted.strip()


def _fold_marked_quotes(lines: list[str]) -> tuple[list[str], list[str]]:
    kinds = []
    for line in lines:
        if not line.strip():
            kinds.append("B")
        elif _is_quoted(line):
            kinds.append("Q")
        else:
            kinds.append("T")
    if "Q" not in kinds:
        return lines, []
    # attribution lines directly above a quote block belong to it
    for i, k in enumerate(kinds):
        if k == "T":
            n = _attribution_at(lines, i)
            if n:
                j = i + n
                while j < len(kinds) and kinds[j] == "B":
                    j += 1
                if j < len(kinds) and kinds[j] == "Q":
                    for m in range(i, i + n):
                        kinds[m] = "A"
    text_idx = [i for i, k in enumerate(kinds) if k == "T"]
    if not text_idx:
        return lines, []
    first_t, last_t = text_idx[0], text_idx[-1]
    # quote blocks that have the sender's text after them
    answered_blocks = 0
    prev = None
    for k in kinds[: last_t + 1]:
        if k in ("Q", "A") and prev not in ("Q", "A"):
            answered_blocks += 1
        if k != "B":
            prev = k
    removed: list[str] = []
    keep = list(range(len(lines)))
    if answered_blocks == 1 and any(k in ("Q", "A") for k in kinds[:first_t]):
        # bottom-posting: a single quote on top, the answer below
        removed.extend(lines[:first_t])
        keep = [i for i in keep if i >= first_t]
    tail_start = last_t + 1
    removed.extend(lines[tail_start:])
    keep = [i for i in keep if i < tail_start]
    return [lines[i] for i in keep], removed


def _fold_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    # mobile footers at the very end
    j = end
    while j > 0 and (not lines[j - 1].strip() or _MOBILE.match(lines[j - 1])):
        j -= 1
    if j < end and any(_MOBILE.match(ln) for ln in lines[j:end]) and any(ln.strip() for ln in lines[:j]):
        tail = lines[j:]
        lines = lines[:j]
    else:
        tail = []
    for i in range(len(lines) - 1, 0, -1):
        if lines[i].rstrip() in ("--", "-- ") or lines[i] == "-- ":
            if any(ln.strip() for ln in lines[:i]) and len(lines) - i <= 30:
                return lines[:i], lines[i:] + tail
    return lines, tail


def _fold_disclaimer(lines: list[str]) -> tuple[list[str], list[str]]:
    # paragraphs from the end; a disclaimer is a tail paragraph with a typical legal phrase
    paragraphs: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate(lines + [""]):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            paragraphs.append((start, i))
            start = None
    cut = None
    for s, e in reversed(paragraphs[-4:]):
        text = " ".join(ln.strip() for ln in lines[s:e])
        if _DISCLAIMER.search(text):
            cut = s
        elif not _RULE.match(text) and not _looks_like_disclaimer_tail(text):
            break
    if cut is None or cut == paragraphs[0][0]:
        return lines, []
    j = cut - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and _RULE.match(lines[j]):
        cut = j
    return lines[:cut], lines[cut:]


def _looks_like_disclaimer_tail(text: str) -> bool:
    return bool(re.search(r"(virus|registered (in|office)|company (no|number)|www\.|disclaimer|privacy notice"
                          r"|gdpr|data protection|monitor)", text, _I)) and len(text) < 600
