"""Hostile text in archives and YAML never becomes live markup on a built page."""

from html.parser import HTMLParser
from pathlib import Path

from helpers import build_into, make_site, provision_yml

PAYLOADS = [
    "<script>alert('pwn1')</script>",
    '<img src=x onerror="pwn2()">',
    "[click](javascript:pwn3())",
    '<a href="javascript:pwn4()">x</a>',
    "<iframe src=https://evil.example/pwn5></iframe>",
    "<svg onload=pwn6()><circle/></svg>",
    "[x](JaVaScRiPt:pwn7)",
    "[y](  data:text/html;base64,cHduOA==)",
    "<style>body{background:url(pwn9)}</style>",
    "![pic](https://tracker.example/pwn10.png)",
    "<https://ok.example/> and <javascript:pwn11()>",
    "[z](vbscript:pwn12)",
    "\u202egnp.exe\u202c and zero\u200bwidth",
]
HOSTILE = "\n\n".join(PAYLOADS)
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "style", "img", "form"}


class LiveMarkup(HTMLParser):
    """Finds markup that a payload could have made live."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # JSON-LD is data, never run (tests/test_citation_meta.py checks it stays inside
        # its element and parses back to the text).
        json_ld = tag == "script" and ("type", "application/ld+json") in attrs
        self.stack.append("json-ld" if json_ld else tag)
        for name, value in attrs:
            value = value or ""
            if "pwn" in value and (name.startswith("on") or tag in DANGEROUS_TAGS):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                BAD_SCHEMES
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "src" and "tracker.example" in value:
                self.found.append(f"<{tag} src={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in DANGEROUS_TAGS and "pwn" in data:
            self.found.append(f"<{self.stack[-1]}> holding {data[:40]!r}")


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    return parser.found


def test_checker_detects_live_payloads() -> None:
    # The detector itself must catch each kind, or the tests below would prove nothing.
    raw = "".join(
        [PAYLOADS[0], PAYLOADS[1], '<a href="javascript:pwn4()">', PAYLOADS[5], PAYLOADS[8]]
    )
    assert len(live_markup(raw)) == 5


def build_hostile_site(tmp_path: Path) -> Path:
    terms = f"# Terms\n\n{HOSTILE}\n\nOur liability is limited to 100 dollars.\n"
    hostile_yaml = HOSTILE.replace("'", "''").replace("\n\n", " ")
    provision = provision_yml(
        analyzed="2024-01-15",
        title=f"Cap {hostile_yaml}",
        summary=hostile_yaml,
        interpretation=hostile_yaml,
        for_users=hostile_yaml,
        contracts=hostile_yaml,
        compliance=hostile_yaml,
        exposure=f"\n  level: high\n  rationale: '{hostile_yaml}'",
        affected=f"\n  - who: '{hostile_yaml}'\n    impact: '{hostile_yaml}'",
        authors=f"\n  - '{hostile_yaml}'",
    )
    make_site(
        tmp_path,
        texts=(terms,),
        dates=("2024-01-15",),
        provisions={"acme/terms/liability-cap": provision},
        platform=(
            'name: "Acme <script>pwn13()</script>"\nwebsite: https://acme.example\n'
            f"description: '{hostile_yaml}'\ndocuments:\n  terms:\n"
            '    title: "Terms <img src=x onerror=pwn14()>"\n'
            "    source: Acme/Terms of Service.md\n    url: https://acme.example/terms\n"
            "    type: Terms\n"
        ),
    )
    return build_into(tmp_path, tmp_path / "site")


def test_hostile_archive_text_and_yaml_stay_inert(tmp_path: Path) -> None:
    site = build_hostile_site(tmp_path)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert live_markup(html) == [], page
        assert "\u202e" not in html and "\u200b" not in html, page
    document = (site / "acme/terms/index.html").read_text(encoding="utf-8")
    provision = (site / "acme/terms/liability-cap/index.html").read_text(encoding="utf-8")
    # The payloads are still shown to readers, as text.
    assert "&lt;script&gt;alert('pwn1')&lt;/script&gt;" in document
    assert "&lt;script&gt;" in provision
    assert 'href="https://ok.example/"' in document
    assert "[image: pic]" in document


def test_hostile_text_in_a_change_list_stays_inert(tmp_path: Path) -> None:
    """Each part of a version's list of changes (section headings, changed, added and
    removed clauses, link texts and targets) shows hostile text as text."""
    before = (
        "# Terms\n\n## Fees <script>pwn20()</script>\n\nWe charge 5 dollars a month.\n\n"
        'See [the "fees" & rules](https://acme.example/a?x="1"&y=2).\n\n'
        "<iframe>pwn22</iframe> goes away.\n\nOur liability is limited to 100 dollars.\n"
    )
    after = (
        "# Terms\n\n## Fees <script>pwn20()</script>\n\nWe charge 9 dollars <script>pwn23()"
        "</script> a month.\n\n"
        'See [the "fees" & rules](https://acme.example/b?x="2"&y=3).\n\n'
        f"{HOSTILE}\n\nOur liability is limited to 100 dollars.\n"
    )
    make_site(tmp_path, texts=(before, after), dates=("2024-01-15", "2024-02-01"))
    site = build_into(tmp_path, tmp_path / "site")
    pages = [p for p in (site / "acme/terms").rglob("*.html") if "govsite-changes" in p.read_text()]
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    assert live_markup(html) == []
    changes = html[html.index('<div class="govsite-changes">') :]
    assert 'id="changes-1">Fees &lt;script&gt;pwn20()&lt;/script&gt;</h3>' in changes
    assert "&lt;script&gt;pwn23()" in changes  # a word diff
    assert "<ins>&lt;script&gt;alert(&#39;pwn1&#39;)&lt;/script&gt;" in changes  # added
    assert "<del>&lt;iframe&gt;pwn22&lt;/iframe&gt; goes away.</del>" in changes  # removed
    links = changes[changes.index('<ul class="govsite-link-changes">') :]
    assert "Link “the &#34;fees&#34; &amp; rules”" in links  # a link's text and targets
    assert "https://acme.example/b?x=%222%22&amp;y=3</span>" in links
    assert "\u202e" not in changes and "\u200b" not in changes
