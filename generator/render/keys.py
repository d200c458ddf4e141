"""Cache keys of rendered output, computed from the model it is rendered from.

A key hashes every record an output shows, so an output found under its key is exactly what
rendering it again would give. The code and templates are in every key
(:func:`generator.cache.code_fingerprint`); the site engine adds its theme's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from ..cache import code_fingerprint, digest
from ..config import SiteConfig
from ..site.model import LinkedDocument, SiteModel


def canonical(value: Any) -> str:
    """A record as text that is the same for equal records, whatever the run."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(
            f"{f.name}={canonical(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({fields})"
    if isinstance(value, dict):
        return "{" + ",".join(f"{canonical(k)}:{canonical(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    if isinstance(value, str | int | float | bool | None | dt.datetime | dt.date):
        return repr(value)
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _versions(document: LinkedDocument) -> list[str]:
    return [
        f"{e.slug}|{e.version.commit}|{e.version.blob}|{e.version.path}|"
        f"{e.version.date.isoformat()}|{e.version.kind.value}|{e.version.message}"
        for e in document.versions
    ]


def _settings(config: SiteConfig) -> list[str]:
    return [
        config.site_name,
        config.site_url,
        config.licence,
        config.attribution,
        config.collection,
    ]


def history_key(model: SiteModel, document: LinkedDocument, config: SiteConfig) -> str:
    """Everything a document's history pages show: its versions, its platform, the analyses
    and change notes of the document (their markers and histories appear on its pages), and
    the site's settings."""
    platform = model.content.platforms[document.document.platform]
    return digest(
        code_fingerprint(),
        *_settings(config),
        document.key,
        canonical(platform),
        *(canonical(p.provision) for p in model.provisions.values() if p.document is document),
        *(canonical(e.note) for e in document.versions if e.note is not None),
        *_versions(document),
    )


def model_key(model: SiteModel, config: SiteConfig) -> str:
    """Everything the model is made from: settings, content and every version."""
    return digest(
        code_fingerprint(),
        *_settings(config),
        canonical(model.content),
        *(line for d in model.documents.values() for line in _versions(d)),
    )
