"""The local preview server (``govsite serve``) against hostile requests and hostile site
folders: it sends files of the site only, lists no folder, names each file's type for good,
and answers what it cannot serve with an error status, never a traceback."""

from __future__ import annotations

import gzip
import http.client
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli.preview import accepts_gzip, previewed

PAGE = b"<!doctype html><title>t</title><p>" + b"words " * 200


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "texts" / "ab").mkdir(parents=True)
    (root / "index.html").write_bytes(b"<!doctype html><p>home")
    (root / "texts" / "ab" / "page.html").write_bytes(gzip.compress(PAGE, mtime=0))
    (root / "texts" / "ab" / "damaged.html").write_bytes(b"\x1f\x8b not gzip at all")
    (root / "data.unknownext").write_bytes(b"<script>alert(1)</script>")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret")
    (outside / "index.html").write_bytes(b"secret page")
    os.symlink(outside / "secret.txt", root / "leak.txt")
    os.symlink(outside, root / "out")
    return root


@pytest.fixture
def base(site: Path) -> Iterator[tuple[str, int]]:
    with previewed(site) as url:
        host, port = url.removeprefix("http://").rstrip("/").split(":")
        yield host, int(port)


def request(
    server: tuple[str, int], path: str, method: str = "GET", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*server, timeout=10)
    # The path as a hostile client sends it: no quoting or checking by the client.
    connection.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name.replace("_", "-"), value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize(
    "path",
    ["/leak.txt", "/out/secret.txt", "/out/", "/%2e%2e/outside/secret.txt", "/../outside/"],
)
def test_nothing_outside_the_site_folder_is_sent(
    base: tuple[str, int], path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, body = request(base, path)
    assert status == 404
    assert b"secret" not in body
    assert "Traceback" not in capsys.readouterr().err


def test_a_folder_is_not_listed(base: tuple[str, int]) -> None:
    status, _, body = request(base, "/texts/ab/")
    assert status == 404
    assert b"page.html" not in body


@pytest.mark.parametrize(
    "path", ["/a%00b.html", "/texts/%00/", "/" + "a" * 5000 + ".html", "/" + "x/" * 3000]
)
def test_a_malformed_path_gets_an_error_status_not_a_traceback(
    base: tuple[str, int], path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, _ = request(base, path)
    assert status == 404
    assert "Traceback" not in capsys.readouterr().err


def test_a_folder_named_like_a_page_is_redirected_to_its_slash(
    site: Path, base: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "odd.html").mkdir()
    status, headers, _ = request(base, "/odd.html")
    assert status == 301 and headers["location"] == "/odd.html/"
    assert "odd.html" not in capsys.readouterr().err


def test_a_damaged_stored_page_gets_an_error_status_not_a_traceback(
    base: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, _ = request(base, "/texts/ab/damaged.html")
    assert status == 500
    assert "Traceback" not in capsys.readouterr().err


def test_every_answer_forbids_type_sniffing(base: tuple[str, int]) -> None:
    for path in ("/", "/texts/ab/page.html", "/data.unknownext", "/missing"):
        _, headers, _ = request(base, path, Accept_Encoding="gzip")
        assert headers["x-content-type-options"] == "nosniff", path
    _, headers, _ = request(base, "/data.unknownext")
    assert headers["content-type"] == "application/octet-stream"


def test_a_client_that_refuses_gzip_gets_the_page_decoded(base: tuple[str, int]) -> None:
    for refusal in ("", "identity", "gzip;q=0", "br, gzip; q=0.0", "*;q=0"):
        status, headers, body = request(base, "/texts/ab/page.html", Accept_Encoding=refusal)
        assert status == 200, refusal
        assert "content-encoding" not in headers, refusal
        assert body == PAGE
        assert headers["content-length"] == str(len(PAGE))
    status, headers, body = request(base, "/texts/ab/page.html", Accept_Encoding="br, gzip")
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == PAGE


def test_head_sends_the_headers_of_get_without_the_body(base: tuple[str, int]) -> None:
    for accepted in ("gzip", ""):
        _, got, body = request(base, "/texts/ab/page.html", Accept_Encoding=accepted)
        status, head, nothing = request(
            base, "/texts/ab/page.html", method="HEAD", Accept_Encoding=accepted
        )
        assert status == 200 and nothing == b""
        assert head["content-length"] == got["content-length"] == str(len(body))
        assert head.get("content-encoding") == got.get("content-encoding")


def test_accepts_gzip_reads_weights() -> None:
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("*")
    assert accepts_gzip("gzip;q=0.5")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("gzip;q=nonsense")
    assert not accepts_gzip("deflate")
    assert not accepts_gzip("*;q=0, br")


def test_serve_refuses_a_port_out_of_range_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "serve", str(tmp_path), "--port", "70000"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--port" in result.stderr and "Traceback" not in result.stderr
