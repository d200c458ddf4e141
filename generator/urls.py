"""Every URL the site publishes, defined once.

URLs are site-relative (no leading slash): folder URLs end in ``/`` (the page is its
``index.html``), file URLs do not. Pages link to each other with :func:`relative`, so a site
works wherever it is served from; feeds, data and citations make them absolute with the
site's address. The model's objects give their own URLs from here (``page_url``,
``feed_url``, ``record_url``...), and templates print those; templates also get this module
as the global ``urls``, for the site's fixed pages and files. Nothing else spells a path
(``tests/test_url_scheme.py`` holds it).

Once published a URL never changes (see ``versions.lock`` and ``content/retired.yml``), so a
change to a pattern here is a change to a published promise.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from urllib.parse import unquote

# Hub pages (one each) and the folders govsite writes at the top of the site.
HOME = ""
PLATFORMS = "platforms/"
ANALYSES = "analyses/"
TOPICS = "topics/"
REGULATIONS = "regulations/"
JURISDICTIONS = "jurisdictions/"
DATA = "data/"
COMPARE = "compare/"
"""Any two versions of any document, compared in the browser."""
SEARCH = "search/"
CONTRIBUTORS = "contributors/"
"""Who wrote and reviewed the analyses, each with what they wrote (a plugin option turns it
off)."""
PAGEFIND = "pagefind/"
"""The search index (Pagefind's bundle)."""
TEXTS = "texts/"
"""Archived texts, one gzip-compressed file per distinct text, named by its content hash
(git blob id) in a folder named by its first two characters: static hosts store what they
serve, a history holds many texts, and a new text changes one small folder (the rest is
carried from the previous build)."""
SITE_FEED = "feed.xml"
SITE_SUBSTANTIVE_FEED = "substantive.xml"
KINDS = "kinds/"
"""The page that defines the kinds of change (the feeds' category scheme)."""
DATASET = "data/dataset.tar.xz"
SITEMAP = "sitemap.xml"
"""The sitemap index (and ``sitemap.xml.gz``, the same compressed): it names the sitemaps
of the site's pages under :data:`SITEMAP_FOLDER`."""
SITEMAP_COMPRESSED = f"{SITEMAP}.gz"
SITEMAP_FOLDER = "sitemaps/"
PROVISIONS_CSV = "data/provisions.csv"
DATA_INDEX = "data/index.json"
SCHEMA_FOLDER = "data/schema/"
PLATFORM_RECORDS = "data/platforms/"
DOCUMENT_RECORDS = "data/documents/"
PROVISION_RECORDS = "data/provisions/"
AS_AT_FOLDER = "data/as-at/"
"""The folders of the JSON records (each holds only files)."""
MANIFEST = "govsite-manifest.json.gz"
"""Every published URL and promised anchor (see generator/publish/manifest.py): the index of
the manifest's parts."""
MANIFEST_PARTS = "govsite-manifest/"
"""The manifest's parts, one per part of the site (:func:`manifest_part`), each named by a
hash of what it covers, so a build rewrites only the parts whose pages changed."""
NOT_FOUND = "404.html"
"""The theme's page for a URL that is not there."""
THEME_ASSETS = "assets/"
"""The theme's stylesheets, scripts and images (govsite's own are below it, see
:func:`asset`)."""
MKDOCS_SEARCH_INDEX = "search/search_index.json"
"""The index of mkdocs' own search plugin, when a site turns it on."""
METHODOLOGY = "methodology/"
"""The site's hand-written methodology page (``methodology.md``), when it has one."""

REGISTRIES = ("topics", "regulations", "jurisdictions")
"""The registries, each with a hub page and a page per entry below its own folder."""
TOPICS_REGISTRY, REGULATIONS_REGISTRY, JURISDICTIONS_REGISTRY = REGISTRIES

RESERVED_PLATFORM_IDS = frozenset(
    {
        "about", "analyses", "assets", "compare", "contribute", "contributors", "data", "feed", "govsite-manifest",
        "jurisdictions", "kinds", "methodology", "pagefind", "platforms", "regulations", "search", "sitemap",
        "sitemaps", "substantive",
        "texts", "topics", "javascripts", "stylesheets",
    }
)  # fmt: skip
"""Top-level segments the site uses itself; a platform may not take them."""

FILE_FOLDERS = frozenset(
    {"assets", "govsite-manifest", "javascripts", "pagefind", "sitemaps", "stylesheets", "texts"}
)
"""Top-level folders of files the site and its theme publish, where no page stands."""

RESERVED_PROVISION_SLUGS = frozenset(
    {"changes", "compare", "history", "latest", "raw", "timeline", "versions", "feed", "data"}
)
"""Segments used below a document; a provision slug may not take them."""


PAGE_ANCHORS = frozenset(
    {
        "affected", "analyses", "changes", "charts", "cite", "compare", "compliance", "contracts",
        "credits", "documents", "downloads", "exposure", "for-users", "history", "interpretation",
        "jurisdictions", "licence", "provisions", "quote", "records", "regulations", "related",
        "summary", "table", "text", "touched-heading", "versions",
    }
)  # fmt: skip
"""Anchors of the sections of govsite's pages; an archived text's headings never take them."""
TITLE_ANCHOR = "__title"
"""The anchor of a generated page's title heading (where "skip to content" leads)."""
PAGE_ANCHOR_PREFIXES = ("changes-", "home-", "cite-", "analysis-", "v-", "__")
"""Prefixes of anchors govsite's pages number (groups of changes, lists, citations)."""


def page_anchor_taken(anchor: str) -> bool:
    """Whether an anchor belongs to govsite's pages (a text's heading must not take it)."""
    return anchor in PAGE_ANCHORS or anchor.startswith(PAGE_ANCHOR_PREFIXES)


def platform(platform_id: str) -> str:
    return f"{platform_id}/"


def platform_feed(platform_id: str, substantive: bool = False) -> str:
    """A platform's feed of every change, or of substantive changes only."""
    return f"{platform_id}/{'substantive' if substantive else 'feed'}.xml"


def document(document_key: str) -> str:
    """The latest text of a document (``platform/document``)."""
    return f"{document_key}/"


def document_feed(document_key: str, substantive: bool = False) -> str:
    """A document's feed of every change, or of substantive changes only."""
    return f"{document_key}/{'substantive' if substantive else 'feed'}.xml"


def site_feed(substantive: bool = False) -> str:
    return SITE_SUBSTANTIVE_FEED if substantive else SITE_FEED


def timeline(document_key: str) -> str:
    """Every version of a document (a section of the document's page)."""
    return f"{document_key}/#history"


def compare(document_key: str, old: str = "", new: str = "") -> str:
    """The compare view opened on a document, and optionally on two of its versions."""
    query = f"&from={old}&to={new}" if old and new else ""
    return f"{COMPARE}?document={document_key}{query}"


def version(document_key: str, slug: str) -> str:
    """A version's permanent page."""
    return f"{document_key}/{slug}/"


def clause(document_key: str, slug: str, clause_id: str) -> str:
    """A clause of a version (clause anchors are the same in every version)."""
    return f"{document_key}/{slug}/#{clause_id}"


def changes(document_key: str, slug: str) -> str:
    """What a version changed from the one before (a section of the version's page)."""
    return f"{document_key}/{slug}/#changes"


def text(blob: str) -> str:
    """An archived text, as recorded, by its content hash (every version with that text
    shares it)."""
    return f"{TEXTS}{blob[:2]}/{blob}.md.gz"


def text_page(blob: str) -> str:
    """An archived text as a small HTML page with its clauses' anchors (the ``large``
    layout: version pages link it instead of repeating their text), beside its gzip file."""
    return f"{TEXTS}{blob[:2]}/{blob}.html"


TEXT_PAGES_FILTER = f"/{TEXTS}**.html"
"""Every text page (:func:`text_page`) as an rclone filter rule, for the upload that sends
them with ``Content-Encoding: gzip`` when they are stored compressed."""


def text_page_clause(blob: str, clause_id: str) -> str:
    """A clause of a text page (the anchors of the first version that recorded the text)."""
    return f"{text_page(blob)}#{clause_id}"


def provision(provision_key: str) -> str:
    """An analysed provision (``platform/document/slug``)."""
    return f"{provision_key}/"


def provision_history(provision_key: str) -> str:
    return f"{provision_key}/history/"


def provision_revisions(provision_key: str) -> str:
    """Every revision of an analysis: who wrote it, when, and what changed."""
    return f"{provision_key}/revisions/"


def provision_revision(provision_key: str, number: int) -> str:
    """One revision of an analysis, as it stood: frozen forever (numbers never move, see
    ``revisions.lock``)."""
    return f"{provision_key}/revisions/{number}/"


def provision_change_id(provision_key: str, slug: str) -> str:
    """The id of the feed entry for a change of an analysis's clause in one version (an
    id, which feed readers keep: it must never change)."""
    return f"{provision_key}/#{slug}"


def retired_provision_id(provision_key: str) -> str:
    """The id of the last feed entry of a retired analysis, the one saying it went."""
    return f"{provision_key}/#retired"


def provision_feed(provision_key: str) -> str:
    """Each revision of an analysis and each change of its quoted clause."""
    return f"{provision_key}/feed.xml"


def analysis_anchor(provision_slug: str) -> str:
    """The anchor of an analysis's marker in its document's latest text."""
    return f"analysis-{provision_slug}"


def analysis_marker(document_key: str, provision_slug: str) -> str:
    return f"{document_key}/#{analysis_anchor(provision_slug)}"


def folder(name: str) -> str:
    """A top-level folder of the site (one of :data:`FILE_FOLDERS`), as a folder URL."""
    return f"{name}/"


def hand_written(folder_url: str, stem: str) -> str:
    """The URL of a hand-written page, ``<stem>.md`` in the folder of ``folder_url``: its own
    folder, as mkdocs publishes it (``index`` and ``README`` are their folder's page)."""
    return folder_url if stem in ("index", "README") else f"{folder_url}{stem}/"


def registry_hub(registry: str) -> str:
    """The hub page of a registry (every topic, regulation or jurisdiction)."""
    return f"{registry}/"


def registry_entry(registry: str, entry_id: str) -> str:
    """The page of a topic, regulation or jurisdiction."""
    return f"{registry}/{entry_id}/"


def registry_feed(registry: str, entry_id: str) -> str:
    """Each change of a clause analysed under a topic, regulation or jurisdiction."""
    return f"{registry}/{entry_id}/feed.xml"


def kind(kind_slug: str) -> str:
    """A kind of change, defined on the kinds page."""
    return f"{KINDS}#{kind_slug}"


def topic(topic_id: str) -> str:
    return registry_entry("topics", topic_id)


def regulation(regulation_id: str) -> str:
    return registry_entry("regulations", regulation_id)


def jurisdiction(jurisdiction_id: str) -> str:
    return registry_entry("jurisdictions", jurisdiction_id)


def schema_name(name: str) -> str:
    """A schema's file name (schemas refer to each other by it: they share a folder)."""
    return f"{name}.schema.json"


def schema(name: str) -> str:
    return f"{SCHEMA_FOLDER}{schema_name(name)}"


def as_at_index(document_key: str) -> str:
    """A document's versions by recorded date, for "the text in force on a date" lookups
    (the document page's ``?at=YYYY-MM-DD`` and other tools): small, static, one per
    document."""
    return f"{AS_AT_FOLDER}{document_key}.json"


def platform_record(platform_id: str) -> str:
    return f"{PLATFORM_RECORDS}{platform_id}.json"


def document_record(document_key: str) -> str:
    return f"{DOCUMENT_RECORDS}{document_key}.json"


def provision_record(provision_key: str) -> str:
    return f"{PROVISION_RECORDS}{provision_key}.json"


def registry_records(registry: str) -> str:
    """The folder of a registry's JSON records."""
    return f"{DATA}{registry}/"


def registry_record(registry: str, entry_id: str) -> str:
    return f"{registry_records(registry)}{entry_id}.json"


def sitemap_part(name: str) -> str:
    """One sitemap of the index (``pages-1``, ``pages-2``...: the protocol limits a sitemap's
    URLs)."""
    return f"{SITEMAP_FOLDER}{name}.xml"


def pagefind_file(name: str) -> str:
    """A file of the search bundle (its interface's script and style)."""
    return f"{PAGEFIND}{name}"


SEARCH_STABLE = "stable/"
"""The stable search segment's folder in the search bundle (the recent segment is the
bundle's root, which holds Pagefind's interface and WebAssembly)."""
SEARCH_SETTLED = "settled/"
"""The settled search segment's folder (versions newer than the stable segment's, in
smaller steps)."""
SEARCH_LATEST = "latest/"
"""The latest search segment's folder (the versions newer than the settled segment's)."""
SEARCH_SEGMENTS = f"{PAGEFIND}segments.json"
"""The file, at the search bundle's root, naming the segments the search page merges."""
SEARCH_HIDDEN = f"{SEARCH_LATEST}pagefind-entry.json"
"""The file, in the search bundle, that lists the outdated records the search page hides (the
latest segment's entry file, which changes with every new version anyway)."""
SEARCH_RESULTS = f"{PAGEFIND}govsite/pagefind.js"
"""Pagefind's module as the search page's interface loads it, with the records
``SEARCH_SEGMENTS`` lists as outdated left out of the results."""


def search_shelf(number: int) -> str:
    """The folder, in the search bundle, of one shelf of long pages."""
    return f"texts-{number}/"


def asset(name: str) -> str:
    """A stylesheet or script govsite ships with the site."""
    return f"assets/govsite/{name}"


def with_anchor(url: str, anchor: str) -> str:
    """An anchor of the page at ``url``."""
    return f"{url}#{anchor}"


def page_source(url: str) -> str:
    """The Markdown file mkdocs knows a page by (its navigation names pages so)."""
    return f"{url}index.md"


def page_file(url: str) -> str:
    """The file a folder URL is published as."""
    return f"{url}index.html"


def url_of(path: str) -> str:
    """The published URL of an output file (folder URLs for ``index.html`` pages)."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


def manifest_part(url: str) -> str:
    """The part of the site whose manifest part lists ``url``: its first two folders (a
    document's pages and files, a platform's, one folder of texts...), ``""`` for the files
    at the top."""
    return "/".join(url.split("/")[:-1][:2])


def manifest_part_file(part: str) -> str:
    """The site path of the manifest part listing the URLs of ``part`` (see
    :func:`manifest_part`): named by a hash of it, so any URL gives a plain file name, and the
    same part keeps its file from build to build."""
    return f"{MANIFEST_PARTS}{hashlib.sha256(part.encode('utf-8')).hexdigest()[:16]}.json.gz"


MANIFEST_PART_FILE = re.compile(re.escape(MANIFEST_PARTS) + r"[0-9a-f]{16}\.json\.gz")
"""The only names a manifest part has (:func:`manifest_part_file`): no other folder, and no
way out of it."""


def canonical(url: str) -> tuple[str, ...]:
    """The one form of a site URL or output path, by which two that a host serves from the
    same file compare equal: percent-escapes decoded, ``.``, ``..`` and empty segments
    resolved, a final ``index.html`` dropped (a folder URL is its ``index.html``), Unicode
    composed and case folded (file systems that ignore case or composition put both in one
    file). ``feed.xml`` and ``feed.xml/`` are one: a page cannot stand where a file does."""
    path = unicodedata.normalize("NFC", unquote(url.split("#", 1)[0].split("?", 1)[0]))
    parts: list[str] = []
    for part in path.casefold().replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    if parts and parts[-1] in ("index.html", "index.htm"):
        parts.pop()
    return tuple(parts)


def site_base(site_url: str) -> str:
    """The address site URLs are appended to: the site's address ending in ``/``, or ``/``
    alone when it has none."""
    return site_url.rstrip("/") + "/" if site_url else "/"


def relative(target: str, base: str) -> str:
    """Link from the page at folder URL ``base`` to ``target`` (a folder URL or a file,
    optionally with a query and a fragment)."""
    suffix = ""
    for mark in ("#", "?"):
        if mark in target:
            target, rest = target.split(mark, 1)
            suffix = mark + rest + suffix
    if target == base:
        return suffix or "./"
    path = posixpath.relpath(target or ".", base or ".") if target or base else "."
    if target.endswith("/") or target == "":
        path = "./" if path == "." else path + "/"
    return path + suffix
