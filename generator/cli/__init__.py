"""The ``govsite`` command line: contributor checks and scaffolding over the library.

:mod:`.commands` holds the click commands (each documented in the README, a test checks);
:mod:`.scaffold` writes a new site for an existing archive.
"""

from .commands import main

__all__ = ["main"]
