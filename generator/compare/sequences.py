"""The sequence matcher every comparison uses: difflib's, compiled.

``cydifflib`` is CPython's ``difflib`` compiled with Cython: the same algorithm and the same
results (a test holds it to difflib's on generated sequences), about five times faster on the
long token sequences of a rewritten policy. Where it cannot be installed, difflib itself
gives the same results, slower. The browser's compare view ports this algorithm step for
step (``templates/assets/compare.js``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typed as difflib's, whose interface it shares
    from difflib import SequenceMatcher
else:
    try:
        from cydifflib import SequenceMatcher
    except ImportError:  # same results, slower
        from difflib import SequenceMatcher

__all__ = ["SequenceMatcher"]
