"""Citation metadata in the built pages, read as reference managers read it.

:func:`zotero_item` follows the rules of Zotero's "Embedded Metadata" translator for Highwire
Press tags (re-stated here, not copied): the item type is *report* when a
``citation_technical_report_institution`` tag is present (``journalArticle`` is only the
guess for a bare ``citation_title``); each mapped field takes the first ``meta`` whose
name *ends with* the tag's name; authors come from every ``citation_author`` tag (a single
tag is split at semicolons, and at commas when both sides have a space), each split into
first and last name at its last space unless it has a comma ("Last, First").
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import build_into, make_site, provision_yml

from generator.render.citemeta import script_json, wayback_url

# Highwire tag -> Zotero field, as the translator maps them (those govsite could write).
HIGHWIRE_FIELDS = {
    "citation_title": "title",
    "citation_publication_date": "date",
    "citation_date": "date",
    "citation_journal_title": "publicationTitle",
    "citation_technical_report_institution": "institution",
    "citation_technical_report_number": "number",
    "citation_publisher": "publisher",
    "citation_abstract": "abstractNote",
    "citation_public_url": "url",
    "citation_language": "language",
}
TYPE_TAGS = {
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}


class Head(HTMLParser):
    """The ``meta`` tags and JSON-LD blocks of a page's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "head":
            self._in_head = True
        if tag == "meta" and self._in_head and values.get("name") and values.get("content"):
            self.meta.append((values["name"] or "", values["content"] or ""))
        if tag == "script" and values.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data


def read_head(html: str) -> Head:
    head = Head()
    head.feed(html)
    return head


def _trim(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _clean_author(name: str) -> dict[str, str]:
    name = _trim(name).strip(" ,")
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
        return {"firstName": first, "lastName": last}
    if " " not in name:
        return {"firstName": "", "lastName": name}
    first, last = name.rsplit(" ", 1)
    return {"firstName": first, "lastName": last}


def zotero_item(meta: list[tuple[str, str]]) -> dict[str, Any]:
    """The item Zotero's Embedded Metadata translator makes from these Highwire tags."""
    item: dict[str, Any] = {}
    for name, _ in meta:
        short = name[name.rfind("citation_") :] if "citation_" in name else name
        if short in TYPE_TAGS:
            item["itemType"] = TYPE_TAGS[short]
        elif short in ("citation_title", "citation_series_title"):
            item.setdefault("guess", "journalArticle")
    item["itemType"] = item.get("itemType") or item.pop("guess", "webpage")
    item.pop("guess", None)
    for tag, field in HIGHWIRE_FIELDS.items():
        found = next((value for name, value in meta if name.endswith(tag)), None)
        if found and found.strip():
            item[field] = _trim(found)
    nodes = [value for name, value in meta if name.endswith("citation_author")]
    creators = []
    for value in nodes:
        names = re.split(r"\s*;\s*", value)
        if len(names) == 1 and len(nodes) == 1:
            by_comma = re.split(r"\s*,\s*", names[0])
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1]:
                names = by_comma
        creators += [_clean_author(n) for n in names if re.search(r"[^\s,\-.;]", n)]
    item["creators"] = creators
    return item


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cite")
    provision = provision_yml(
        authors="\n  - Ada Lovelace\n  - Doe, Jane\n  - 'Acme Watch; Legal team'",
        title="Liability </script><script>alert('pwn')</script> & \"cap\"",
    )
    make_site(root, provisions={"acme/terms/liability-cap": provision})
    return build_into(root, root / "site")


def test_zotero_reads_a_provision_page_as_a_report(site: Path) -> None:
    head = read_head((site / "acme/terms/liability-cap/index.html").read_text())
    item = zotero_item(head.meta)
    assert item["itemType"] == "report"
    assert item["title"] == "Liability </script><script>alert('pwn')</script> & \"cap\""
    assert item["creators"] == [
        {"firstName": "Ada", "lastName": "Lovelace"},
        {"firstName": "Jane", "lastName": "Doe"},
        # A semicolon would split one author in two: it is written as a comma.
        {"firstName": "Legal team", "lastName": "Acme Watch"},
    ]
    assert item["date"] == "2024/03/01"
    assert item["url"] == "https://test.example/acme/terms/liability-cap/"
    assert item["institution"] == "Test site"
    assert item["abstractNote"] == "A low cap."
    assert item["language"] == "en"


def test_zotero_reads_a_version_page_with_the_platform_as_author(site: Path) -> None:
    head = read_head((site / "acme/terms/2024-02-01/index.html").read_text())
    item = zotero_item(head.meta)
    assert item["itemType"] == "report"
    assert item["title"] == "Terms of Service"
    assert item["creators"] == [{"firstName": "", "lastName": "Acme"}]
    assert item["date"] == "2024/02/01"
    assert item["url"] == "https://test.example/acme/terms/2024-02-01/"
    assert item["institution"] == "Test site"


def test_json_ld_describes_the_version_and_the_analysis(site: Path) -> None:
    version = read_head((site / "acme/terms/2024-02-01/index.html").read_text())
    [text] = version.json_ld
    data = json.loads(text)
    assert data["@type"] == "DigitalDocument"
    assert data["author"] == {"@type": "Organization", "name": "Acme"}
    assert data["datePublished"] == "2024-02-01T12:00:00Z"
    assert data["version"] == "2024-02-01"
    assert data["url"] == data["@id"] == "https://test.example/acme/terms/2024-02-01/"
    assert data["isBasedOn"] == "https://acme.example/terms"
    assert data["archivedAt"] == (
        "https://web.archive.org/web/20240201120000/https://acme.example/terms"
    )
    provision = read_head((site / "acme/terms/liability-cap/index.html").read_text())
    [text] = provision.json_ld
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data["@type"] == "Report"
    assert data["name"] == "Liability </script><script>alert('pwn')</script> & \"cap\""
    assert data["about"]["url"] == "https://test.example/acme/terms/2024-02-01/"
    assert data["about"]["author"]["name"] == "Acme"


def test_cite_panel_links_the_wayback_capture_of_the_version_date(site: Path) -> None:
    html = (site / "acme/terms/2024-02-01/index.html").read_text()
    assert (
        '<a href="https://web.archive.org/web/20240201120000/https://acme.example/terms" '
        'rel="nofollow noopener noreferrer">Wayback Machine, capture nearest to 2024-02-01</a>'
    ) in html
    # One format open, the others a click away.
    assert html.count('<details class="govsite-citation" name="govsite-cite"') == 5
    assert html.count('name="govsite-cite" data-cite-format="bluebook" open>') == 1
    assert html.count(" open>") == 1


def test_script_json_cannot_close_its_element() -> None:
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_wayback_url_uses_the_utc_time_of_the_version() -> None:
    import datetime as dt

    when = dt.datetime(2024, 9, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    assert wayback_url("https://x.example/t?a=1", when) == (
        "https://web.archive.org/web/20241001013000/https://x.example/t?a=1"
    )
