"""A thin GitHub REST API client for the pull-request bot (httpx).

Only the calls the bot needs: read the repository, find an open pull request for a head
branch, create one, update one. Every failure becomes a GitHubError whose message is
safe to print: the token never appears in it (see `Scrubber`).

Rate limits: a 429, or a 403 with `x-ratelimit-remaining: 0` or a `retry-after` header,
is retried after the advertised time (`retry-after` seconds, or until `x-ratelimit-reset`)
when that wait is within `max_wait` seconds, at most `max_retries` times. Server errors
(5xx) are retried the same bounded number of times with a short backoff.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx is imported when a client is made: `gofix check` never pays for it
    import httpx

from gofix import __version__

DEFAULT_API_URL = "https://api.github.com"
_URL_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.I)
API_VERSION = "2022-11-28"


class GitHubError(Exception):
    """An API failure with a message fit for the user (already scrubbed of the token)."""

    def __init__(self, message: str, status: int | None = None, kind: str = "api") -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind  # "auth", "rate-limit", "network", "not-found", "api"


@dataclass
class Scrubber:
    """Removes secrets (the token, and the forms git sees it in) from any text."""

    secrets: list[str] = field(default_factory=list)

    @classmethod
    def for_token(cls, token: str | None) -> "Scrubber":
        if not token:
            return cls([])
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        return cls([token, basic, quote(token, safe="")])

    def __call__(self, text: object) -> str:
        s = str(text)
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret:
                s = s.replace(secret, "***")
        # credentials written into a remote URL (https://user:secret@host/...)
        return _URL_USERINFO.sub(r"\1***@", s)


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str  # html_url
    title: str
    body: str
    base: str
    head: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PullRequest":
        return cls(
            number=int(data["number"]),
            url=str(data.get("html_url") or ""),
            title=str(data.get("title") or ""),
            body=str(data.get("body") or ""),
            base=str((data.get("base") or {}).get("ref") or ""),
            head=str((data.get("head") or {}).get("ref") or ""),
        )


class GitHub:
    """`GitHub(api_url, token, "owner/name")`; close() when done (or use as a context manager)."""

    def __init__(
        self,
        api_url: str,
        token: str,
        repo: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.repo = repo
        self.scrub = Scrubber.for_token(token)
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._sleep = sleep
        self._now = now
        import httpx

        self._client = httpx.Client(
            base_url=self.api_url,
            timeout=timeout,
            transport=transport,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"gofix-bot/{__version__}",
            },
            follow_redirects=False,
        )

    def __enter__(self) -> "GitHub":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # --- the calls the bot makes ---------------------------------------------------------------

    def get_repo(self) -> dict[str, Any]:
        """GET /repos/{owner}/{repo}: also proves the token works before anything is pushed."""
        return self._request("GET", f"/repos/{self.repo}").json()

    def find_open_pull(self, head_owner: str, branch: str) -> PullRequest | None:
        r = self._request("GET", f"/repos/{self.repo}/pulls",
                          params={"head": f"{head_owner}:{branch}", "state": "open"})
        items = r.json()
        if not isinstance(items, list):
            raise GitHubError(f"GitHub API: unexpected answer listing pull requests of {self.repo}")
        for item in items:
            pr = PullRequest.from_json(item)
            if pr.head == branch:
                return pr
        return None

    def create_pull(self, title: str, body: str, head: str, base: str) -> PullRequest:
        r = self._request("POST", f"/repos/{self.repo}/pulls",
                          json={"title": title, "body": body, "head": head, "base": base,
                                "maintainer_can_modify": True})
        return PullRequest.from_json(r.json())

    def update_pull(self, number: int, **fields: str) -> PullRequest:
        r = self._request("PATCH", f"/repos/{self.repo}/pulls/{number}", json=fields)
        return PullRequest.from_json(r.json())

    # --- transport, retries, errors ------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        import httpx

        attempt = 0
        while True:
            try:
                r = self._client.request(method, path, **kwargs)
            except httpx.TimeoutException as e:
                raise GitHubError(self.scrub(f"GitHub API at {self.api_url} timed out ({method} {path}): {e}"),
                                  kind="network") from None
            except httpx.TransportError as e:
                raise GitHubError(self.scrub(f"cannot reach the GitHub API at {self.api_url}: {e}"),
                                  kind="network") from None
            if r.status_code < 400:
                return r
            wait = self._retry_wait(r)
            if wait is not None and attempt < self.max_retries:
                attempt += 1
                self._sleep(wait)
                continue
            raise self._error(method, path, r, wait)

    def _retry_wait(self, r: httpx.Response) -> float | None:
        """Seconds to wait before retrying r, or None if r is not worth retrying."""
        status = r.status_code
        limited = status == 429 or (status == 403 and (
            r.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in r.headers))
        if limited:
            wait = self._advertised_wait(r)
            return wait if wait <= self.max_wait else None
        if status >= 500:
            return 1.0
        return None

    def _advertised_wait(self, r: httpx.Response) -> float:
        ra = r.headers.get("retry-after")
        if ra is not None:
            try:
                return max(0.0, float(ra))
            except ValueError:
                pass
        reset = r.headers.get("x-ratelimit-reset")
        if reset is not None:
            try:
                return max(0.0, float(reset) - self._now()) + 1.0
            except ValueError:
                pass
        return 60.0  # GitHub's advice for secondary limits without a header

    def _error(self, method: str, path: str, r: httpx.Response, wait: float | None) -> GitHubError:
        detail = _api_message(r)
        where = f"{method} {path}"
        status = r.status_code
        if status == 401:
            msg, kind = (f"GitHub API authentication failed ({where}: 401 {detail}); "
                         "check the token (GITHUB_TOKEN or --token-env)"), "auth"
        elif status == 429 or (status == 403 and (r.headers.get("x-ratelimit-remaining") == "0"
                                                  or "retry-after" in r.headers)):
            advertised = self._advertised_wait(r)
            msg, kind = (f"GitHub API rate limit hit ({where}); retried {self.max_retries} time(s) "
                         f"or the advertised wait ({advertised:.0f}s) exceeds the {self.max_wait:.0f}s bound; "
                         "try again later"), "rate-limit"
        elif status == 403:
            msg, kind = (f"GitHub API refused {where} (403 {detail}); the token may lack the "
                         "'contents: write' and 'pull-requests: write' permissions"), "auth"
        elif status == 404:
            msg, kind = (f"GitHub API: {where} not found (404); check --repo {self.repo} "
                         "and that the token can see it"), "not-found"
        elif status == 422:
            msg, kind = f"GitHub API rejected {where} (422 {detail})", "api"
        else:
            msg, kind = f"GitHub API error on {where}: {status} {detail}", "api"
        return GitHubError(self.scrub(msg), status=status, kind=kind)


def _api_message(r: httpx.Response) -> str:
    try:
        data = r.json()
    except ValueError:
        return (r.text or r.reason_phrase or "").strip()[:200]
    if not isinstance(data, dict):
        return ""
    msg = str(data.get("message") or "")
    errors = data.get("errors")
    if isinstance(errors, list):
        parts = [str(e.get("message") or e.get("code") or e) if isinstance(e, dict) else str(e) for e in errors]
        if parts:
            msg += ": " + "; ".join(parts)
    return msg[:300]
