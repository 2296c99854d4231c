"""The running budget of one message: time, parts, attachment bytes and text chars left."""
from __future__ import annotations

import time

from .model import Limits


class Budget:
    """Counts what one `understand` call has used against its `Limits`.

    >>> b = Budget(Limits(max_parts=1))
    >>> b.take_part(), b.take_part()
    (True, False)
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.parts = 0
        self.parts_refused = 0
        self.attachment_bytes = 0
        self.text_chars = 0
        self.notes: list[str] = []

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    def take_part(self) -> bool:
        self.parts += 1
        if self.parts > self.limits.max_parts:
            self.parts_refused += 1
            return False
        return True

    def take_bytes(self, n: int) -> bool:
        if self.attachment_bytes + n > self.limits.max_total_attachment_bytes:
            return False
        self.attachment_bytes += n
        return True

    def text_room(self) -> int:
        return max(0, self.limits.max_extracted_text_chars - self.text_chars)

    def take_text(self, text: str) -> tuple[str, bool]:
        """Clip `text` to what is left of the text budget; True if it was clipped."""
        room = self.text_room()
        if len(text) <= room:
            self.text_chars += len(text)
            return text, False
        self.text_chars += room
        return text[:room], True

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)
