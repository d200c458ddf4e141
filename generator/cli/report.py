"""How ``govsite check`` prints its problems: for people, for GitHub Actions, or as JSON.

``text`` is ``path:line:column: field: reason [error]``, one problem a line. ``github`` is
one GitHub workflow command a problem (``::error file=...,line=...,col=...::message``), which
the Actions runner turns into annotations on the changed lines of a pull request. ``json``
is one document listing every problem, for other CI systems and editors.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..diagnostics import Diagnostic, Diagnostics, Severity

FORMATS = ("text", "github", "json")


def _label(diagnostic: Diagnostic) -> str:
    return diagnostic.severity.value


def summary(diag: Diagnostics, failed: bool) -> str:
    """The last line of a check: how many of each (notes are on the archive, never fail)."""
    errors, warnings, notes = len(diag.errors), len(diag.warnings), len(diag.notes)
    line = (
        f"{errors} error(s), {warnings} warning(s)"
        if failed
        else (f"ok: no errors, {warnings} warning(s)")
    )
    if notes:
        line += (
            f"; {notes} note(s) on the archive, for information (they never fail a check; "
            "only its maintainers can change them)"
        )
    return line


def display_path(path: str, root: Path, cwd: Path) -> str:
    """A problem's file as seen from the folder the command runs in (in CI, the
    repository's root, which is what annotations need): paths are relative to the site's
    root, which may be a sub-folder."""
    candidate = Path(path)
    if not candidate.is_absolute():
        in_site = root / candidate
        candidate = in_site if in_site.exists() or not candidate.exists() else candidate
    try:
        return Path(os.path.relpath(candidate.resolve(), cwd.resolve())).as_posix()
    except ValueError:  # another drive
        return candidate.as_posix()


def _escape_data(text: str) -> str:
    """The message of a workflow command (the runner's own escaping rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A property (file=...) of a workflow command."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(diagnostic: Diagnostic, file: str) -> str:
    """``::error file=F,line=L,col=C::field: reason``; a note on the archive is a
    ``::notice`` naming its file in the message, never as an annotation's file: the file is
    not in the site's repository."""
    origin = diagnostic.origin
    if diagnostic.severity is Severity.NOTE:
        message = f"archive {diagnostic}"
        return f"::notice title=govsite archive note::{_escape_data(message)}"
    if file.startswith("../") or file.startswith("/"):
        # A file outside the repository (the archive's, say): GitHub cannot show it on a
        # line of the pull request, so the message names it.
        message = f"{file}:{origin.line}:{origin.column}: {diagnostic.field}: {diagnostic.reason}"
        return f"::{_label(diagnostic)} title=govsite::{_escape_data(message)}"
    properties = ",".join(
        (
            f"file={_escape_property(file)}",
            f"line={origin.line}",
            f"col={origin.column}",
        )
    )
    message = f"{diagnostic.field}: {diagnostic.reason}"
    return f"::{_label(diagnostic)} {properties}::{_escape_data(message)}"


def render(diag: Diagnostics, fmt: str, root: Path, cwd: Path) -> tuple[list[str], list[str]]:
    """The lines to print: (to standard output, to standard error)."""
    problems = diag.sorted()
    errors, warnings = len(diag.errors), len(diag.warnings)
    if fmt == "github":
        lines = [github_line(d, display_path(d.origin.path, root, cwd)) for d in problems]
        return lines, [summary(diag, bool(errors or warnings))]
    if fmt == "json":
        document = {
            "errors": errors,
            "warnings": warnings,
            "notes": len(diag.notes),
            "problems": [
                {
                    "severity": _label(d),
                    "file": d.origin.path
                    if d.severity is Severity.NOTE  # a file of the archive
                    else display_path(d.origin.path, root, cwd),
                    "line": d.origin.line,
                    "column": d.origin.column,
                    "field": d.field,
                    "message": d.reason,
                }
                for d in problems
            ],
        }
        return [json.dumps(document, indent=2, ensure_ascii=False)], []
    return [], [f"{d} [{_label(d)}]" for d in problems]
