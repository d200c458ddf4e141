"""Search records: one per page, holding the parts of the page search covers, with the
anchors its sub-results lead to."""

import re
from pathlib import Path

import pytest

from generator.publish.search import SearchPage, _index, searched_parts
from generator.render.fragments import search_marks

TAG = re.compile(rb"<(/?)([a-z0-9]+)\b[^>]*>")


def page(body: str) -> bytes:
    marks = str(search_marks({"platform": "Acme", "kind": "Substantive"}, "Acme: Terms"))
    return (
        '<html lang="en"><body><header>theme</header><div data-pagefind-body>'
        f"{marks}{body}</div><footer>theme</footer></body></html>"
    ).encode()


def test_a_page_is_searched_by_its_marked_parts_only() -> None:
    searched = searched_parts(page("<h2 id='a'>A</h2><p>Short text.</p>"))
    assert b"theme" not in searched
    assert searched.startswith(b'<!doctype html><html lang="en"><body><div data-pagefind-body>')
    assert b"Short text." in searched and b'<span data-pagefind-filter="platform">Acme' in searched


def test_headings_keep_their_anchors_and_bold_headings_become_headings() -> None:
    """Pagefind makes a sub-result of each heading with an id (a deep link into a long
    page); a web page's bold one-line clause is a heading there too. Other elements lose
    their ids, which would only add weight to each result."""
    searched = searched_parts(
        page(
            '<h2 id="text">Text</h2><p id="c1234567"><strong>Your data</strong></p>'
            '<p id="c7654321">We keep <strong>some</strong> data.</p>'
        )
    )
    assert b'<h2 id="text">Text</h2>' in searched
    assert b'<h6 id="c1234567">Your data</h6>' in searched
    assert b"<p>We keep <strong>some</strong> data.</p>" in searched


def test_a_page_url_leading_out_of_the_index_folder_is_refused(tmp_path: Path) -> None:
    # The index is made over a temporary folder of pages named by their URLs: a URL that
    # climbs out of it (a bug upstream) must not write a file elsewhere.
    escaped = tmp_path / "outside" / "index.html"
    page_leaving = SearchPage(
        url="../" * 12 + str(tmp_path / "outside") + "/", key="k", load=lambda: b"<p>x</p>"
    )
    with pytest.raises(RuntimeError, match="outside the site"):
        _index([page_leaving], tmp_path / "made", "root/")
    assert not escaped.exists()
