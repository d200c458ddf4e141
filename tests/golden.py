"""Golden files: `make golden` (GOVSITE_UPDATE_GOLDEN=1) rewrites them after a change."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    text = text.rstrip("\n") + "\n"
    path = GOLDEN / name
    if os.environ.get("GOVSITE_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("CI") and not os.environ.get("GOVSITE_UPDATE_GOLDEN"):
            raise AssertionError(f"golden file {name} was missing; it has been written, commit it")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; `make golden` to refresh"
