"""The GitHub Actions workflow ``govsite init`` writes: pull requests are checked (problems
show as annotations on their changed lines), and main is built and published on GitHub
Pages, with the build cache kept between runs.

The workflow is plain text with a few values put in, so that it reads like a hand-written
one and can be edited as one.
"""

from __future__ import annotations

import json

WORKFLOW_PATH = ".github/workflows/govsite.yml"


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def workflow(archive: str, archive_url: str, site_url: str, python: str = "3.11") -> str:
    """The workflow for a site whose archive is at ``archive`` (relative to the site's
    folder). An archive outside the site's repository is cloned from ``archive_url``; when
    that address is not known the workflow says where to write it, and fails until then."""
    inside = not archive.startswith("../") and archive != ".."
    if inside:
        fetch = ""
        env_archive = ""
    else:
        note = "" if archive_url else "  # the archive's git address: write it here"
        env_archive = (
            f"  ARCHIVE_URL: {_quoted(archive_url)}{note}\n  ARCHIVE_PATH: {_quoted(archive)}\n"
        )
        fetch = """      - name: Fetch the archive, with its whole history (every commit is a version)
        run: |
          if [ -z "$ARCHIVE_URL" ]; then
            echo "::error file=.github/workflows/govsite.yml::Write the archive's git address in ARCHIVE_URL"
            exit 1
          fi
          git clone --quiet "$ARCHIVE_URL" "$ARCHIVE_PATH"
"""
    setup = (
        """      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
"""
        + fetch
        + f"""      - uses: actions/setup-python@v5
        with:
          python-version: "{python}"
          cache: pip
      - name: Install govsite
        run: python -m pip install -r requirements.txt
"""
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
{setup}      - name: Check the analyses
        run: govsite check --strict --format github

  build:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: write  # commits versions.lock and revisions.lock when new numbers were given
    steps:
{setup}      - name: Restore the build cache
        uses: actions/cache@v4
        with:
          path: .cache/govsite
          key: govsite-${{{{ runner.os }}}}-${{{{ github.sha }}}}
          restore-keys: govsite-${{{{ runner.os }}}}-
      - name: Check the analyses
        run: govsite check --strict --format github
      - name: Build the site
        run: mkdocs build --strict
      - name: Check that every published URL still resolves
        run: |
          if curl -fsSL "${{SITE_URL%/}}/govsite-manifest.json.gz" -o previous-manifest.json.gz; then
            govsite check --against previous-manifest.json.gz --format github
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
      - uses: actions/configure-pages@v5
      - uses: actions/upload-pages-artifact@v3
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
        uses: actions/deploy-pages@v4
"""
