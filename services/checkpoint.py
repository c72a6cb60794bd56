"""Signed checkpoints of the transparency log (C2SP tlog-checkpoint, https://c2sp.org/tlog-checkpoint),
and the notary's Ed25519 key file they are signed with."""

from __future__ import annotations

import base64
import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from services.signed_note import (
    KeyFormatError,
    NoteError,
    Signer,
    Verifier,
    b64decode_canonical,
    open_note,
    sign_note,
)

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "KeyFormatError",
    "Signer",
    "Verifier",
    "load_or_create_signer",
    "open_checkpoint",
    "sign_checkpoint",
]

MAX_TREE_SIZE = 2**64 - 1  # tree sizes are uint64 in the Go and transparency-dev parsers
_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")  # [0-9], not \d: int() would take "٣", "+3", "1_0"


class CheckpointError(NoteError):
    """A checkpoint note that is malformed, not signed by the log's key, or for another log."""


def _check_line(what: str, line: str) -> None:
    if not line or "\n" in line or any(c < " " for c in line):
        raise CheckpointError(f"{what} {line!r} must be one non-empty line without control characters")


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head (C2SP tlog-checkpoint): origin, tree size, RFC 6962 root hash.
    Extension lines are opaque; we emit none but keep those we read."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line("origin", self.origin)
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {self.size} is out of range")
        if len(self.root_hash) != 32:
            raise CheckpointError(f"root hash must be 32 bytes, not {len(self.root_hash)}")
        for line in self.extensions:
            _check_line("extension line", line)

    @property
    def body(self) -> str:
        """The note text: one line each for origin, size, base64 root, then the extensions."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode("ascii")]
        return "".join(f"{line}\n" for line in [*lines, *self.extensions])

    @classmethod
    def from_body(cls, body: str) -> Checkpoint:
        """Parse a note text; every field has exactly one accepted spelling."""
        if not body.endswith("\n"):
            raise CheckpointError("checkpoint text must end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(f"checkpoint has {len(lines)} lines, needs origin, size and root hash")
        origin, size, root64, *extensions = lines
        if not _TREE_SIZE.fullmatch(size) or len(size) > len(str(MAX_TREE_SIZE)):
            raise CheckpointError(f"tree size {size!r} is not a canonical decimal number")
        try:
            root_hash = b64decode_canonical(root64)
        except NoteError as exc:
            raise CheckpointError(f"root hash: {exc}") from exc
        return cls(origin, int(size), root_hash, tuple(extensions))


def sign_checkpoint(signer: Signer, checkpoint: Checkpoint) -> str:
    """The checkpoint as a signed note (C2SP tlog-checkpoint + signed-note)."""
    return sign_note(checkpoint.body, signer)


def open_checkpoint(text: str | bytes, verifier: Verifier, expected_origin: str) -> Checkpoint:
    """Verify a signed checkpoint and parse it; raise CheckpointError on anything wrong.
    The signature is checked before the body is read: unsigned text must be ignored."""
    try:
        body = open_note(text, verifier)
    except NoteError as exc:
        raise CheckpointError(str(exc)) from exc
    checkpoint = Checkpoint.from_body(body)
    if checkpoint.origin != expected_origin:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} is not {expected_origin!r}")
    return checkpoint


def load_or_create_signer(
    path: Path, name: str, on_create: Callable[[Signer], None] | None = None
) -> Signer:
    """The Ed25519 key in `path` (PEM, unencrypted PKCS8, owner-only permissions), or a new
    one written there; `on_create` is told when the key is new, so its public key can be shown."""
    try:
        return Signer(name, _read_key(path))
    except FileNotFoundError:
        pass
    signer = Signer(name, Ed25519PrivateKey.generate())
    if not _write_new_key(path, signer.private_key):
        return Signer(name, _read_key(path))  # another process created it first: use theirs
    if on_create is not None:
        on_create(signer)
    return signer


def _read_key(path: Path) -> Ed25519PrivateKey:
    with path.open("rb") as f:
        # Like ssh: a key others can read (or replace) may be known to them.
        if stat.S_IMODE(os.fstat(f.fileno()).st_mode) & 0o077:
            raise KeyFormatError(f"key file {path} must not be accessible to group or others (chmod 600)")
        data = f.read()
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError(f"key file {path} is not an unencrypted PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFormatError(f"key file {path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def _write_new_key(path: Path, key: Ed25519PrivateKey) -> bool:
    """Write the key to a 0600 temp file, fsync, then link it into place. A link, unlike a
    rename, never replaces an existing file, so two first starts cannot both believe their
    own key is the log's. False if the path already exists."""
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp: mode 0600 from the start and a fresh name, so a crash's leftover cannot block us.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)
    return True


def _fsync_dir(directory: Path) -> None:
    """Make the new directory entry durable, so a crash cannot lose a key already in use."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
