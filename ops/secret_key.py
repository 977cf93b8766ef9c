"""The secret key of a machine that was given none: made once, kept in var/, never committed."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_secret_key(path: Path) -> str:
    """Read the key in `path`, writing a new random one first if there is none.

    Safe when several processes start at once (web, worker and beat under `make prod-up`): the
    key is written to a private temporary file and linked into place, so exactly one key wins
    and everyone reads that one.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    return path.read_text().strip()
