"""A local preview of a built site that serves it as an object store behind a CDN does: a
page stored gzip-compressed (``compress_texts``) is sent with ``Content-Encoding: gzip``,
which the browser decodes. ``mkdocs serve`` and a plain file server send such a page as it
is stored, which a browser shows as binary or downloads."""

from __future__ import annotations

import functools
import http.server
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from ..encoded import decoded, is_encoded


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Files of the site as they are stored; a stored-compressed page with the header that
    says so (or decompressed, for a client that does not accept gzip)."""

    quiet = False
    """Whether requests go unlogged (the tests' servers)."""

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            stored = path.read_bytes()
            if is_encoded(stored):
                return self._encoded(stored)
        return super().send_head()

    def _encoded(self, stored: bytes) -> io.BytesIO:
        accepted = "gzip" in self.headers.get("Accept-Encoding", "")
        body = stored if accepted else decoded(stored)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if accepted:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class _QuietHandler(PreviewHandler):
    quiet = True


def preview_server(site: Path, host: str, port: int, quiet: bool = False) -> http.server.HTTPServer:
    """A server of the built site in ``site`` at ``host``:``port`` (0: a free port)."""
    handler = functools.partial(_QuietHandler if quiet else PreviewHandler, directory=str(site))
    return http.server.ThreadingHTTPServer((host, port), handler)


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
