"""Content-addressed file store: each distinct attachment kept once under its sha256, in one layout
that the processors write and the archive reads."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:]


def put_blob(root: Path, data: bytes) -> str:
    sha256 = hashlib.sha256(data).hexdigest()
    path = blob_path(root, sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".tmp{os.getpid()}")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    return sha256


def get_blob(root: Path, sha256: str) -> bytes:
    return blob_path(root, sha256).read_bytes()
