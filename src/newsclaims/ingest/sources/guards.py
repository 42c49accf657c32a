"""URL and path safety shared by the source kinds: which URLs may be fetched (http and https only, no
``user:password@``, no loopback, private or otherwise non-global address for links taken from feed
content), and which files may be read (regular files only, inside the sources file's folder unless
opted in, read with a size cap)."""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from pathlib import Path
from typing import Annotated, Iterable, Optional
from urllib.parse import urlsplit

from pydantic import AfterValidator

ALLOWED_SCHEMES = ("http", "https")


def redact_url(url: str) -> str:
    """``url`` without a ``user:password@`` part (for messages: a password is never repeated)."""
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return "<unparseable URL>"
    if "@" not in parts.netloc:
        return str(url)
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host and no credentials, else ValueError."""
    try:
        parts = urlsplit(str(url).strip())
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc}): {redact_url(url)!r}") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise ValueError(
            f"only http and https URLs are allowed, not {parts.scheme or 'no scheme'!r}: {redact_url(url)!r}"
        )
    if "@" in parts.netloc:
        raise ValueError(
            "credentials (user:password@) do not belong in a URL, where they would be stored "
            "and shown: send them as a header read from the environment, "
            'fetch = { headers_from_env = { Authorization = "MY_FEED_TOKEN" } }'
        )
    if not parts.hostname:
        raise ValueError(f"URL has no host: {url!r}")
    return str(url).strip()


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def internal_address(address: str) -> Optional[str]:
    """Why ``address`` (an IP literal) must not be fetched through feed content, or None when it is a
    global unicast address. Loopback, private, link-local (cloud metadata), shared, reserved,
    multicast and unspecified addresses are all refused; IPv4-mapped IPv6 is checked as IPv4."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for label in ("loopback", "link_local", "private", "multicast", "unspecified", "reserved"):
        if getattr(ip, f"is_{label}"):
            return f"{ip} is a {label.replace('_', '-')} address"
    if not ip.is_global:
        return f"{ip} is not a global address"
    return None


def resolve_and_check(url: str, allow_hosts: Iterable[str] = ()) -> Optional[str]:
    """None when ``url``'s host may be fetched for feed content; else why not. The host name is
    resolved (every address it resolves to must be global) unless it is in ``allow_hosts``."""
    host = (urlsplit(url).hostname or "").lower()
    if host in {h.lower() for h in allow_hosts}:
        return None
    port = origin(url)[2]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        return f"cannot resolve {host!r}: {exc}"
    for info in infos:
        why = internal_address(info[4][0])
        if why:
            return (
                f"refused: {host} resolves to an internal address ({why}); "
                f"list the host in fetch.allow_hosts to fetch it"
            )
    return None


HttpUrlStr = Annotated[str, AfterValidator(check_url)]


def is_http_url(url: Optional[str]) -> bool:
    try:
        check_url(url or "")
        return True
    except ValueError:
        return False


def confine(root: Path, path: Path) -> Optional[str]:
    """None when ``path`` (links resolved) is inside ``root``, else the reason it is refused."""
    root = root.resolve()
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return "file vanished between listing and reading"
    except (OSError, RuntimeError) as exc:  # link loops
        return f"unreadable: {exc}"
    if resolved != root and root not in resolved.parents:
        return f"path resolves outside the source root {root}"
    return None


def not_regular(path: Path) -> Optional[str]:
    """Why ``path`` (links followed) is not a regular file to read, or None. A FIFO would block the
    run forever and a device would be read until memory runs out: both are skipped."""
    import stat as _stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "file vanished between listing and reading"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    if _stat.S_ISREG(mode):
        return None
    kind = (
        "a directory"
        if _stat.S_ISDIR(mode)
        else "a FIFO (named pipe)"
        if _stat.S_ISFIFO(mode)
        else "a character device"
        if _stat.S_ISCHR(mode)
        else "a block device"
        if _stat.S_ISBLK(mode)
        else "a socket"
        if _stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    return f"skipped: {kind}, not a regular file"


def read_regular(path: Path, max_bytes: int) -> tuple[bytes, Optional[str]]:
    """(bytes, None) or (b"", reason): a regular file of at most ``max_bytes`` (checked on the open
    file itself, and never more than ``max_bytes + 1`` bytes read, whatever it turns into)."""
    import stat as _stat

    why = not_regular(path)
    if why:
        return b"", why
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check does not block the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return b"", "file vanished between listing and reading"
    except OSError as exc:
        return b"", f"unreadable: {exc.strerror or exc}"
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not _stat.S_ISREG(st.st_mode):
            return b"", "skipped: not a regular file"
        if st.st_size > max_bytes:
            return b"", f"file is {st.st_size} bytes, over the limit of {max_bytes}"
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        return b"", f"file grew over the limit of {max_bytes} bytes while it was read"
    return data, None


def read_file_capped(root: Path, path: Path, max_bytes: int) -> tuple[bytes, Optional[str]]:
    """(bytes, None) or (b"", reason): a regular file confined to ``root`` and at most ``max_bytes``."""
    why = confine(root, path)
    if why:
        return b"", why
    return read_regular(path, max_bytes)


def check_source_path(base_dir: Path, rel: str, allow_outside: bool) -> Optional[str]:
    """Why a configured source path is refused, or None: it must lie inside the sources file's folder
    (links resolved) unless the source opts in with ``allow_outside = true``."""
    if allow_outside:
        return None
    base = base_dir.resolve()
    target = (base / rel).resolve()
    if target != base and base not in target.parents:
        return (
            f"path {rel!r} is outside the sources file's folder {base}; move the files there, or set "
            "allow_outside = true on the source to read them where they are"
        )
    return None


def check_glob(pattern: str) -> str:
    """A glob relative to the source's folder, or ValueError (one line, for the sources file)."""
    if not pattern or pattern.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", pattern):
        raise ValueError(
            f'glob {pattern!r} must be relative to the source\'s path (e.g. "*.txt" or '
            '"**/*.txt"), not absolute'
        )
    if ".." in re.split(r"[\\/]", pattern):
        raise ValueError(f"glob {pattern!r} must not climb out of the source's path with '..'")
    return pattern


def display_path(path: Path, base_dir: Path) -> str:
    try:
        return path.relative_to(base_dir).as_posix()
    except ValueError:
        return path.as_posix()
