"""A local preview of a built site that serves it as an object store behind a CDN does: a
page stored gzip-compressed (``compress_texts``) is sent with ``Content-Encoding: gzip``,
which the browser decodes. ``mkdocs serve`` and a plain file server send such a page as it
is stored, which a browser shows as binary or downloads."""

from __future__ import annotations

import functools
import http.server
import io
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from ..encoded import EncodedError, decoded, is_encoded


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Files of the site as they are stored; a stored-compressed page with the header that
    says so (or decompressed, for a client that does not accept gzip). Nothing outside the
    site folder is sent (a symbolic link out of it is not followed), folders are not
    listed, and a request it cannot answer gets an error status, not a traceback."""

    quiet = False
    """Whether requests go unlogged (the tests' servers)."""

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        try:
            path = self._site_file()
        except (OSError, ValueError):  # a name too long, a NUL byte, a loop of links
            path = None
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if path.suffix == ".html" and path.is_file():  # not a folder named so
            stored = path.read_bytes()
            if is_encoded(stored):
                return self._encoded(stored)
        return super().send_head()

    def _site_file(self) -> Path | None:
        """The file of the site a request names (a folder's ``index.html``); ``None`` when
        there is none, or when it lies outside the site folder. A folder named without its
        final slash stays as it is, for the base class to redirect."""
        root = Path(self.directory).resolve()
        path = Path(self.translate_path(self.path)).resolve()
        if not path.is_relative_to(root):
            return None
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return path
            path = (path / "index.html").resolve()
            if not path.is_relative_to(root):
                return None
        return path if path.is_file() or path.is_dir() else None

    def _encoded(self, stored: bytes) -> io.BytesIO | None:
        accepted = accepts_gzip(self.headers.get("Accept-Encoding", ""))
        try:
            body = stored if accepted else decoded(stored)
        except EncodedError as exc:
            self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, f"stored page: {exc}")
            return None
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if accepted:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        # A host of a static site lists no folder: neither does its preview.
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def end_headers(self) -> None:
        # Each file's type is the one its name says, never one a browser guesses.
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip (named, or ``*``, with a weight
    above 0)."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name.strip().lower()] = weight
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


class _PreviewServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that goes away mid-answer, say: one line, not a traceback.
        problem = sys.exc_info()[1]
        sys.stderr.write(f"govsite serve: {client_address[0]}: request not answered: {problem!r}\n")


class _QuietHandler(PreviewHandler):
    quiet = True


def preview_server(site: Path, host: str, port: int, quiet: bool = False) -> http.server.HTTPServer:
    """A server of the built site in ``site`` at ``host``:``port`` (0: a free port)."""
    handler = functools.partial(_QuietHandler if quiet else PreviewHandler, directory=str(site))
    return _PreviewServer((host, port), handler)


@contextmanager
def previewed(site: Path) -> Iterator[str]:
    """The built site in ``site`` served on a free local port while the block runs: its
    base URL."""
    server = preview_server(site, "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
