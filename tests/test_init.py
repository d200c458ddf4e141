import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import Archive

from generator.archive.history import read_history
from generator.archive.renames import chains, find_renames
from generator.cli import main, scaffold
from generator.cli.collection import attribution, collection_title, licence_name
from generator.cli.scaffold import markdown_literal, public_git_url, slugify
from generator.diagnostics import Diagnostics

SITE_URL = "https://reports.example.org/"


def test_slugify() -> None:
    assert slugify("Claude.ai") == "claude-ai"
    assert slugify("Terms of Service") == "terms-of-service"
    assert slugify("Conditions Générales") == "conditions-generales"


def mkdocs_build(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )


def test_init_creates_a_site_that_builds_unchanged(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-01", {"README.md": "not a document\n"}, "Initial commit")
    archive.commit(
        "2024-01-02", {"Chat.app/Terms of Service.md": "# T\n\nOne.\n"}, "First record of"
    )
    archive.commit("2024-01-03", {"Chat.app/Privacy Policy.md": "# P\n\nTwo.\n"}, "First record of")
    archive.commit("2024-02-03", {"Chat.app/Terms of Service.md": "# T\n\nOne!\n"})
    archive.commit("2024-03-01", {"Data/Old Policy.md": "# O\n\nGone soon.\n"}, "First record of")
    archive.commit("2024-04-01", {"Data/Old Policy.md": None}, "Remove")
    site = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["init", str(site), "--archive", str(archive.path), "--site-url", SITE_URL]
    )
    assert result.exit_code == 0, result.output
    platform = yaml.safe_load((site / "content/platforms/chat-app.yml").read_text())
    assert platform["name"] == "Chat.app"
    assert platform["documents"]["terms-of-service"]["source"] == "Chat.app/Terms of Service.md"
    # A folder named like a reserved URL segment gets another id; removed files are kept.
    data = yaml.safe_load((site / "content/platforms/data-2.yml").read_text())
    assert data["documents"]["old-policy"]["source"] == "Data/Old Policy.md"
    build = mkdocs_build(site)
    assert build.returncode == 0, build.stderr
    changed = site / "site/chat-app/terms-of-service/2024-02-03/index.html"
    assert 'id="changes"' in changed.read_text()
    assert (site / "site/data-2/old-policy/2024-04-01/index.html").is_file()
    again = CliRunner().invoke(main, ["init", str(site), "--archive", str(archive.path)])
    assert again.exit_code == 1 and "already exists" in again.output


README = """\
# Versions of the *Example* collection

These terms are tracked by the Example Lab, University of Nowhere, ✍️ using [Open Terms Archive](https://opentermsarchive.org).

## Licence

Everything here is shared under an [ODC-BY 1.0](https://opendatacommons.org/licenses/by/1-0/) license: works built from it must attribute it to *_ _ _ _ ✍️ and Open Terms Archive contributors*.
"""
TERMS = "# Terms\n\n" + "".join(
    f"Clause {n}: the service may do thing number {n}.\n\n" for n in range(30)
)


def renamed_archive(path: Path) -> Archive:
    """Renames as an Open Terms Archive collection records them, and one deletion."""
    archive = Archive(path)
    archive.commit(
        "2024-01-01",
        {"README.md": README, "LICENSE": "# ODC Attribution License (ODC-By)\n\nText.\n"},
        "Initial commit",
    )
    archive.commit(
        "2024-01-02", {"Acme/General Terms.md": TERMS}, "First record of Acme General Terms"
    )
    archive.commit("2024-02-01", {"Acme/General Terms.md": TERMS + "Clause 30: new.\n"})
    # A terms type renamed: the old file deleted, the new one recorded in the same commit,
    # its text changed a little.
    renamed = TERMS.replace("thing number 3.", "thing number three.") + "Clause 30: new.\n"
    archive.commit(
        "2024-03-01",
        {"Acme/General Terms.md": None, "Acme/Terms of Service.md": renamed},
        "Record new changes of Acme Terms of Service",
    )
    # A service renamed: the new file first, the old one deleted two days later.
    archive.commit("2024-04-01", {"Bolt/Privacy Policy.md": "# Privacy\n\nWe keep little.\n"})
    archive.commit(
        "2024-06-01", {"Volt/Privacy Policy.md": "# Privacy\n\nWe keep little.\n"}, "First record"
    )
    archive.commit("2024-06-03", {"Bolt/Privacy Policy.md": None}, "Remove Bolt")
    # A document deleted, and another service's unrelated first record the same day.
    archive.commit("2024-07-01", {"Acme/Cookie Policy.md": "# Cookies\n\nWe use some.\n"})
    archive.commit(
        "2024-08-01",
        {"Acme/Cookie Policy.md": None, "Zed/Terms.md": "# Zed\n\nSomething else entirely.\n"},
    )
    return archive


def test_renames_follow_the_rule(tmp_path: Path) -> None:
    archive = renamed_archive(tmp_path / "archive")
    history = read_history(archive.path, Diagnostics())
    assert history is not None
    found = find_renames(
        history,
        lambda v: (
            subprocess.run(
                ["git", "-C", str(archive.path), "cat-file", "blob", v.blob],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        ),
    )
    assert [(r.old, r.new) for r in found] == [
        ("Acme/General Terms.md", "Acme/Terms of Service.md"),
        ("Bolt/Privacy Policy.md", "Volt/Privacy Policy.md"),
    ]
    assert found[1].similarity == 1.0 and found[0].similarity > 0.7
    assert chains(found) == {
        "Acme/Terms of Service.md": ["Acme/General Terms.md"],
        "Volt/Privacy Policy.md": ["Bolt/Privacy Policy.md"],
    }


def test_init_makes_a_publishable_site_from_an_open_terms_archive_collection(
    tmp_path: Path,
) -> None:
    archive = renamed_archive(tmp_path / "archive")
    site = tmp_path / "site"
    result = CliRunner().invoke(
        main,
        ["init", str(site), "--archive", str(archive.path), "--site-url", SITE_URL.rstrip("/")],
    )
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((site / "mkdocs.yml").read_text())
    assert config["site_url"] == SITE_URL
    options = config["plugins"][0]["govsite"]
    assert options == {
        "archive": "../archive",
        "collection": "Versions of the Example collection",
        "licence": "ODC-BY 1.0 (https://opendatacommons.org/licenses/by/1-0/)",
        "attribution": "the Example Lab, University of Nowhere and Open Terms Archive contributors",
    }
    acme = yaml.safe_load((site / "content/platforms/acme.yml").read_text())
    assert list(acme["documents"]) == ["cookie-policy", "terms-of-service"]
    assert acme["documents"]["terms-of-service"]["former_sources"] == ["Acme/General Terms.md"]
    volt = yaml.safe_load((site / "content/platforms/volt.yml").read_text())
    assert volt["documents"]["privacy-policy"]["former_sources"] == ["Bolt/Privacy Policy.md"]
    assert not (site / "content/platforms/bolt.yml").exists()
    assert (
        "#   cookie-policy: since 2024-08-01" in (site / "content/platforms/acme.yml").read_text()
    )
    home = (site / "content/pages/index.md").read_text()
    assert "Versions of the Example collection" in home and str(tmp_path) not in home
    assert (site / ".github/workflows/govsite.yml").is_file()
    assert "govsite" in (site / "requirements.txt").read_text()

    build = mkdocs_build(site)
    assert build.returncode == 0, build.stderr
    out = site / "site"
    # One document, one history: the old path's versions, then the new path's.
    versions = sorted(
        p.name for p in (out / "acme/terms-of-service").iterdir() if p.name[:2] == "20"
    )
    assert versions == ["2024-01-02", "2024-02-01", "2024-03-01"]
    changes = (out / "acme/terms-of-service/2024-03-01/index.html").read_text()
    assert "three" in changes
    privacy = sorted(p.name for p in (out / "volt/privacy-policy").iterdir() if p.name[:2] == "20")
    assert privacy == ["2024-04-01", "2024-06-01"]  # the move itself is no removal
    # The deleted document is marked, with its date, wherever it is listed.
    for page in ("platforms/index.html", "acme/index.html"):
        assert "no longer tracked since 2024-08-01" in (out / page).read_text()
    assert (
        "No longer tracked since 2024-08-01" in (out / "acme/cookie-policy/index.html").read_text()
    )
    assert "No longer tracked since" not in (out / "acme/terms-of-service/index.html").read_text()
    footer = (out / "index.html").read_text()
    assert "Attribution: the Example Lab, University of Nowhere and Open Terms Archive" in footer


def test_init_refuses_a_relative_site_url(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-02", {"A/T.md": "# T\n"}, "First record of")
    result = CliRunner().invoke(
        main, ["init", str(tmp_path / "s"), "--archive", str(archive.path), "--site-url", "/x/"]
    )
    assert result.exit_code == 2
    assert "'/x/' is not an absolute http(s) address" in result.output


def test_collection_facts_are_plain_text_from_untrusted_files() -> None:
    readme = (
        "# <script>alert(1)</script> *Collection*\n\n"
        "Tracked by [Lab](javascript:x) <b>X</b>, ✍️ using Open Terms Archive.\n\n"
        "Licensed under a [Licence](https://example.org/l) licence: attribute it to "
        "*Someone <img src=x>*.\n"
    )
    # Markdown markup goes, and what looks like HTML stays as the literal text it is
    # (every page escapes it: see the home page below and tests/test_safety.py).
    assert collection_title(readme) == "<script>alert(1)</script> Collection"
    assert licence_name(readme, "") == "Licence (https://example.org/l)"
    assert attribution(readme) == "Someone <img src=x>"
    assert markdown_literal(collection_title(readme)) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; Collection"
    )
    assert markdown_literal("[a](javascript:x) *b*") == "\\[a\\](javascript:x) \\*b\\*"
    assert licence_name("", "MIT License\n\nCopyright\n") == "MIT License"
    assert licence_name("", "Some words\n") == ""


def test_check_warns_of_a_rename_the_site_does_not_follow_yet(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-02", {"Acme/General Terms.md": TERMS}, "First record of")
    site = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["init", str(site), "--archive", str(archive.path), "--site-url", SITE_URL]
    )
    assert result.exit_code == 0, result.output
    archive.commit("2024-03-01", {"Acme/General Terms.md": None, "Acme/Terms of Service.md": TERMS})
    previous = os.getcwd()
    os.chdir(site)
    try:
        result = CliRunner().invoke(main, ["check", "--strict"])
    finally:
        os.chdir(previous)
    assert result.exit_code == 1
    assert (
        "content/platforms/acme.yml:4:3: documents.general-terms.source: the archive renamed "
        "'Acme/General Terms.md' to 'Acme/Terms of Service.md' on 2024-03-01; to keep one "
        "history, set `source: Acme/Terms of Service.md` and add 'Acme/General Terms.md' to "
        "`former_sources` [warning]"
    ) in result.output


def test_init_leaves_out_the_collection_templates_demo_documents(tmp_path: Path) -> None:
    """Files recorded and deleted on the archive's first day (Open Terms Archive's template
    declarations) are not platforms of the site, unless asked for; a file deleted later, or
    recorded that day and kept, is one."""
    archive = Archive(tmp_path / "archive")
    archive.commit(
        "2024-01-01T09:00:00+00:00",
        {
            "Demo Mail/Privacy Policy.md": "# Demo\n\nA template's demo text.\n",
            "Demo Code/Terms of Service.md": "# Demo\n\nAnother demo text.\n",
        },
        "Initial commit",
    )
    archive.commit(
        "2024-01-01T09:05:00+00:00",
        {"Kept/Terms.md": "# Kept\n\nRecorded on the first day and kept.\n"},
        "First record of Kept Terms",
    )
    archive.commit(
        "2024-01-01T10:00:00+00:00",
        {"Demo Mail/Privacy Policy.md": None, "Demo Code/Terms of Service.md": None},
        "Adapt template automatically",
    )
    archive.commit("2024-02-01", {"Later/Policy.md": "# Later\n\nText.\n"}, "First record of")
    archive.commit("2024-03-01", {"Later/Policy.md": None}, "Remove Later Policy")
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["init", str(site), "--archive", str(archive.path)])
    assert result.exit_code == 0, result.output
    assert "for 2 platforms" in result.output
    platforms = sorted(p.stem for p in (site / "content/platforms").glob("*.yml"))
    assert platforms == ["kept", "later"]
    kept = tmp_path / "kept"
    result = CliRunner().invoke(
        main, ["init", str(kept), "--archive", str(archive.path), "--keep-template-leftovers"]
    )
    assert result.exit_code == 0, result.output
    assert "for 4 platforms" in result.output


def init_without_defaults(
    tmp_path: Path, archive: Path, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> tuple[int, str]:
    monkeypatch.delenv("GOVSITE_ARCHIVE_URL", raising=False)
    monkeypatch.delenv("GOVSITE_REQUIREMENT", raising=False)
    result = CliRunner().invoke(
        main, ["init", str(tmp_path / "site"), "--archive", str(archive), *extra]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_init_asks_for_the_archive_address_when_ci_could_not_clone_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-02", {"A/T.md": "# T\n\nOne two three.\n"}, "First record of")
    code, output = init_without_defaults(tmp_path, archive.path, monkeypatch)
    assert code == 1
    assert "has no public git address" in output and "pass --archive-url" in output
    assert not (tmp_path / "site").exists()
    code, output = init_without_defaults(
        tmp_path, archive.path, monkeypatch, "--archive-url", "/local/path"
    )
    assert code == 1 and "is not an address GitHub's runners can clone" in output


def test_an_ssh_remote_is_cloned_by_its_https_address() -> None:
    assert public_git_url("git@github.com:owner/archive.git") == (
        "https://github.com/owner/archive.git"
    )
    assert public_git_url("ssh://git@gitlab.example:22/g/archive.git") == (
        "https://gitlab.example/g/archive.git"
    )
    assert public_git_url("https://github.com/o/a.git") == "https://github.com/o/a.git"
    assert public_git_url("https://me:token@github.com/o/a.git") == "https://github.com/o/a.git"
    assert public_git_url("/home/me/archive") == ""
    assert public_git_url("file:///home/me/archive") == ""


class FakeDistribution:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url
        self.version = "1.2.3"

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (None, "govsite==1.2.3"),  # from a package index: no direct_url.json (PEP 610)
        (
            '{"url": "https://github.com/o/govsite", "vcs_info": {"vcs": "git", '
            '"commit_id": "0123456789abcdef0123456789abcdef01234567"}}',
            "govsite @ git+https://github.com/o/govsite@0123456789abcdef0123456789abcdef01234567",
        ),
        (
            '{"url": "git@github.com:o/govsite.git", "vcs_info": {"vcs": "git", '
            '"commit_id": "abc"}}',
            "govsite @ git+https://github.com/o/govsite.git@abc",
        ),
    ],
)
def test_ci_installs_govsite_from_where_it_was_installed(
    monkeypatch: pytest.MonkeyPatch, direct_url: str | None, expected: str
) -> None:
    monkeypatch.setattr(scaffold, "distribution", lambda name: FakeDistribution(direct_url))
    assert scaffold.ci_requirement() == expected


@pytest.mark.parametrize(
    "direct_url",
    [
        '{"url": "file:///home/me/govsite", "dir_info": {"editable": true}}',
        '{"url": "file:///tmp/govsite-0.1.0-py3-none-any.whl", "archive_info": {}}',
        '{"url": "file:///home/me/govsite", "vcs_info": {"vcs": "git", "commit_id": "abc"}}',
    ],
)
def test_init_stops_when_govsite_came_from_a_local_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct_url: str
) -> None:
    monkeypatch.setattr(scaffold, "distribution", lambda name: FakeDistribution(direct_url))
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-02", {"A/T.md": "# T\n\nOne two three.\n"}, "First record of")
    code, output = init_without_defaults(
        tmp_path, archive.path, monkeypatch, "--archive-url", "https://git.example/a.git"
    )
    assert code == 1
    assert "which GitHub's runners cannot reach" in output and "--govsite-requirement" in output
    code, output = init_without_defaults(
        tmp_path,
        archive.path,
        monkeypatch,
        "--archive-url",
        "https://git.example/a.git",
        "--govsite-requirement",
        "govsite==9.9",
    )
    assert code == 0, output
    requirements = (tmp_path / "site/requirements.txt").read_text(encoding="utf-8")
    assert requirements.splitlines()[-1] == "govsite==9.9"


def test_init_writes_a_site_ready_to_share(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.commit("2024-01-02", {"A/T.md": "# T\n\nOne two three.\n"}, "First record of")
    site = tmp_path / "site"
    result = CliRunner().invoke(
        main,
        ["init", str(site), "--archive", str(archive.path), "--analyses-licence", "CC-BY-SA-4.0"],
    )
    assert result.exit_code == 0, result.output
    for name in ("about.md", "methodology.md", "contribute.md"):
        assert (site / "content/pages" / name).is_file(), name
    methodology = (site / "content/pages/methodology.md").read_text(encoding="utf-8")
    assert "## Disclaimer" in methodology and "not legal advice" in methodology
    licence = (site / "LICENSE-analyses.md").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in licence
    assert "git clone https://git.example/archive.git ../archive" in (
        (site / "README.md").read_text(encoding="utf-8")
    )
    assert (site / "versions.lock").read_text(encoding="utf-8").startswith("# govsite")
    # The last lines say what to run, with commands that exist.
    lines = result.output.strip().splitlines()
    build = next(line for line in lines if "build --strict" in line)
    command = shlex.split(build.split("#")[0])
    assert Path(command[0]).is_file() or command[:2] == [sys.executable, "-m"], build
    assert any(line.strip() == f"cd {site}" for line in lines)
    built = subprocess.run(
        [*command, "-q"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stderr
    assert (site / "site/methodology/index.html").is_file()
    assert "not legal advice" in (site / "site/methodology/index.html").read_text(encoding="utf-8")
