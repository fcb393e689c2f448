"""Downloads from a model's public home into the download cache, safely.

- HTTPS only, and only to the hosts in `registry.ALLOWED_HOSTS`, redirects included
  (no http://, file://, 127.0.0.1 or 169.254.169.254);
- connect/read timeouts and an overall deadline, so an unreachable host fails within
  seconds with a `DownloadError` that names the model, the URL and how to work offline;
- a size cap per file, checked against Content-Length and while reading;
- atomic: files are written into a hidden temporary folder that is renamed into place only
  when every file is complete, so an interrupted download never leaves a half model that
  a later run would take as whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from models.errors import DownloadError
from models.formats.manifest import TFJS_FORMATS, read_manifest, weight_paths
from models.store.locate import Progress, offline_hint
from models.store.registry import ALLOWED_HOSTS, DatasetSpec, ModelSpec

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Policy:
    """What a download may do. The default is the production policy; tests widen it."""

    schemes: frozenset[str] = frozenset({"https"})
    hosts: frozenset[str] = ALLOWED_HOSTS
    max_bytes: int = 300 * 1024 * 1024
    timeout: float = 5.0  # per connect and per read: a silent host fails within this
    grace: float = 10.0  # seconds before the minimum rate applies
    min_rate: float = 20_000.0  # bytes/s on average; a slower trickle is given up

    def check(self, url: str) -> None:
        """Refuse a URL whose scheme or host the policy does not allow."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in self.schemes:
            raise DownloadError(
                f"Refusing {url}: only {', '.join(sorted(self.schemes))} downloads are allowed.",
                code="download_scheme",
                url=url,
            )
        if (parts.hostname or "") not in self.hosts:
            raise DownloadError(
                f"Refusing {url}: host '{parts.hostname}' is not on the allow-list of model hosts.",
                code="download_host",
                url=url,
                host=parts.hostname or "",
            )


DEFAULT_POLICY = Policy()


class _CheckedRedirect(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only when its target passes the same policy."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        self.policy.check(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, dest: Path, policy: Policy, progress: Progress | None, label: str) -> int:
    """Stream `url` into the file `dest` (which should be in a temp folder); return its size."""
    policy.check(url)
    opener = urllib.request.build_opener(_CheckedRedirect(policy))
    request = urllib.request.Request(url, headers={"User-Agent": "tensor-playground"})
    started = time.monotonic()
    with opener.open(request, timeout=policy.timeout) as response:
        total = response.headers.get("Content-Length")
        total = int(total) if total and total.isdigit() else None
        if total is not None and total > policy.max_bytes:
            raise DownloadError(
                f"{url} is {total} bytes, more than the {policy.max_bytes}-byte cap.",
                code="download_too_big",
                url=url,
            )
        done = 0
        with dest.open("wb") as out:
            while chunk := response.read1(CHUNK):
                done += len(chunk)
                if done > policy.max_bytes:
                    raise DownloadError(
                        f"{url} sent more than the {policy.max_bytes}-byte cap.",
                        code="download_too_big",
                        url=url,
                    )
                out.write(chunk)
                elapsed = time.monotonic() - started
                if elapsed > policy.grace and done / elapsed < policy.min_rate:
                    raise TimeoutError(f"too slow: {done} bytes in {elapsed:.0f} s")
                if progress:
                    progress(done, total, label)
        if total is not None and done != total:
            raise DownloadError(
                f"{url} ended after {done} of {total} bytes.", code="download_truncated", url=url
            )
    return done


def _failure(what: str, url: str, hint: str, exc: Exception) -> DownloadError:
    reason = getattr(exc, "reason", None) or exc
    return DownloadError(
        f"Could not download {what} from {url} ({reason}). {hint}",
        code="download_failed",
        what=what,
        url=url,
        reason=str(reason),
        hint=hint,
    )


def _shard_urls(model_json_url: str, names: list[str]) -> list[str]:
    """Shard URLs beside model.json, keeping its query (TF Hub needs `?tfjs-format=file`)."""
    base = urllib.parse.urlsplit(model_json_url)
    urls = []
    for name in names:
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            raise DownloadError(
                f"model.json at {model_json_url} names a weight file outside its folder: {name!r}.",
                code="download_bad_manifest",
                url=model_json_url,
            )
        path = base.path.rsplit("/", 1)[0] + "/" + urllib.parse.quote(name)
        urls.append(urllib.parse.urlunsplit(base._replace(path=path)))
    return urls


def download_model(
    spec: ModelSpec, dest: Path, progress: Progress | None = None, policy: Policy = DEFAULT_POLICY
) -> Path:
    """All files of `spec` into the folder `dest`, which appears only once complete."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.id}.", dir=dest.parent))
    url = spec.files[0].url
    try:
        for remote in spec.files:
            url = remote.url
            fetch(url, staging / remote.name, policy, progress, remote.name)
        if spec.format in TFJS_FORMATS:
            model_json_url = spec.files[0].url
            names = _manifest_paths(staging / "model.json", model_json_url)
            for name, url in zip(names, _shard_urls(model_json_url, names), strict=True):
                fetch(url, staging / name, policy, progress, name)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(staging, dest)
        return dest
    except DownloadError as exc:
        if exc.code in ("download_scheme", "download_host"):
            raise
        raise _failure(f"model '{spec.id}'", url, offline_hint(spec.id), exc) from exc
    except (OSError, urllib.error.URLError, ValueError, TimeoutError) as exc:
        raise _failure(f"model '{spec.id}'", url, offline_hint(spec.id), exc) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _manifest_paths(model_json: Path, url: str) -> list[str]:
    try:
        return weight_paths(read_manifest(model_json))
    except ValueError as exc:
        raise DownloadError(
            f"{url} is not a TF.js model.json (no weightsManifest).",
            code="download_bad_manifest",
            url=url,
        ) from exc


def download_dataset(
    spec: DatasetSpec, dest: Path, progress: Progress | None = None, policy: Policy = DEFAULT_POLICY
) -> Path:
    """The data set's file into `dest`, renamed into place only once complete."""
    assert spec.url is not None, "bundled data sets are not downloaded"
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    os.close(handle)
    temp = Path(temp_name)
    hint = (
        f"Put the file at $PLAYGROUND_DATA_DIR/{spec.path} or run "
        f"`python -m models download {spec.id}` on a connected machine."
    )
    try:
        fetch(spec.url, temp, policy, progress, dest.name)
        os.replace(temp, dest)
        return dest
    except DownloadError as exc:
        if exc.code in ("download_scheme", "download_host"):
            raise
        raise _failure(f"data set '{spec.id}'", spec.url, hint, exc) from exc
    except (OSError, urllib.error.URLError, ValueError, TimeoutError) as exc:
        raise _failure(f"data set '{spec.id}'", spec.url, hint, exc) from exc
    finally:
        temp.unlink(missing_ok=True)
