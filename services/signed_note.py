"""Ed25519 signed notes: C2SP signed-note (https://c2sp.org/signed-note), with keys in the
verifier-key text of Go's golang.org/x/mod/sumdb/note (`<name>+<8 hex key hash>+<base64 key>`).

The verifier is strict on purpose: whatever it accepts a checkpoint client will trust, so
every byte of a note has exactly one accepted spelling (canonical base64, no stray characters).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01  # C2SP signed-note signature type byte for Ed25519
SIG_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 100  # Go's note.Open limit; the spec only requires accepting 16
MAX_NOTE_CHARS = 1 << 20  # bounds the work an attacker can ask of us
_ED25519_SIG_LEN = 64
_HASH_HEX = re.compile(r"[0-9a-f]{8}")


class NoteError(ValueError):
    """A signed note that is malformed or not signed by the expected key."""


class KeyFormatError(ValueError):
    """A key name, verifier key text or key file that is not acceptable."""


def check_name(name: str) -> None:
    """Key names (C2SP signed-note): non-empty, valid UTF-8, no Unicode spaces, no '+'.
    Control characters are refused too: a note may not contain them, so such a name
    could never sign anything."""
    if not name:
        raise KeyFormatError("key name is empty")
    if "+" in name or any(c.isspace() or c < " " for c in name):
        raise KeyFormatError(f"key name {name!r} contains '+', a space or a control character")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates, e.g. from surrogateescape
        raise KeyFormatError(f"key name {name!r} is not valid UTF-8") from exc


def key_hash(name: str, public_key: bytes) -> int:
    """Key ID (C2SP signed-note): SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def b64decode_canonical(text: str) -> bytes:
    """Standard padded base64 (RFC 4648 §4) with exactly one spelling per value: Python's
    decoder ignores the unused low bits of the last character, which would let one
    signature line be written several ways, so the result must re-encode to the input."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise NoteError(f"invalid base64 {text!r}") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"non-canonical base64 {text!r}")
    return raw


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 public key under a name, as in Go's note.NewVerifier."""

    name: str
    public_key: bytes  # 32 raw bytes (RFC 8032)

    def __post_init__(self) -> None:
        check_name(self.name)
        if len(self.public_key) != 32:
            raise KeyFormatError(f"Ed25519 public key must be 32 bytes, not {len(self.public_key)}")

    @property
    def key_hash(self) -> int:
        return key_hash(self.name, self.public_key)

    @property
    def text(self) -> str:
        """The verifier key text, `<name>+<hash>+<base64(0x01 || key)>` (Go note)."""
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_hash:08x}+{encoded}"

    @classmethod
    def from_text(cls, vkey: str) -> Verifier:
        """Parse a verifier key (Go note.NewVerifier), checking that the hash matches the key."""
        # The name has no '+', the hash has none, the base64 may: split at the first two.
        parts = vkey.split("+", 2)
        if len(parts) != 3 or not _HASH_HEX.fullmatch(parts[1]):
            raise KeyFormatError(f"verifier key {vkey!r} is not <name>+<8 hex digits>+<key>")
        name, hash_hex, key64 = parts
        try:
            raw = b64decode_canonical(key64)
        except NoteError as exc:
            raise KeyFormatError(f"verifier key {vkey!r}: {exc}") from exc
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise KeyFormatError(f"verifier key {vkey!r} is not an Ed25519 key (0x01 + 32 bytes)")
        verifier = cls(name, raw[1:])
        if verifier.key_hash != int(hash_hex, 16):
            raise KeyFormatError(f"verifier key {vkey!r}: key hash does not match name and key")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key under a name (Go note.Signer)."""

    name: str
    private_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        check_name(self.name)

    @property
    def verifier(self) -> Verifier:
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, raw)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def _check_characters(msg: str) -> None:
    """Signed notes are valid UTF-8 with no control characters but newline (C2SP signed-note)."""
    bad = next((c for c in msg if c < " " and c != "\n"), None)
    if bad is not None:
        raise NoteError(f"note contains control character {bad!r}")
    try:
        msg.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError("note is not valid UTF-8") from exc


def sign_note(text: str, signer: Signer) -> str:
    """The signed note for `text` (Go note.Sign): text, blank line, one signature line."""
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    _check_characters(text)
    signature = signer.sign(text.encode("utf-8"))
    payload = signer.verifier.key_hash.to_bytes(4, "big") + signature
    return f"{text}\n{SIG_PREFIX}{signer.name} {base64.b64encode(payload).decode('ascii')}\n"


def _decode(msg: str | bytes) -> str:
    if isinstance(msg, bytes):
        try:
            return msg.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("note is not valid UTF-8") from exc
    return msg


def _split(msg: str) -> tuple[str, list[str]]:
    """Text and signature lines; the text ends at the last blank line (C2SP signed-note)."""
    split = msg.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, block = msg[: split + 1], msg[split + 2 :]
    if not block.endswith("\n"):
        raise NoteError("note does not end with a signature line and newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signature lines")
    return text, lines


def _parse_signature(line: str) -> tuple[str, int, bytes]:
    """(name, key hash, signature) from `— <name> <base64(key hash || signature)>`."""
    if not line.startswith(SIG_PREFIX):
        raise NoteError(f"signature line {line!r} does not start with an em dash and a space")
    name, _, sig64 = line[len(SIG_PREFIX) :].partition(" ")
    try:
        check_name(name)
    except KeyFormatError as exc:
        raise NoteError(f"signature line {line!r}: {exc}") from exc
    raw = b64decode_canonical(sig64)
    if len(raw) < 5:
        raise NoteError(f"signature line {line!r} is too short")
    return name, int.from_bytes(raw[:4], "big"), raw[4:]


def open_note(msg: str | bytes, verifier: Verifier) -> str:
    """The text of a note with at least one valid signature by `verifier` (Go note.Open).

    Signatures by other keys, even under the same name or with the same key hash (but not
    both), are ignored, which allows key rotation and cosigning; a bad signature by the
    expected key rejects the whole note, as the spec recommends."""
    text = _decode(msg)
    if len(text) > MAX_NOTE_CHARS:
        raise NoteError(f"note is longer than {MAX_NOTE_CHARS} characters")
    _check_characters(text)
    body, lines = _split(text)
    signed = body.encode("utf-8")
    verified = False
    for line in lines:
        name, hash_, signature = _parse_signature(line)
        if (name, hash_) != (verifier.name, verifier.key_hash):
            continue
        if len(signature) != _ED25519_SIG_LEN or not verifier.verify(signed, signature):
            raise NoteError(f"invalid signature by key {name}+{hash_:08x}")
        verified = True
    if not verified:
        raise NoteError(f"note has no signature by key {verifier.name}+{verifier.key_hash:08x}")
    return body
