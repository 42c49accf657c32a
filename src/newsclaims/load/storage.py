"""Where the Parquet lake lives: a local folder (the default) or an S3-compatible bucket.

A :class:`Store` addresses files by a path relative to the lake's root (``articles/b_….parquet``,
``_commits/b_….json``). :class:`LocalStore` is the original behaviour: temporary name, fsync,
rename. :class:`S3Store` goes through ``pyarrow.fs.S3FileSystem``: an object PUT is atomic (readers
see the whole object or none), so a batch is its data objects followed by its commit marker object,
exactly as on disk. Nothing here downloads anything at run time: no DuckDB extension is involved,
the load step reads remote Parquet through pyarrow and hands DuckDB Arrow tables.

S3 settings come from the environment only and are never written anywhere or logged:
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN`` (otherwise the AWS SDK's
usual chain: config files, instance roles), ``AWS_REGION`` / ``AWS_DEFAULT_REGION`` (default
``us-east-1``) and the endpoint of an S3-compatible server: ``NEWSCLAIMS_S3_ENDPOINT`` or
``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` (``http://host:port`` or ``https://…``).
"""

from __future__ import annotations

import functools
import os
import uuid
from pathlib import Path
from typing import Optional, Protocol
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq

from newsclaims.settings import ENV_S3_ENDPOINT

ENDPOINT_VARS = (ENV_S3_ENDPOINT, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
REMOTE_SCHEMES = ("s3",)


class LakeLocationError(ValueError):
    """A lake location that cannot be used (unknown scheme, credentials in the URL, ...)."""


def is_remote(location: str | os.PathLike | None) -> bool:
    return location is not None and urlsplit(str(location)).scheme in REMOTE_SCHEMES


def check_location(location: str) -> str:
    """Validate a lake location; returns it normalised (no trailing slash)."""
    parts = urlsplit(location)
    if parts.scheme in REMOTE_SCHEMES:
        if parts.username or parts.password or "@" in parts.netloc:
            raise LakeLocationError(
                "credentials do not belong in the lake URL: use AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY in the environment"
            )
        if not parts.netloc:
            raise LakeLocationError(f"no bucket in lake URL {location!r} (expected s3://bucket/prefix)")
        if parts.query or parts.fragment:
            raise LakeLocationError(f"unexpected query or fragment in lake URL {location!r}")
        return f"s3://{parts.netloc}/{parts.path.strip('/')}".rstrip("/")
    if parts.scheme and len(parts.scheme) > 1:  # (a Windows drive letter is not a scheme)
        raise LakeLocationError(
            f"unsupported lake location {location!r}: a local folder or s3://bucket/prefix"
        )
    return location


class Store(Protocol):
    url: str

    def location(self, rel: str) -> str: ...
    def write_parquet(self, table: pa.Table, rel: str) -> str: ...
    def write_bytes(self, rel: str, data: bytes) -> None: ...
    def read_bytes(self, rel: str) -> Optional[bytes]: ...
    def read_table(self, rel: str) -> pa.Table: ...
    def exists(self, rel: str) -> bool: ...
    def list_files(self, prefix: str = "") -> list[str]: ...
    def delete(self, rel: str) -> None: ...
    def delete_tree(self, rel: str) -> None: ...


# --- local folder -----------------------------------------------------------------------------------


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never a part (tmp + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_parquet_local(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


class LocalStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.url = str(self.root)

    def location(self, rel: str) -> str:
        return str(self.root / rel)

    def write_parquet(self, table: pa.Table, rel: str) -> str:
        return str(write_parquet_local(table, self.root / rel))

    def write_bytes(self, rel: str, data: bytes) -> None:
        atomic_write_bytes(self.root / rel, data)

    def read_bytes(self, rel: str) -> Optional[bytes]:
        try:
            return (self.root / rel).read_bytes()
        except OSError:
            return None

    def read_table(self, rel: str) -> pa.Table:
        return pq.read_table(self.root / rel)

    def exists(self, rel: str) -> bool:
        return (self.root / rel).exists()

    def list_files(self, prefix: str = "") -> list[str]:
        base = self.root / prefix if prefix else self.root
        if not base.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file())

    def delete(self, rel: str) -> None:
        (self.root / rel).unlink(missing_ok=True)

    def delete_tree(self, rel: str) -> None:
        import shutil

        shutil.rmtree(self.root / rel, ignore_errors=True)


# --- S3 ---------------------------------------------------------------------------------------------


def s3_endpoint() -> Optional[str]:
    for var in ENDPOINT_VARS:
        if os.environ.get(var):
            return os.environ[var]
    return None


def s3_filesystem():
    """An S3 filesystem from the environment (see the module docstring). The values are passed to
    pyarrow and kept nowhere else (one filesystem per distinct setting, in memory)."""
    env = os.environ
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    return _s3_filesystem(
        region,
        s3_endpoint(),
        key if key and secret else None,
        secret if key and secret else None,
        env.get("AWS_SESSION_TOKEN") or None,
    )


@functools.lru_cache(maxsize=8)
def _s3_filesystem(region, endpoint, access_key, secret_key, session_token):
    from pyarrow import fs

    kwargs: dict = {"region": region}
    if endpoint:
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        kwargs["endpoint_override"] = parts.netloc
        kwargs["scheme"] = parts.scheme or "https"
    if access_key:
        kwargs.update(access_key=access_key, secret_key=secret_key)
        if session_token:
            kwargs["session_token"] = session_token
    return fs.S3FileSystem(**kwargs)


class S3Store:
    def __init__(self, url: str):
        self.url = check_location(url)
        parts = urlsplit(self.url)
        self.base = f"{parts.netloc}/{parts.path.strip('/')}".rstrip("/")
        self.fs = s3_filesystem()

    def __getstate__(self):  # the filesystem (with its credentials) is never pickled: rebuilt from the env
        return {"url": self.url}

    def __setstate__(self, state):
        self.__init__(state["url"])

    def _key(self, rel: str) -> str:
        return f"{self.base}/{rel}"

    def location(self, rel: str) -> str:
        return f"s3://{self._key(rel)}"

    def write_parquet(self, table: pa.Table, rel: str) -> str:
        # one PUT (multipart only above the part size, completed at close): all or nothing
        pq.write_table(table, self._key(rel), filesystem=self.fs, compression="zstd")
        return self.location(rel)

    def write_bytes(self, rel: str, data: bytes) -> None:
        with self.fs.open_output_stream(self._key(rel)) as out:
            out.write(data)

    def read_bytes(self, rel: str) -> Optional[bytes]:
        try:
            with self.fs.open_input_stream(self._key(rel)) as fh:
                return fh.read()
        except (FileNotFoundError, OSError):
            return None

    def read_table(self, rel: str) -> pa.Table:
        return pq.read_table(self._key(rel), filesystem=self.fs)

    def exists(self, rel: str) -> bool:
        from pyarrow import fs

        return self.fs.get_file_info(self._key(rel)).type == fs.FileType.File

    def list_files(self, prefix: str = "") -> list[str]:
        from pyarrow import fs

        root = self._key(prefix.rstrip("/")) if prefix else self.base
        try:
            infos = self.fs.get_file_info(fs.FileSelector(root, recursive=True, allow_not_found=True))
        except FileNotFoundError:
            return []
        n = len(self.base) + 1
        return sorted(i.path[n:] for i in infos if i.type == fs.FileType.File)

    def delete(self, rel: str) -> None:
        try:
            self.fs.delete_file(self._key(rel))
        except FileNotFoundError:
            pass

    def delete_tree(self, rel: str) -> None:
        try:
            self.fs.delete_dir(self._key(rel.rstrip("/")))
        except FileNotFoundError:
            pass


def open_store(location: str | os.PathLike) -> Store:
    if is_remote(location):
        return S3Store(str(location))
    return LocalStore(Path(location))


def read_location(location: str | os.PathLike) -> pa.Table:
    """Read a Parquet file by its location (a local path or an s3:// URL written by a Store)."""
    if is_remote(location):
        parts = urlsplit(str(location))
        return pq.read_table(f"{parts.netloc}{parts.path}", filesystem=s3_filesystem())
    return pq.read_table(location)
