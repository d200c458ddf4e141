"""Every XML and HTML file the site writes parses, whatever the input (issue 19, item 5): text
with characters XML forbids (U+FFFE, U+FFFF, controls, lone surrogates) and other noncharacters
goes through the real render path, from analysis titles, platform names, archived texts and
commit messages, and every feed parses and no page holds a character XML forbids."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml
from helpers import TERMS_V1, TERMS_V2, Archive, build_site, every_page, make_site, provision_yml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

NASTY = [
    "\ufffe", "\uffff", "\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\u2028",
    "\ud800", "\udfff", "\ufdd0", "\U0001fffe", "\U0010ffff", "&", "<", ">", "]]>", "\r", "\t",
    "\u202e", "\u200b",
]  # fmt: skip
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

nasty_text = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=6)), min_size=1, max_size=8
).map("".join)


_YAML_PRINTABLE = re.compile(
    "[\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def yaml_text(value: str) -> str:
    """A double-quoted YAML scalar of ``value``: what YAML cannot hold as it is, escaped. Lone
    surrogates are left out (YAML files refuse them, with an error of their own)."""
    out = []
    for char in value:
        if "\ud800" <= char <= "\udfff":
            continue
        if char in '"\\':
            out.append("\\" + char)
        elif _YAML_PRINTABLE.match(char) and char not in "\r\n\x85\u2028\u2029":
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def archived(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a build per example: no shrinking
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=nasty_text, name=nasty_text, body=nasty_text, message=nasty_text)
def test_every_written_file_parses_whatever_the_text(
    title: str, name: str, body: str, message: str
) -> None:
    root = Path(tempfile.mkdtemp(prefix="govsite-xml-"))
    try:
        platform = (
            "name: " + yaml_text(f"Acme {name}") + "\nwebsite: https://acme.example\n"
            "documents:\n  terms:\n    title: " + yaml_text(f"Terms {name}") + "\n"
            "    source: Acme/Terms of Service.md\n    url: https://acme.example/terms\n"
            "    type: Terms of Service\n"
        )
        yaml.safe_load(platform)  # the test writes valid YAML
        config = make_site(
            root,
            platform=platform,
            texts=(TERMS_V1, TERMS_V2),
            dates=("2024-01-15", "2024-02-01"),
            provisions={
                "acme/terms/liability-cap": provision_yml(
                    title=yaml_text(f"Cap {title}"), summary=yaml_text(f"Sum {title}")
                )
            },
        )
        Archive.existing(root).commit(
            "2024-06-01",
            {"sources/Acme/Terms of Service.md": archived(TERMS_V2 + f"\nNew {body} clause.\n")},
            # A command line holds no NUL and no lone surrogate.
            "Record new changes " + re.sub("[\x00\ud800-\udfff]", "", message),
        )
        build = build_site(config)
        assert not build.diagnostics.errors, [str(d) for d in build.diagnostics.errors]
        assert build.output is not None
        for page in every_page(build):
            assert not XML_INVALID.search(page.html), page.url
            assert not XML_INVALID.search(page.title), page.url
        checked = 0
        for static in build.output.files:
            if not static.content:
                continue
            text = static.content.decode("utf-8")
            assert not XML_INVALID.search(text), static.path
            if static.path.endswith(".xml"):
                ET.fromstring(static.content)
                checked += 1
            elif static.path.endswith(".json"):
                json.loads(text)
        assert checked >= 4  # the site's, the platform's and the document's feeds
    finally:
        shutil.rmtree(root, ignore_errors=True)
