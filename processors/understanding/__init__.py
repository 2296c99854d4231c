"""Understanding real-world mail: raw bytes in; parsed, classified, quote-folded structure out.

>>> u = understand(b"From: Jo <JO@council.example>\\nSubject: Re: FOI\\n\\nYes.\\n\\nOn Mon, Ann wrote:\\n> Any?\\n")
>>> u.kind, u.from_address, u.new_text
('human', 'jo@council.example', 'Yes.')
"""
from __future__ import annotations

# A part type the lead's code may want to annotate with; an alias keeps the documented API name.
from .mime_parse import LeafPart as Part
from .model import AttachmentInfo, BounceInfo, CensorRule, Limits, Understood
from .pipeline import understand
from .redact import redact_text, redaction_matches

__all__ = [
    "understand", "redact_text", "redaction_matches", "Limits", "Understood", "Part",
    "AttachmentInfo", "BounceInfo", "CensorRule",
]
