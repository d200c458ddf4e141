"""Search records: a long page is split into records small enough for one query's budget,
keeping every word, its filters and its title."""

import re

from generator.publish.search import PART_BYTES, searched_parts, split_for_search
from generator.render.fragments import search_marks

TAG = re.compile(rb"<(/?)([a-z0-9]+)\b[^>]*>")


def page(body: str) -> bytes:
    marks = str(search_marks({"platform": "Acme", "kind": "Substantive"}, "Acme: Terms"))
    return (
        '<html lang="en"><body><header>theme</header><div data-pagefind-body>'
        f"{marks}{body}</div></body></html>"
    ).encode()


def words(html: bytes) -> list[bytes]:
    text = re.sub(rb"<div hidden data-pagefind-ignore>.*?</div>", b" ", html, flags=re.S)
    return TAG.sub(b" ", re.sub(rb"<!doctype html>", b" ", text)).split()


def balanced(html: bytes) -> bool:
    open_tags: list[bytes] = []
    for tag in TAG.finditer(html):
        name = tag.group(2)
        if name in (b"br", b"hr", b"img", b"meta"):
            continue
        if tag.group(1):
            if not open_tags or open_tags.pop() != name:
                return False
        else:
            open_tags.append(name)
    return not open_tags


def test_a_short_page_is_one_record() -> None:
    searched = searched_parts(page("<h2 id='a'>A</h2><p>Short text.</p>"))
    assert split_for_search("acme/terms/", searched) == [("acme/terms/", searched)]


def test_a_long_page_is_split_between_elements_keeping_every_word() -> None:
    sections = "".join(
        f'<details open><summary>Section {s}</summary><h3 id="s{s}">Heading {s}</h3>'
        + "".join(
            f"<p>Clause {s}.{c} says <ins>word{s}x{c}</ins> " + "text " * 60 + "</p>"
            for c in range(40)
        )
        + "</details>"
        for s in range(12)
    )
    searched = searched_parts(page(f"<h2 id='changes'>What changed</h2>{sections}"))
    records = split_for_search("acme/terms/2024-02-01/", searched)
    assert len(records) >= 3
    assert [url for url, _ in records[:3]] == [
        "acme/terms/2024-02-01/",
        "acme/terms/2024-02-01/_part-2/",
        "acme/terms/2024-02-01/_part-3/",
    ]
    assert [w for _, html in records for w in words(html)] == words(searched)
    for number, (_, html) in enumerate(records, start=1):
        assert balanced(html), html[:200]
        assert len(html) < PART_BYTES + 1000  # a record, its filters and title
        assert b'<span data-pagefind-filter="platform">Acme</span>' in html
        title = b"Acme: Terms" if number == 1 else b"Acme: Terms (continued)"
        assert b'<p data-pagefind-meta="title">' + title + b"</p>" in html
