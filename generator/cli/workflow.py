"""The GitHub Actions workflow ``govsite init`` writes: pull requests are checked (problems
show as annotations on their changed lines, from a read-only copy of main's build cache, so a
check takes seconds), and main is built and published on GitHub Pages, with the build cache
kept between runs.

The workflow is plain text with a few values put in, so that it reads like a hand-written
one and can be edited as one. ``tests/test_workflow_run.py`` runs its steps, in order, on a
fresh clone of a site made by ``govsite init``.
"""

from __future__ import annotations

import json

from .. import urls

WORKFLOW_PATH = ".github/workflows/govsite.yml"

ACTIONS = {
    "checkout": "actions/checkout@v6",
    "setup-python": "actions/setup-python@v6",
    "cache": "actions/cache@v5",
    "cache-restore": "actions/cache/restore@v5",
    "configure-pages": "actions/configure-pages@v6",
    "upload-pages-artifact": "actions/upload-pages-artifact@v5",
    "deploy-pages": "actions/deploy-pages@v5",
}
"""The actions the workflows use, at their current major versions (one place to bump)."""


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def workflow(
    archive: str,
    archive_url: str,
    site_url: str,
    compressed_texts: bool = False,
    python: str = "3.11",
) -> str:
    """The workflow for a site whose archive is at ``archive`` (relative to the site's
    folder). An archive outside the site's repository is cloned from ``archive_url`` (which
    ``govsite init`` insists on knowing). ``compressed_texts``: the site stores its text
    pages compressed (``compress_texts``), which the object store step uploads with the
    headers that say so."""
    if archive_inside(archive):
        fetch = ""
        env_archive = ""
    else:
        env_archive = f"  ARCHIVE_URL: {_quoted(archive_url)}\n  ARCHIVE_PATH: {_quoted(archive)}\n"
        fetch = """      - name: Fetch the archive, with its whole history (every commit is a version)
        run: git clone --quiet "$ARCHIVE_URL" "$ARCHIVE_PATH"
"""
    setup = (
        f"""      - uses: {ACTIONS["checkout"]}
        with:
          fetch-depth: 0
"""
        + fetch
        + f"""      - uses: {ACTIONS["setup-python"]}
        with:
          python-version: "{python}"
          cache: pip
      - name: Install govsite
        run: python -m pip install -r requirements.txt
"""
    )
    cache_key = (
        "          path: .cache/govsite\n"
        # A new key each run: a cache key is saved once, so a daily run of the same commit
        # would otherwise keep the first run's cache; restore-keys picks the newest.
        "          key: govsite-${{ runner.os }}-${{ github.sha }}-${{ github.run_id }}\n"
        "          restore-keys: govsite-${{ runner.os }}-\n"
    )
    return f"""# Written by `govsite init`. Pull requests: every analysis is checked, and problems
# show on the changed lines. Main (and once a day, for versions the archive recorded since):
# the site is built with its cache kept between runs, checked against the published
# site's list of URLs, and deployed to GitHub Pages (Settings > Pages > Source: GitHub
# Actions).
name: site

on:
  pull_request:
  push:
    branches: [main]
  schedule:
    - cron: "23 5 * * *"
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: site-${{{{ github.ref }}}}
  cancel-in-progress: ${{{{ github.event_name == 'pull_request' }}}}

env:
  NO_MKDOCS_2_WARNING: "1"
  SITE_URL: {_quoted(site_url)}
{env_archive}
jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
{setup}      - name: Restore main's build cache, read-only (texts already parsed are not parsed again)
        uses: {ACTIONS["cache-restore"]}
        with:
{cache_key}      - name: Check the analyses
        run: govsite check --strict --format github

  build:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: write  # commits versions.lock and revisions.lock when new numbers were given
      pages: write  # configure-pages reads the site's Pages settings
    steps:
{setup}      - name: Restore the build cache (saved again at the end of the job)
        uses: {ACTIONS["cache"]}
        with:
{cache_key}      - name: Check the analyses
        run: govsite check --strict --format github
      - name: Build the site
        run: mkdocs build --strict
      - name: Check that every published URL still resolves
        run: |
          # The manifest is an index of parts: each is fetched beside it.
          if curl -fsSL --create-dirs "${{SITE_URL%/}}/govsite-manifest.json.gz" -o previous/govsite-manifest.json.gz; then
            govsite manifest-parts previous/govsite-manifest.json.gz > previous/parts
            (cd previous && xargs -r -n 32 -P 4 sh -c 'for part; do curl -fsSL --create-dirs "$0/$part" -o "$part"; done' "${{SITE_URL%/}}" < parts)
            govsite check --against previous/govsite-manifest.json.gz --format github
          else
            echo "No published site yet: nothing to compare with."
          fi
      - name: Keep the slugs of new versions and the numbers of new revisions (the locks)
        run: |
          locks=$(ls versions.lock revisions.lock 2>/dev/null || true)
          if [ -n "$locks" ] && [ -n "$(git status --porcelain -- $locks)" ]; then
            git config user.name "github-actions[bot]"
            git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
            git add -- $locks
            git commit --quiet -m "Record the slugs of new versions and numbers of new revisions" -- $locks
            git push --quiet origin "HEAD:${{GITHUB_REF_NAME}}" || echo "::warning::the lock files could not be pushed; commit them by hand"
          fi
{object_store_step(compressed_texts)}      - uses: {ACTIONS["configure-pages"]}
      - uses: {ACTIONS["upload-pages-artifact"]}
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: {ACTIONS["deploy-pages"]}
"""


_OBJECT_STORE_HEAD = """\
      # Over GitHub Pages' limits (1 GB a site; the build warns)? Publish to an S3-compatible
      # object store behind a CDN instead (Amazon S3 and CloudFront, Cloudflare R2, Backblaze
      # B2...): uncomment the step below, delete the two Pages steps after it and the deploy
      # job, and add the secrets it names in the repository's settings (Secrets and
      # variables > Actions). The build gives the same bytes for the same inputs, so rclone,
      # comparing checksums, uploads only the files that changed since the last run.
"""
_OBJECT_STORE_SETUP = """\
      # - name: Upload what changed to the object store
      #   env:
      #     RCLONE_CONFIG_STORE_TYPE: s3
      #     RCLONE_CONFIG_STORE_PROVIDER: Other
      #     RCLONE_CONFIG_STORE_ENDPOINT: ${{ secrets.S3_ENDPOINT }}
      #     RCLONE_CONFIG_STORE_REGION: ${{ secrets.S3_REGION }}
      #     RCLONE_CONFIG_STORE_ACCESS_KEY_ID: ${{ secrets.S3_ACCESS_KEY_ID }}
      #     RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY: ${{ secrets.S3_SECRET_ACCESS_KEY }}
      #     S3_BUCKET: ${{ secrets.S3_BUCKET }}
      #   run: |
      #     sudo apt-get install --yes --quiet rclone
"""
SYNC = 'rclone sync site "store:$S3_BUCKET" --checksum --fast-list --transfers 16 --stats-one-line --verbose'
"""The sync command of the object store step: every file whose checksum changed, and the
removal of what the site no longer has."""
COMPRESSED_PAGES = urls.TEXT_PAGES_FILTER
"""The rclone filter of the files ``compress_texts`` stores gzip-compressed."""


def object_store_step(compressed_texts: bool = False) -> str:
    """The alternative deploy step of the workflow ``govsite init`` writes, commented out: a
    site too large for GitHub Pages goes to an object store, synced with rclone. Text pages
    stored gzip-compressed (``compress_texts``) go in a pass of their own that sets
    ``Content-Encoding: gzip`` (the CDN passes it on; browsers decode), first, so that no
    new page links a text page not yet uploaded; the other pass leaves them out, so it
    neither uploads them without the header nor deletes them. Whether they are compressed
    is read from the built site, not fixed when ``init`` wrote the step: turning the option
    on or off later can then label no page wrongly. ``compressed_texts`` only says so in a
    comment."""
    note = (
        (
            "      # The text pages are stored gzip-compressed (compress_texts in mkdocs.yml): the\n"
            "      # first pass uploads them with the headers that make browsers decode them.\n"
        )
        if compressed_texts
        else ""
    )
    headers = (
        "--header-upload 'Content-Encoding: gzip' "
        "--header-upload 'Content-Type: text/html; charset=utf-8'"
    )
    return (
        _OBJECT_STORE_HEAD
        + note
        + _OBJECT_STORE_SETUP
        + "      #     # Text pages stored compressed (compress_texts) start with gzip's 1f 8b.\n"
        + "      #     page=$(find site/texts -name '*.html' -print -quit 2>/dev/null || true)\n"
        + '      #     if [ -n "$page" ] && [ "$(head -c2 "$page" | od -An -tx1 | tr -d \' \\n\')" = 1f8b ]; then\n'
        + f"      #       {SYNC} --include '{COMPRESSED_PAGES}' {headers}\n"
        + f"      #       {SYNC} --exclude '{COMPRESSED_PAGES}'\n"
        + "      #     else\n"
        + f"      #       {SYNC}\n"
        + "      #     fi\n"
    )


def archive_inside(archive: str) -> bool:
    """Whether the archive (a path relative to the site's folder) is inside the site's
    repository, so the checkout brings it."""
    return not archive.startswith("../") and archive != ".." and not archive.startswith("/")
