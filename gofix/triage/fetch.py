"""`gofix triage URL`: fetching a goroutine dump straight from a net/http/pprof endpoint.

    gofix triage http://127.0.0.1:6060                      # the leak profile, else the dump
    gofix triage http://127.0.0.1:6060/debug/pprof/goroutine   # ?debug=2 is added
    gofix triage 'http://svc:6060/debug/pprof/goroutineleak?debug=1'   # as given

A URL naming only the server (or `/debug/pprof/`) means the most telling dump it serves:
`/debug/pprof/goroutineleak?debug=2` (Go 1.27: every goroutine, the ones the runtime proved
leaked marked `(leaked)`; asking for it runs one extra garbage collection in the service),
and `/debug/pprof/goroutine?debug=2` when that profile is missing (404: Go before 1.27, or
1.26 without GOEXPERIMENT=goroutineleakprofile). A profile URL without `debug=` gets
`debug=2`. Only http and https; redirects are followed by urllib as usual.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import IO

TIMEOUT = 30.0  # seconds per connect / read
_ENDPOINTS = ("/debug/pprof/goroutineleak", "/debug/pprof/goroutine")
_BASES = ("", "/", "/debug/pprof", "/debug/pprof/")


class FetchError(Exception):
    pass


def is_url(name: str) -> bool:
    return name.startswith(("http://", "https://"))


def candidates(url: str) -> list[str]:
    """The URLs to try, in order, for what the user typed."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"{url}: not an http(s) URL")
    query = urllib.parse.parse_qs(parts.query)
    if parts.path in _BASES:
        return [urllib.parse.urlunsplit((parts.scheme, parts.netloc, p, "debug=2", "")) for p in _ENDPOINTS]
    if "debug" not in query and parts.path.rstrip("/").endswith(("/goroutine", "/goroutineleak")):
        q = (parts.query + "&" if parts.query else "") + "debug=2"
        return [urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), q, ""))]
    return [url]


def open_url(url: str, timeout: float = TIMEOUT) -> tuple[IO[bytes], str]:
    """An open response for the first candidate URL that answers 200, and that URL."""
    urls = candidates(url)
    last = ""
    for i, u in enumerate(urls):
        try:
            resp = urllib.request.urlopen(u, timeout=timeout)  # noqa: S310 (http/https checked above)
        except urllib.error.HTTPError as e:
            last = f"{u}: HTTP {e.code} {e.reason}"
            e.close()
            if e.code == 404 and i + 1 < len(urls):
                continue  # no goroutineleak profile in this Go: the plain dump
            raise FetchError(last) from e
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            raise FetchError(f"{u}: cannot fetch: {reason}") from e
        return resp, u
    raise FetchError(last or f"{url}: nothing to fetch")


__all__ = ["FetchError", "TIMEOUT", "candidates", "is_url", "open_url"]
