"""Stage 6, render: the linked model as pages (finished HTML) and static files.

Templates are jinja2 files in ``templates/pages`` (a site can override any of them from its
own templates folder). Autoescaping is on; the only HTML that templates receive unescaped
comes from :mod:`generator.safemd`, which emits no live markup, and from this module's own
builders, which escape every piece of text they place.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import multiprocessing
import multiprocessing.process
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

import jinja2
from markupsafe import Markup, escape

from . import safemd
from .cache import Cache, code_fingerprint, digest, tree_digest
from .charts import changes_per_month, exposure_per_topic
from .cite import Citable, citations
from .config import SiteConfig
from .data import SCHEMAS, data_files, dataset_zip, json_bytes
from .diagnostics import Diagnostics
from .diff import Segment
from .feeds import FeedEntry, atom_feed
from .history import BlobReader, VersionKind
from .link import DocumentVersion, LinkedDocument, LinkedProvision, SiteModel, TextSource
from .model import Platform
from .pages import BlobFile, Page, PageStream, StaticFile, TocEntry, relative_url
from .parse import BLOCK_ATTRIBUTE, BLOCK_SLOT, INLINE_SLOT, TextView
from .track import ADDED, CHANGED, EQUAL, MOVED, REMOVED, locate

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
if not PACKAGE_TEMPLATES.is_dir():  # editable install: the repository's own folder
    PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"

EXPOSURE_ORDER = {"high": 0, "medium": 1, "low": 2}
SITE_FEED_LENGTH = 100
ASSETS = ("govsite.css", "govsite.js", "compare.js")


class RawReader(Protocol):
    root: Path
    """The archive's work tree (a background process opens its own reader there)."""

    def raw(self, blob: str) -> bytes: ...


def make_environment(
    extra_dirs: Iterable[Path] = (), cache_dir: Path | None = None
) -> jinja2.Environment:
    """The page templates' environment; compiled templates are kept in ``cache_dir``."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d)) for d in extra_dirs]
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES / "pages")))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(cache_dir),
    )
    env.filters["md"] = lambda text: Markup(safemd.render_markdown(text or ""))
    env.filters["md_inline"] = lambda text: Markup(safemd.render_markdown(text or "", inline=True))
    env.filters["clean"] = lambda text: safemd.clean_text(text or "")
    env.filters["day"] = lambda value: value.strftime("%Y-%m-%d")
    env.filters["longday"] = lambda value: f"{value:%B} {value.day}, {value.year}"
    env.filters["segments"] = render_segments
    env.globals["VersionKind"] = VersionKind
    env.globals["change_summary"] = change_summary
    return env


def bytecode_cache(cache_dir: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates on disk (Jinja checks each against its source's hash)."""
    if cache_dir is None:
        return None
    folder = cache_dir / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def anchor_for(provision_slug: str) -> str:
    return f"analysis-{provision_slug}"


def version_url(document_key: str, slug: str) -> str:
    return f"{document_key}/{slug}/"


def render_segments(segments: list[Segment]) -> Markup:
    """A word diff as HTML: deletions and insertions are marked by more than colour."""
    out = []
    for segment in segments:
        text = escape(segment.text)
        if segment.op == "+":
            out.append(
                Markup(
                    '<ins><span class="govsite-sr">[inserted: </span>{}<span class="govsite-sr">]</span></ins>'
                ).format(text)
            )
        elif segment.op == "-":
            out.append(
                Markup(
                    '<del><span class="govsite-sr">[deleted: </span>{}<span class="govsite-sr">]</span></del>'
                ).format(text)
            )
        else:
            out.append(text)
    return Markup("").join(out)


def fill_view(
    view: TextView, anchors: list[str] | None = None, marks: dict[int, list[Markup]] | None = None
) -> str:
    """A version's text as HTML: the text's view with its clause anchors and markers."""
    marks = marks or {}

    def attribute(match: re.Match[str]) -> str:
        index = int(match.group(1))
        out = f' id="{anchors[index]}"' if anchors else ""
        return out + (' class="govsite-marked"' if index in marks else "")

    def inline(match: re.Match[str]) -> str:
        index = int(match.group(1))
        prefix = ""
        if anchors and index in view.hidden_anchor:
            prefix = f'<span id="{anchors[index]}"></span>'
        return prefix + "".join(marks.get(index, ()))

    def block(match: re.Match[str]) -> str:
        content = inline(match)
        return f"<div>{content}</div>\n" if content else ""

    html = BLOCK_ATTRIBUTE.sub(attribute, view.template)
    html = INLINE_SLOT.sub(inline, html)
    return BLOCK_SLOT.sub(block, html)


class Renderer:
    """Renders every page and file of a site model."""

    def __init__(
        self,
        model: SiteModel,
        texts: TextSource,
        env: jinja2.Environment,
        config: SiteConfig,
        raw: RawReader,
        cache: Cache | None = None,
        diag: Diagnostics | None = None,
    ) -> None:
        self.model = model
        self.texts = texts
        self.env = env
        self.config = config
        self.raw = raw
        self.cache = cache or Cache(None)
        self.blob_files: list[BlobFile] = []
        """Version texts to publish (filled by :meth:`render`)."""
        self.diag = diag if diag is not None else Diagnostics()
        self.site_url = config.site_url.rstrip("/") + "/" if config.site_url else "/"

    def absolute(self, url: str) -> str:
        return self.site_url + url

    def _page(self, template: str, url: str, title: str, kind: str, **context: Any) -> Page:
        def u(target: str) -> str:
            return relative_url(target, url)

        toc: list[TocEntry] = []

        def section(anchor: str, heading: str) -> Markup:
            toc.append(TocEntry(2, anchor, heading))
            return Markup('<h2 id="{}">{}</h2>').format(anchor, heading)

        html = self.env.get_template(template).render(
            u=u, section=section, model=self.model, content=self.model.content,
            site_name=self.config.site_name, title=title, **context
        )  # fmt: skip
        meta: dict[str, str] = {}
        if "cite_as" in context:
            meta["cite_as"] = str(context["cite_as"])
        return Page(
            url=url,
            title=title,
            html=html,
            kind=kind,
            toc=toc,
            description=str(context.get("description", "")),
            searchable=bool(context.get("searchable", True)),
            meta=meta,
        )

    def render(self) -> tuple[list[Page], list[StaticFile], list[PageStream]]:
        """Pages for the site generator, static files, and one page stream per document."""
        model = self.model
        pages: list[Page] = [self.platforms_index(), self.analyses_index()]
        files: list[StaticFile] = [
            StaticFile(f"assets/govsite/{name}", (PACKAGE_TEMPLATES / "assets" / name).read_bytes())
            for name in ASSETS
        ]
        streams: list[PageStream] = []
        for platform in model.content.platforms.values():
            pages.append(self.platform_page(platform))
        for document in model.documents.values():
            pages.append(self.document_page(document))
            entries = self.stream_entries(document)
            streams.append(
                PageStream(
                    document.key,
                    self.fingerprint(document),
                    lambda entries=entries: (make() for _, make in entries),  # type: ignore[misc]
                    [url for url, _ in entries],
                )
            )
            self.blob_files.extend(
                BlobFile(f"{version_url(document.key, entry.slug)}text.txt", entry.version.blob)
                for entry in document.versions
                if not entry.is_removal
            )
        for provision in model.provisions.values():
            pages.append(self.provision_page(provision))
        for registry in ("topics", "regulations", "jurisdictions"):
            pages.append(self.registry_index(registry))
        for topic_id in model.content.topics:
            pages.append(self.topic_page(topic_id))
        for regulation_id in model.content.regulations:
            pages.append(self.regulation_page(regulation_id))
        for jurisdiction_id in model.content.jurisdictions:
            pages.append(self.jurisdiction_page(jurisdiction_id))
        pages.append(self.data_page())
        files.extend(self.data_and_feeds())
        files.append(self.dataset())
        for page in pages:
            page.in_nav = page.kind == "hub"
        live = {page.url for page in pages} | {url for s in streams for url in s.urls}
        retired_pages, retired_files = self.retired(live)
        pages.extend(retired_pages)
        files.extend(retired_files)
        return pages, files, streams

    def data_and_feeds(self) -> list[StaticFile]:
        """JSON records, CSV and feeds: from the cache when the model's inputs are unchanged."""
        key = digest("data and feeds", self.model_key())
        cached = self.cache.get("files", key)
        if isinstance(cached, list):
            return [StaticFile(path, content) for path, content in cached]
        files = [*data_files(self.model, self.absolute), *self.feeds()]
        self.cache.put("files", key, [(f.path, f.content) for f in files])
        return files

    def model_key(self) -> str:
        """Everything the model is made from: code, settings, content and every version."""
        model = self.model
        return digest(
            code_fingerprint(),
            self.config.site_url,
            self.config.site_name,
            self.config.licence,
            self.config.attribution,
            tree_digest([self.config.content_dir]),
            *(
                f"{d.key}|{e.slug}|{e.version.commit}|{e.version.blob}|{e.version.path}"
                for d in model.documents.values()
                for e in d.versions
            ),
        )

    def dataset(self) -> StaticFile:
        """The dataset zip: kept in the cache, made again only when one of its inputs changed.

        It is the slowest file to make (every text, compressed), so the site layer may start
        it in a background process while pages are built.
        """
        key = self.model_key()
        job = _DatasetJob(self, self.cache.entry_path("dataset", key))
        return StaticFile("data/dataset.zip", key=key, write=job.write, start=job.start)

    def write_dataset(self, target: Path, raw: Callable[[str], bytes]) -> None:
        dataset_zip(
            target,
            self.model,
            raw,
            self.absolute,
            self.config.licence,
            self.config.attribution,
            self.config.site_name,
        )

    def data_page(self) -> Page:
        return self._page(
            "data.html",
            "data/",
            "Data",
            "hub",
            schemas=sorted(SCHEMAS),
            licence=self.config.licence,
            attribution=self.config.attribution,
            changes_chart=changes_per_month(self.model),
            exposure_chart=exposure_per_topic(self.model),
            description="Download the archive's versions and the analyses as JSON, CSV and zip",
        )

    def retired(self, live: set[str]) -> tuple[list[Page], list[StaticFile]]:
        """Tombstones and redirects for published URLs that are gone.

        Retiring an analysis (a ``platform/document/slug/`` URL) also retires its history
        page and its data record, which went with it.
        """
        pages: list[Page] = []
        files: list[StaticFile] = []
        entries = dict(self.model.content.retired)
        for url, entry in self.model.content.retired.items():
            if url.count("/") == 3 and f"{url}history/" not in entries:
                redirect = f"{entry.redirect}history/" if entry.redirect else ""
                if not redirect or redirect in live:
                    entries[f"{url}history/"] = replace(
                        entry, url=f"{url}history/", redirect=redirect
                    )
        for url, entry in entries.items():
            if url in live:
                self.diag.error(
                    entry.origin, url, "this URL is still published; remove it from retired.yml"
                )
                continue
            if url.count("/") == 3 and f"{url[:-1]}.json" not in {
                f"{k}.json" for k in self.model.provisions
            }:
                record = {
                    "$schema": self.absolute("data/schema/retired.schema.json"),
                    "retired": entry.retired,
                    "reason": entry.reason,
                    "redirect": self.absolute(entry.redirect) if entry.redirect else None,
                    "url": self.absolute(url),
                }
                files.append(StaticFile(f"data/provisions/{url[:-1]}.json", json_bytes(record)))
            if entry.redirect:
                target = entry.redirect
                if target not in live:
                    self.diag.error(
                        entry.origins.get("redirect", entry.origin),
                        f"{url}.redirect",
                        f"redirect target {target!r} is not a page of this site",
                    )
                    continue
                files.append(StaticFile(f"{url}index.html", self.redirect_html(url, target)))
            else:
                pages.append(
                    self._page(
                        "tombstone.html",
                        url,
                        f"Removed: {url}",
                        "tombstone",
                        entry=entry,
                        searchable=False,
                        description=f"This page was removed on {entry.retired}",
                    )
                )
        return pages, files

    def redirect_html(self, url: str, target: str) -> bytes:
        relative = escape(relative_url(target, url))
        absolute = escape(self.absolute(target))
        return (
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Moved to {absolute}</title>\n"
            f'<link rel="canonical" href="{absolute}">\n'
            '<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={relative}">\n'
            "</head>\n<body>\n"
            f'<p>This page has moved to <a href="{relative}">{absolute}</a>.</p>\n'
            "</body>\n</html>\n"
        ).encode()

    def stream_entries(self, document: LinkedDocument) -> list[tuple[str, Callable[[], Page]]]:
        """A document's history pages: each URL with the function that renders it."""
        key = document.key
        entries: list[tuple[str, Callable[[], Page]]] = [
            (f"{key}/timeline/", lambda: self.timeline_page(document)),
            (f"{key}/compare/", lambda: self.compare_page(document)),
        ]
        for entry in document.versions:
            entries.append(
                (version_url(key, entry.slug), lambda e=entry: self.version_page(document, e))  # type: ignore[misc]
            )
            if entry.number > 1:
                entries.append(
                    (
                        version_url(key, entry.slug) + "changes/",
                        lambda e=entry: self.changes_page(document, e),  # type: ignore[misc]
                    )
                )
        for linked in self.model.provisions.values():
            if linked.document is document:
                entries.append(
                    (f"{linked.key}/history/", lambda p=linked: self.provision_history_page(p))  # type: ignore[misc]
                )
        return entries

    def fingerprint(self, document: LinkedDocument) -> str:
        """Everything a document's stream of pages is made from.

        Its versions (with slugs, kinds and messages), its platform's file, the analyses and
        change notes of the document (their markers and histories appear on its pages), the
        site's name and address; the build adds the code, templates and theme settings.
        """
        content_dir = self.config.content_dir
        platform, document_id = document.document.platform, document.document.id
        platform_files = [
            p for p in (content_dir / "platforms").glob(f"{platform}.*") if p.is_file()
        ]
        return digest(
            self.config.site_name,
            self.config.site_url,
            document.key,
            *(p.read_bytes() for p in sorted(platform_files)),
            tree_digest([content_dir / "provisions" / platform / document_id]),
            tree_digest([content_dir / "changes" / platform / document_id]),
            *(
                f"{e.slug}|{e.version.commit}|{e.version.blob}|{e.version.date.isoformat()}|"
                f"{e.version.kind.value}|{e.version.message}"
                for e in document.versions
            ),
        )

    # Hubs

    def platforms_index(self) -> Page:
        return self._page(
            "platforms.html",
            "platforms/",
            "Platforms",
            "hub",
            changes_chart=changes_per_month(self.model),
        )

    def analyses_index(self) -> Page:
        provisions = sorted(
            self.model.provisions.values(),
            key=lambda p: (EXPOSURE_ORDER.get(p.provision.exposure.level, 3), p.key),
        )
        return self._page(
            "analyses.html", "analyses/", "Analysed provisions", "hub", provisions=provisions
        )

    def registry_index(self, registry: str) -> Page:
        titles = {"topics": "Topics", "regulations": "Regulations"}
        title = titles.get(registry, "Jurisdictions")
        chart = exposure_per_topic(self.model) if registry == "topics" else None
        return self._page(f"{registry}.html", f"{registry}/", title, "hub", exposure_chart=chart)

    # Platforms and documents

    def platform_page(self, platform: Platform) -> Page:
        documents = [
            self.model.documents[d.key]
            for d in platform.documents.values()
            if d.key in self.model.documents
        ]
        provisions = [
            p for p in self.model.provisions.values() if p.provision.platform == platform.id
        ]
        return self._page(
            "platform.html",
            f"{platform.id}/",
            platform.name,
            "platform",
            platform=platform,
            documents=documents,
            provisions=provisions,
            description=f"Policies of {platform.name} and their analyses",
        )

    def _marks(
        self, document: LinkedDocument, entry: DocumentVersion, url: str
    ) -> dict[int, list[Markup]]:
        """Markers for the analysed clauses found in a version, linking to their analyses."""
        marks: dict[int, list[Markup]] = {}
        latest = document.latest
        for linked in self.model.provisions.values():
            if linked.provision.document_key != document.key:
                continue
            if entry is latest:
                match = linked.latest_match
            else:
                match = locate(linked.provision.quote, self.texts.searchable(entry.version))
            if match is None:
                continue
            marker = Markup(
                '<a class="govsite-marker govsite-exposure-{level}"{anchor} href="{href}" '
                'title="Analysis: {title}">Analysis: {title}</a> '
            ).format(
                level=linked.provision.exposure.level,
                anchor=Markup(' id="{}"').format(anchor_for(linked.provision.slug))
                if entry is latest
                else "",
                href=relative_url(f"{linked.key}/", url),
                title=linked.provision.title,
            )
            marks.setdefault(match.blocks[0], []).append(marker)
        return marks

    def document_page(self, document: LinkedDocument) -> Page:
        url = f"{document.key}/"
        platform = self.model.content.platforms[document.document.platform]
        provisions = [
            p for p in self.model.provisions.values() if p.provision.document_key == document.key
        ]
        latest = document.latest
        text_html = Markup("")
        if latest is not None:
            view = self.texts.view(latest.version)
            text_html = Markup(
                fill_view(view, latest.clause_ids, self._marks(document, latest, url))
            )
        return self._page(
            "document.html",
            url,
            f"{platform.name}: {document.document.title}",
            "document",
            platform=platform,
            document=document,
            latest=latest,
            provisions=provisions,
            text_html=text_html,
            description=f"The latest archived text of {platform.name}'s {document.document.title}",
        )

    def version_citable(self, document: LinkedDocument, entry: DocumentVersion) -> Citable:
        platform = self.model.content.platforms[document.document.platform]
        date = entry.version.date.date()
        return Citable(
            key=f"{document.key.replace('/', '-')}-{entry.slug}",
            author=platform.name,
            title=document.document.title,
            date=date,
            permalink=self.absolute(version_url(document.key, entry.slug)),
            publisher=self.config.site_name,
            source_url=document.document.url,
            content_hash=entry.version.blob if not entry.is_removal else "",
            version_label=f"version recorded {date.isoformat()}",
        )

    def version_page(self, document: LinkedDocument, entry: DocumentVersion) -> Page:
        url = version_url(document.key, entry.slug)
        platform = self.model.content.platforms[document.document.platform]
        text_html = Markup("")
        if not entry.is_removal:
            view = self.texts.view(entry.version)
            text_html = Markup(fill_view(view, entry.clause_ids, self._marks(document, entry, url)))
        citable = self.version_citable(document, entry)
        return self._page(
            "version.html",
            url,
            f"{platform.name}: {document.document.title}, version of {entry.slug}",
            "version",
            platform=platform,
            document=document,
            entry=entry,
            previous=document.previous(entry),
            following=document.next(entry),
            text_html=text_html,
            citations=citations(citable),
            citable=citable,
            cite_as=citable.permalink,
            searchable=False,
            description=(
                f"{platform.name} {document.document.title} as recorded on "
                f"{entry.version.date:%Y-%m-%d}"
            ),
        )

    def changes_page(self, document: LinkedDocument, entry: DocumentVersion) -> Page:
        url = f"{version_url(document.key, entry.slug)}changes/"
        platform = self.model.content.platforms[document.document.platform]
        previous = document.previous(entry)
        assert previous is not None
        rows: list[dict[str, Any]] = []
        if entry.is_removal:
            old_blocks = self.texts.view(previous.version).blocks if not previous.is_removal else []
            rows = [
                {"status": REMOVED, "old": b, "new": None, "id": previous.clause_ids[b.position]}
                for b in old_blocks
            ]
        else:
            new_blocks = self.texts.view(entry.version).blocks
            old_blocks = [] if previous.is_removal else self.texts.view(previous.version).blocks
            unchanged = 0
            for pair in entry.pairs or ():
                if pair.status == EQUAL:
                    unchanged += 1
                    continue
                if unchanged:
                    rows.append({"status": EQUAL, "count": unchanged})
                    unchanged = 0
                row: dict[str, Any] = {
                    "status": pair.status,
                    "old": old_blocks[pair.old] if pair.old is not None else None,
                    "new": new_blocks[pair.new] if pair.new is not None else None,
                    "id": entry.clause_ids[pair.new]
                    if pair.new is not None
                    else previous.clause_ids[pair.old]  # type: ignore[index]
                    if not previous.is_removal
                    else "",
                }
                if pair.status == CHANGED and pair.new is not None:
                    row["segments"] = entry.diffs.get(pair.new, [])
                rows.append(row)
            if unchanged:
                rows.append({"status": EQUAL, "count": unchanged})
        return self._page(
            "changes.html",
            url,
            f"{platform.name}: {document.document.title}, changes of {entry.slug}",
            "changes",
            platform=platform,
            document=document,
            entry=entry,
            previous=previous,
            rows=rows,
            statuses={"added": ADDED, "removed": REMOVED, "changed": CHANGED, "moved": MOVED},
            searchable=False,
            description=(
                f"What changed in {platform.name}'s {document.document.title} on "
                f"{entry.version.date:%Y-%m-%d}"
            ),
        )

    def timeline_page(self, document: LinkedDocument) -> Page:
        platform = self.model.content.platforms[document.document.platform]
        return self._page(
            "timeline.html",
            f"{document.key}/timeline/",
            f"{platform.name}: {document.document.title}, timeline",
            "timeline",
            platform=platform,
            document=document,
            svg=timeline_svg(document, f"{document.key}/timeline/"),
            description=f"Every recorded version of {platform.name}'s {document.document.title}",
        )

    def compare_page(self, document: LinkedDocument) -> Page:
        url = f"{document.key}/compare/"
        platform = self.model.content.platforms[document.document.platform]
        versions = [
            {
                "slug": e.slug,
                "label": f"{e.slug} ({e.version.kind.value})",
                "text": relative_url(f"{version_url(document.key, e.slug)}text.txt", url),
                "page": relative_url(version_url(document.key, e.slug), url),
            }
            for e in document.versions
            if not e.is_removal
        ]
        return self._page(
            "compare.html",
            url,
            f"{platform.name}: {document.document.title}, compare versions",
            "compare",
            platform=platform,
            document=document,
            versions_json=json.dumps(versions, ensure_ascii=True, sort_keys=True),
            versions=versions,
            searchable=False,
            description=f"Compare any two versions of {platform.name}'s {document.document.title}",
        )

    # Provisions

    def provision_citable(self, linked: LinkedProvision) -> Citable:
        provision = linked.provision
        platform = self.model.content.platforms[provision.platform]
        reviewed = dt.date.fromisoformat(provision.reviewed)
        analysed = linked.analyzed
        document = linked.document.document
        label = ""
        if analysed is not None:
            label = (
                f"analysis of {platform.name} {document.title}, version recorded "
                f"{analysed.version.date:%Y-%m-%d} ({self.absolute(version_url(linked.document.key, analysed.slug))})"
            )
        return Citable(
            key=linked.key.replace("/", "-"),
            author=", ".join(provision.authors),
            title=provision.title,
            date=reviewed,
            permalink=self.absolute(f"{linked.key}/"),
            publisher=self.config.site_name,
            source_url=document.url,
            content_hash=analysed.version.blob if analysed is not None else "",
            version_label=label,
        )

    def provision_page(self, linked: LinkedProvision) -> Page:
        provision = linked.provision
        platform = self.model.content.platforms[provision.platform]
        same_topic = [
            p
            for p in self.model.by_topic.get(provision.topic, [])
            if p.provision.platform != provision.platform
        ]
        related = [
            self.model.provisions[key] for key in provision.related if key in self.model.provisions
        ]
        last_change: DocumentVersion | None = None
        for entry in reversed(linked.document.versions):
            if not entry.is_technical:
                last_change = entry
                break
        citable = self.provision_citable(linked)
        return self._page(
            "provision.html",
            f"{linked.key}/",
            provision.title,
            "provision",
            linked=linked,
            provision=provision,
            platform=platform,
            document=linked.document,
            same_topic=same_topic,
            related=related,
            last_change=last_change,
            anchor=anchor_for(provision.slug),
            citations=citations(citable),
            citable=citable,
            cite_as=citable.permalink,
            description=safemd.clean_text(provision.summary.split("\n", 1)[0])[:200],
        )

    def provision_history_page(self, linked: LinkedProvision) -> Page:
        provision = linked.provision
        platform = self.model.content.platforms[provision.platform]
        return self._page(
            "provision_history.html",
            f"{linked.key}/history/",
            f"History: {provision.title}",
            "provision-history",
            linked=linked,
            provision=provision,
            platform=platform,
            document=linked.document,
            description=f"How the clause analysed in '{provision.title}' changed over time",
        )

    # Registries

    def topic_page(self, topic_id: str) -> Page:
        topic = self.model.content.topics[topic_id]
        provisions = self.model.by_topic.get(topic_id, [])
        by_platform: dict[str, list[LinkedProvision]] = {}
        for linked in provisions:
            by_platform.setdefault(linked.provision.platform, []).append(linked)
        return self._page(
            "topic.html",
            f"topics/{topic_id}/",
            topic.title,
            "topic",
            topic=topic,
            provisions=provisions,
            by_platform=dict(sorted(by_platform.items())),
            description=f"How platforms handle {topic.title.lower()}, compared",
        )

    def regulation_page(self, regulation_id: str) -> Page:
        regulation = self.model.content.regulations[regulation_id]
        entries = [
            (linked, ref)
            for linked in self.model.by_regulation.get(regulation_id, [])
            for ref in linked.provision.regulations
            if ref.id == regulation_id
        ]
        return self._page(
            "regulation.html",
            f"regulations/{regulation_id}/",
            regulation.title,
            "regulation",
            regulation=regulation,
            entries=entries,
            description=f"Platform provisions touching the {regulation.full_title}",
        )

    def jurisdiction_page(self, jurisdiction_id: str) -> Page:
        jurisdiction = self.model.content.jurisdictions[jurisdiction_id]
        entries = [
            (linked, ref)
            for linked in self.model.by_jurisdiction.get(jurisdiction_id, [])
            for ref in linked.provision.jurisdictions
            if ref.id == jurisdiction_id
        ]
        return self._page(
            "jurisdiction.html",
            f"jurisdictions/{jurisdiction_id}/",
            jurisdiction.name,
            "jurisdiction",
            jurisdiction=jurisdiction,
            entries=entries,
            description=f"Platform provisions flagged for {jurisdiction.name}",
        )

    # Feeds

    def feed_entry(self, document: LinkedDocument, entry: DocumentVersion) -> FeedEntry:
        platform = self.model.content.platforms[document.document.platform]
        base = version_url(document.key, entry.slug)
        link = self.absolute(base + "changes/" if entry.number > 1 else base)
        if entry.note is not None:
            summary = safemd.render_markdown(entry.note.summary)
            summary = (
                f"<p><strong>{escape(entry.note.significance.capitalize())}.</strong></p>{summary}"
            )
        else:
            summary = f"<p>{escape(change_summary(entry))}</p>"
        what = {
            VersionKind.FIRST: "first recorded",
            VersionKind.CHANGE: "changed",
            VersionKind.TECHNICAL: "re-extracted (technical, not a change by the platform)",
            VersionKind.REMOVAL: "removed from the archive",
        }[entry.version.kind]
        return FeedEntry(
            id=self.absolute(base),
            title=f"{platform.name} {document.document.title} {what} on {entry.version.date:%Y-%m-%d}",
            link=link,
            updated=entry.version.date,
            summary_html=summary,
        )

    def feeds(self) -> list[StaticFile]:
        name = self.config.site_name
        per_platform: dict[str, list[FeedEntry]] = {}
        every: list[FeedEntry] = []
        files: list[StaticFile] = []
        for document in self.model.documents.values():
            entries = [self.feed_entry(document, e) for e in document.versions]
            platform = self.model.content.platforms[document.document.platform]
            path = f"{document.key}/feed.xml"
            files.append(
                StaticFile(
                    path,
                    atom_feed(
                        self.absolute(path),
                        f"{platform.name} {document.document.title}: versions",
                        self.absolute(path),
                        self.absolute(f"{document.key}/"),
                        name,
                        entries,
                    ),
                )
            )
            per_platform.setdefault(platform.id, []).extend(entries)
            every.extend(entries)
        for platform_id, entries in per_platform.items():
            platform = self.model.content.platforms[platform_id]
            path = f"{platform_id}/feed.xml"
            files.append(
                StaticFile(
                    path,
                    atom_feed(
                        self.absolute(path),
                        f"{platform.name}: policy versions",
                        self.absolute(path),
                        self.absolute(f"{platform_id}/"),
                        name,
                        entries,
                    ),
                )
            )
        newest = sorted(every, key=lambda e: (e.updated, e.id), reverse=True)[:SITE_FEED_LENGTH]
        files.append(
            StaticFile(
                "feed.xml",
                atom_feed(
                    self.absolute("feed.xml"),
                    f"{name}: policy versions",
                    self.absolute("feed.xml"),
                    self.site_url,
                    name,
                    newest,
                ),
            )
        )
        return files


def change_summary(entry: DocumentVersion) -> str:
    """One line on the size of a version's change."""
    if entry.version.kind is VersionKind.FIRST and entry.stats is None:
        return f"First record: {entry.clause_count} clauses."
    stats = entry.stats
    if stats is None:
        return ""
    if entry.is_removal:
        return f"Removed from the archive ({stats.removed} clauses)."
    parts = []
    for count, label in (
        (stats.changed, "changed"),
        (stats.added, "added"),
        (stats.removed, "removed"),
        (stats.moved, "moved"),
    ):
        if count:
            parts.append(f"{count} {label}")
    clauses = ", ".join(parts) if parts else "no clause changed"
    words = f"+{stats.words_added} / -{stats.words_removed} words"
    prefix = "Technical re-extraction: " if entry.is_technical else ""
    return f"{prefix}{clauses} ({words})."


def timeline_svg(document: LinkedDocument, url: str) -> Markup:
    """A timeline of versions drawn at build time: one mark per version, sized by change."""
    versions = document.versions
    width, height, margin = 760, 120, 30
    start = versions[0].version.date.timestamp()
    end = versions[-1].version.date.timestamp()
    span = max(end - start, 1.0)
    colours = {
        VersionKind.FIRST: "#3949ab",
        VersionKind.CHANGE: "#c62828",
        VersionKind.TECHNICAL: "#757575",
        VersionKind.REMOVAL: "#000000",
    }
    parts = [
        Markup(
            '<svg class="govsite-timeline" viewBox="0 0 {w} {h}" width="100%" role="group" '
            'aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg">'
        ).format(w=width, h=height),
        Markup('<title id="timeline-title">Timeline of {}</title>').format(document.document.title),
        Markup(
            '<desc id="timeline-desc">{} versions from {} to {}; the table below lists them.</desc>'
        ).format(len(versions), versions[0].slug, versions[-1].slug),
        Markup(
            '<line x1="{a}" y1="60" x2="{b}" y2="60" stroke="#9e9e9e" stroke-width="2"/>'
        ).format(a=margin, b=width - margin),
    ]
    years = range(versions[0].version.date.year, versions[-1].version.date.year + 2)
    for year in years:
        stamp = dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()
        if start <= stamp <= end:
            x = margin + (stamp - start) / span * (width - 2 * margin)
            parts.append(
                Markup(
                    '<line x1="{x:.1f}" y1="50" x2="{x:.1f}" y2="70" stroke="#bdbdbd"/>'
                    '<text x="{x:.1f}" y="90" font-size="11" text-anchor="middle" fill="#616161">{y}</text>'
                ).format(x=x, y=year)
            )
    for entry in versions:
        x = margin + (entry.version.date.timestamp() - start) / span * (width - 2 * margin)
        words = entry.stats.words if entry.stats else 0
        radius = 4 + min(10.0, math.log1p(words))
        colour = colours[entry.version.kind]
        fill = "none" if entry.is_technical else colour
        href = relative_url(version_url(document.key, entry.slug), url)
        parts.append(
            Markup(
                '<a href="{href}" aria-label="{t}"><circle cx="{x:.1f}" cy="60" r="{r:.1f}" fill="{fill}" '
                'fill-opacity="0.6" stroke="{c}" stroke-width="2"><title>{t}</title></circle></a>'
            ).format(
                href=href,
                x=x,
                r=radius,
                fill=fill,
                c=colour,
                t=f"{entry.slug}: {entry.version.kind.value}. {change_summary(entry)}",
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


class _DatasetJob:
    """Makes the dataset zip into the cache, in a forked process when started early."""

    def __init__(self, renderer: Renderer, stored: Path | None) -> None:
        self.renderer = renderer
        self.stored = stored
        """The cache entry (``None`` without a cache: written straight to the site)."""
        self.process: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        if self.stored is None or self.stored.is_file() or self.process is not None:
            return
        context = multiprocessing.get_context("fork")
        self.process = context.Process(target=self._make_in_child, daemon=True)
        self.process.start()

    def _make_in_child(self) -> None:
        assert self.stored is not None
        with BlobReader(self.renderer.raw.root) as blobs:  # never the parent's git process
            self.renderer.write_dataset(self.stored, blobs.raw)

    def write(self, target: Path) -> None:
        if self.process is not None:
            self.process.join()
            self.process = None
        if self.stored is None:
            self.renderer.write_dataset(target, self.renderer.raw.raw)
            return
        if not self.stored.is_file():  # not started, or the child failed: make it here
            self.renderer.write_dataset(self.stored, self.renderer.raw.raw)
        shutil.copyfile(self.stored, target)
