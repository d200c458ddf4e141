"""Property tests: generated YAML documents, commit messages and file names go through
``govsite check`` and a build. There is never a traceback, every problem names its file and a
line inside it, and the exit code says whether there were errors."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from helpers import TERMS_V3, Archive, build_site, git, make_site, mkdocs, provision_yml, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import untrusted
from generator.cli import main
from generator.config import SiteConfig

REPORT_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>[0-9]+):(?P<column>[0-9]+): (?P<field>.+?): (?P<reason>.+) "
    r"\[(?P<severity>error|warning|note)\]$",
    re.DOTALL,
)
TARGETS = (
    "content/provisions/acme/terms/liability-cap.yml",
    "content/platforms/acme.yml",
    "content/topics.yml",
    "content/retired.yml",
    "content/changes/acme/terms/2024-02-01.yml",
    "mkdocs.yml",
)


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One valid small site, made once for the module."""
    site = tmp_path_factory.mktemp("template") / "site"
    make_site(site)
    return site


@contextmanager
def fresh_site(template: Path) -> Iterator[Path]:
    """A copy of the template site, in its own folder."""
    with tempfile.TemporaryDirectory(prefix="govsite-prop-") as folder:
        site = Path(folder) / "site"
        shutil.copytree(template, site, symlinks=True)
        yield site


def check(site: Path, *args: str) -> tuple[int, list[str]]:
    """``govsite check``: exit code and report lines; a traceback fails the test."""
    code, output = run_cli(site, "check", *args)
    return code, output.splitlines()


def assert_well_reported(site: Path, code: int, output: list[str]) -> None:
    """Every problem names a file of the site and a line inside it; the exit code is 1
    exactly when there is an error."""
    *problems, summary = output
    errors = 0
    joined: list[str] = []
    for line in problems:  # a reason may hold a newline of the input (repr escapes most)
        if joined and not REPORT_LINE.match(joined[-1]):
            joined[-1] += "\n" + line
        else:
            joined.append(line)
    for line in joined:
        match = REPORT_LINE.match(line)
        assert match is not None, f"not path:line:column: field: reason: {line!r}"
        path = site / match["path"]
        if match["path"] not in ("mkdocs.yml", "versions.lock") and not path.exists():
            # An archived file (named relative to the archive folder).
            path = site / "sources" / match["path"]
        if path.is_file() and not path.is_symlink():
            lines = path.read_bytes().count(b"\n") + 1
            assert 1 <= int(match["line"]) <= lines, line
        errors += match["severity"] == "error"
    if errors:
        assert code == 1 and summary.startswith(f"{errors} error(s)"), (code, output)
    else:
        assert code == 0 and summary.startswith("ok: no errors"), (code, output)


# Generated YAML: plain data dumped as YAML, then cut, spliced with YAML's own syntax, or
# replaced by arbitrary text and bytes.

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["2024-02-01", "٢٠٢٤-٠٢-٠١", "2024-02-30", "https://a.example/ x", "=1+1"]),
)
DATA: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=12), inner, max_size=4),
    ),
    max_leaves=20,
)
TOKENS = st.sampled_from(
    ["&a ", "*a", "&a [*a]", "!!python/object/apply:os.system ", "!!set ", "!!binary ", "<<: ",
     "[", "]", "{", "}", ": ", "- ", "? ", '"', "'", "\t", "\n", "%YAML 1.1\n", "---\n", "...\n",
     "|\n", ">-\n", "#", "\x00", "\x1b", "\ufeff", "\u202e", "\r", "\\", "@", "`"]
)  # fmt: skip


@st.composite
def yaml_documents(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["data", "spliced", "provision", "text", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "text":
        return draw(st.text(max_size=400)).encode("utf-8", "surrogatepass")
    if kind == "provision":
        base = provision_yml()
        field = draw(st.sampled_from([line.split(":")[0] for line in base.splitlines()]))
        value = yaml.safe_dump(draw(DATA), allow_unicode=True).strip()
        lines = [
            f"{field}: {value}" if line.startswith(f"{field}:") else line
            for line in base.splitlines()
        ]
        text = "\n".join(lines) + "\n"
    else:
        text = yaml.safe_dump(draw(DATA), allow_unicode=True)
    if kind == "spliced" or draw(st.booleans()):
        for token in draw(st.lists(TOKENS, max_size=6)):
            where = draw(st.integers(0, len(text)))
            text = text[:where] + token + text[where:]
    return text.encode("utf-8", "surrogatepass")


@examples(60)
@given(st.sampled_from(TARGETS), yaml_documents())
def test_generated_yaml_is_always_reported_well(
    template: Path, target: str, document: bytes
) -> None:
    with fresh_site(template) as site:
        path = site / target
        path.parent.mkdir(parents=True, exist_ok=True)
        if target == "mkdocs.yml":
            path.write_bytes(path.read_bytes() + document)
        else:
            path.write_bytes(document)
        code, output = check(site)
        assert_well_reported(site, code, output)
        if code == 0 and target != "mkdocs.yml":  # accepted: it must also render
            config = SiteConfig.from_options(site, {}, site_name="T", site_url="https://t.example/")
            build = build_site(config)
            assert build.output is not None and not build.diagnostics.errors


# Generated commit messages and file names in the archive.

MESSAGES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=200,
)


@examples(20)
@given(st.lists(MESSAGES, min_size=1, max_size=3))
def test_commit_messages_are_only_ever_messages(template: Path, messages: list[str]) -> None:
    with fresh_site(template) as site:
        text = TERMS_V3
        for index, message in enumerate(messages):
            text += f"\nClause {index}.\n"
            (site / "sources/Acme/Terms of Service.md").write_text(text)
            git(site, "add", "-A")
            git(
                site,
                "commit",
                "-q",
                "--allow-empty-message",
                "--cleanup=verbatim",
                "-m",
                message,
                date=f"2024-07-{index + 1:02d}T12:00:00+00:00",
            )
        code, output = check(site)
        assert_well_reported(site, code, output)
        assert code == 0, output
        config = SiteConfig.from_options(site, {}, site_name="Test", site_url="https://t.example/")
        build = build_site(config, record=True)
        versions = build.histories.documents["acme/terms"].versions
        assert [v.date.strftime("%Y-%m-%d") for v in versions[3:]] == [
            f"2024-07-{index + 1:02d}" for index in range(len(messages))
        ]
        assert [v.message for v in versions[3:]] == [m.strip() for m in messages]
        lock = (site / "versions.lock").read_text().splitlines()
        assert len(lock) == 2 + 3 + len(messages)


NAME_CHARACTERS = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\x00/"
) | st.sampled_from(["\u200b", "\u202e", "\n", "\t", " ", ".", "-", "\x1e", "\x1f", ":"])
NAMES = st.one_of(
    st.text(alphabet=NAME_CHARACTERS, min_size=1, max_size=40).filter(
        lambda n: n not in (".", "..") and len(n.encode()) < 200
    ),
    st.binary(min_size=1, max_size=30)
    .filter(lambda b: b"\x00" not in b and b"/" not in b and b not in (b".", b".."))
    .map(os.fsdecode),
)


@examples(15)
@given(st.lists(st.tuples(NAMES, NAMES), min_size=1, max_size=3, unique=True))
def test_archive_file_names_never_break_init_check_or_a_build(names: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory(prefix="govsite-names-") as folder:
        root = Path(folder)
        archive = Archive(root / "archive")
        archive.commit("2024-01-01", {"Known/Terms.md": "# Terms\n\nOne clause.\n"}, "First")
        for index, (service, document) in enumerate(names):
            path = archive.path / service / f"{document}.md"
            if path.exists():
                continue
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"# Text {index}\n\nClause {index}.\n")
            except OSError:
                continue  # a name this file system refuses
            git(archive.path, "add", "-A")
            archive.commit(f"2024-02-{index + 1:02d}", {}, f"Record {index}")
        site = root / "site"
        previous = os.getcwd()
        os.chdir(root)
        try:
            result = CliRunner().invoke(main, ["init", str(site), "--archive", str(archive.path)])
        finally:
            os.chdir(previous)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code == 0, result.output
        code, output = check(site)
        assert_well_reported(site, code, output)
        assert code == 0, output
        config = SiteConfig.from_options(
            site,
            {"archive": str(archive.path)},
            site_name="Test",
            site_url="https://t.example/",
        )
        build = build_site(config)
        assert build.output is not None and not build.diagnostics.errors
        for page in build.output.pages:
            assert "\u202e" not in page.html and "\u200b" not in page.html


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80
)


@examples(5)
@given(MESSAGES, TEXT, TEXT)
def test_generated_inputs_through_a_full_mkdocs_build(
    template: Path, message: str, summary: str, who: str
) -> None:
    with fresh_site(template) as site:
        (site / "sources/Acme/Terms of Service.md").write_text(TERMS_V3 + "\nLater.\n")
        git(site, "add", "-A")
        git(site, "commit", "-q", "--allow-empty-message", "--cleanup=verbatim", "-m", message,
            date="2024-07-01T12:00:00+00:00")  # fmt: skip
        provision = site / "content/provisions/acme/terms/liability-cap.yml"
        dumped = {key: yaml.safe_dump(value, allow_unicode=True, width=10**9).splitlines()[0]
                  for key, value in (("summary", summary or "x"), ("who", who or "x"))}  # fmt: skip
        text = provision.read_text().replace(
            "summary: 'A low cap.'", f"summary: {dumped['summary']}"
        )
        provision.write_text(text.replace("who: Users", f"who: {dumped['who']}"))
        code, output = check(site)
        assert_well_reported(site, code, output)
        result = mkdocs(site, "build", "-q", "-d", str(site / "site"))
        assert "Traceback" not in result.stderr, result.stderr
        assert (result.returncode == 0) == (code == 0), (output, result.stderr)
        if result.returncode == 0:
            for page in (site / "site").rglob("*.html"):
                assert "\u202e" not in page.read_text(encoding="utf-8"), page


def test_clean_text_removes_what_its_three_patterns_remove() -> None:
    """Its quick check (no character to remove: the text as it is) never lets through a
    character one of the patterns removes, in any plane."""

    def by_patterns(text: str) -> str:
        for pattern in (untrusted._INVISIBLE, untrusted._CONTROL, untrusted._NOT_XML):
            text = pattern.sub("", text)
        return text

    points = [
        *range(0x10000),
        *(p * 0x10000 + e for p in range(1, 17) for e in (0, 0xFFFE, 0xFFFF)),
    ]
    for point in points:
        text = f"a{chr(point)}b"
        assert untrusted.clean_text(text) == by_patterns(text), hex(point)


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(),
    description=st.text(),
    meta=st.dictionaries(st.text(), st.one_of(st.text(), st.integers(), st.booleans())),
)
def test_a_pages_front_matter_reads_back_as_its_metadata(
    title: str, description: str, meta: dict[str, Any]
) -> None:
    """The virtual Markdown file of a page holds its metadata as front matter, written by
    libyaml where PyYAML has it: whatever a title or a value holds (archive and contributor
    text), mkdocs reads back the metadata govsite gave, and the page nothing else."""
    from mkdocs.utils.meta import get_data

    from generator.mkdocs_plugin.theme import front_matter, page_meta
    from generator.render.pages import Page

    page = Page("acme/terms/", title, "<p>text</p>", "document", description=description, meta=meta)
    body, read = get_data(front_matter(page))
    assert body == "" and read == page_meta(page)


@settings(max_examples=500, deadline=None)
@given(
    html=st.lists(
        st.one_of(
            st.sampled_from([b"id=", b'id="', b'"', b" ", b"\t", b"\n", b"\x0b", b"<a ", b">"]),
            st.binary(max_size=6),
        ),
        max_size=40,
    ).map(b"".join)
)
def test_a_pages_anchors_are_every_id_after_whitespace(html: bytes) -> None:
    """The manifest's anchors of a page (any bytes: a page holds archive text) are exactly
    what the plain pattern, whitespace first, finds; the quicker scan finds no more, no less."""
    import re

    from generator.publish.manifest import _ids

    assert _ids(html) == re.findall(rb'\sid="([^"]+)"', html)
