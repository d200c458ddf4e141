"""The hand-written pages ``govsite init`` starts a site with, for its owners to edit: about,
methodology (with the analyses' disclaimer) and contribute pages, the site repository's
README and the licence of the analyses.

Values from the archive (its collection's title, licence, attribution) are untrusted text:
they go into Markdown through :func:`markdown_literal` only.
"""

from __future__ import annotations

import html
import re

from ..untrusted import clean_text
from .collection import Collection


def markdown_literal(text: str) -> str:
    """Untrusted text, on one line, as Markdown that shows exactly that text in running
    text: HTML escaped, and the characters inline Markdown reads as markup escaped."""
    text = html.escape(" ".join(clean_text(text).split()), quote=False)
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)


def _source(collection: Collection) -> str:
    if collection.title:
        return f"the archive *{markdown_literal(collection.title)}*"
    return "an archive of the platforms' texts kept in git"


def _texts_licence(collection: Collection) -> str:
    parts = []
    if collection.licence:
        parts.append(
            f"The archived texts come from {_source(collection)}, published under "
            f"{markdown_literal(collection.licence)}."
        )
    if collection.attribution:
        parts.append(f"Attribution: {markdown_literal(collection.attribution)}.")
    return " ".join(parts)


def site_pages(
    site_name: str,
    collection: Collection,
    licence_name: str,
    licence_url: str,
    disclaimer: str,
) -> dict[str, str]:
    """``about.md``, ``methodology.md`` and ``contribute.md`` of ``content/pages/``."""
    name = markdown_literal(site_name)
    about = [
        "# About",
        "",
        f"{name} publishes governance reports on the policies of online platforms: every "
        f"recorded version of their terms and policies, taken from {_source(collection)}, "
        "what changed between versions, and analyses of their provisions written by "
        "contributors.",
        "",
        "<!-- Say here who runs the site, how to reach them, and who funds it. -->",
        "",
        "## Licences",
        "",
        f"The analyses are published under [{licence_name}]({licence_url}).",
    ]
    texts = _texts_licence(collection)
    if texts:
        about += ["", texts]
    about += [
        "",
        "The site is made with [govsite](https://pypi.org/project/govsite/), mkdocs and "
        "mkdocs-material.",
    ]
    methodology = [
        "# Methodology",
        "",
        "## The archive",
        "",
        f"The texts come from {_source(collection)}: a git repository with one file per "
        "document. Each commit that changes a file records a new version of that document. "
        "Versions are listed in the order the archive recorded them; each carries the date "
        "the archive gave it (UTC), which is also its permanent address. When the archive "
        "dated a record earlier than the one before it, its page says so.",
        "",
        "## What changed",
        "",
        "Each version is compared with the one before it, clause by clause and word by word "
        "inside changed clauses, and sorted into a [kind of change](kinds/index.md): "
        "substantive, editorial, dates only, links only, formatting, technical "
        "re-extraction, first record, removal or restoration.",
        "",
        "## Analyses",
        "",
        "Each analysis covers one clause: its author quotes it verbatim from a named version "
        "and says what it means, whom it affects, how exposed its readers are, and which "
        "regulations and jurisdictions it touches. Every quote is checked against every "
        "version of its document, so an analysis whose clause changed since is flagged.",
        "",
        "## Disclaimer",
        "",
        disclaimer,
    ]
    contribute = [
        "# Contribute",
        "",
        "Analyses are YAML files in the site's repository, one per clause, under "
        "`content/provisions/<platform>/<document>/`. To add one:",
        "",
        "1. Install the tools once: `python -m pip install -r requirements.txt`.",
        "2. Write a file ready to fill: `govsite new <platform>/<document>/<short-name>` "
        "(it lists the platforms and documents when a name is wrong).",
        "3. Replace every `TODO` in it; quote the clause exactly as the archived text says it.",
        "4. Run `govsite check`: it names every problem with its file, line and field, and "
        "says how to fix it.",
        "5. Preview the site with `mkdocs serve`, then open a pull request. The same check "
        "runs on it, and its problems show on the lines they concern.",
        "",
        f"By contributing you agree that your analyses are published under "
        f"[{licence_name}]({licence_url}).",
    ]
    return {
        "about.md": "\n".join(about) + "\n",
        "methodology.md": "\n".join(methodology) + "\n",
        "contribute.md": "\n".join(contribute) + "\n",
    }


def readme(
    site_name: str, site_url: str, collection: Collection, archive_url: str, archive_path: str
) -> str:
    """The site repository's README: what it is, and how to work on it."""
    title = " ".join(clean_text(site_name).split())
    lines = [
        f"# {title}",
        "",
        "Governance reports on platform policies, built with govsite from "
        + (f"*{markdown_literal(collection.title)}*" if collection.title else "a git archive")
        + (f" and published at <{site_url}>." if site_url else "."),
        "",
        "## Work on it",
        "",
        "```sh",
        "python -m venv .venv && .venv/bin/python -m pip install -r requirements.txt",
    ]
    if archive_url and archive_path.startswith("../"):
        lines.append(f"git clone {archive_url} {archive_path}   # the archive, whole")
    lines += [
        ".venv/bin/govsite check     # every problem in the analyses, with file and line",
        ".venv/bin/mkdocs serve      # preview at http://127.0.0.1:8000/",
        "```",
        "",
        "- `content/platforms/`: the platforms and their documents (found in the archive).",
        "- `content/provisions/`: the analyses, one YAML file per clause "
        "(`govsite new platform/document/name` starts one).",
        "- `content/topics.yml`, `regulations.yml`, `jurisdictions.yml`: what analyses refer to.",
        "- `content/pages/`: the hand-written pages (home, about, methodology, contribute).",
        "- `versions.lock`: the permanent address of every published version; builds add "
        "to it. Commit it, never edit it.",
        "- `.github/workflows/govsite.yml`: checks pull requests, and builds and publishes "
        "the site on GitHub Pages (Settings > Pages > Source: GitHub Actions).",
        "",
        "## Licences",
        "",
        "The analyses: see `LICENSE-analyses.md`.",
    ]
    texts = _texts_licence(collection)
    if texts:
        lines += ["", texts]
    return "\n".join(lines) + "\n"


def analyses_licence(
    site_name: str, licence_name: str, licence_url: str, collection: Collection
) -> str:
    """``LICENSE-analyses.md``: the licence of what contributors write here."""
    lines = [
        "# Licence of the analyses",
        "",
        f"The analyses and pages written for {markdown_literal(site_name)} (everything under "
        f"`content/`) are published under the {licence_name} licence: <{licence_url}>.",
        "",
        "The archived texts they quote are not covered by this licence.",
    ]
    texts = _texts_licence(collection)
    if texts:
        lines += ["", texts]
    return "\n".join(lines) + "\n"
