"""services.signed_note and services.checkpoint: C2SP signed notes and tlog checkpoints.

The known answers come from Go's golang.org/x/mod/sumdb/note, note_test.go (TestNewVerifier,
TestSign, TestOpen): the reference implementation the C2SP signed-note spec grew out of."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from hypothesis import assume, given
from hypothesis import strategies as st

from services import checkpoint as checkpoint_module
from services.checkpoint import (
    Checkpoint,
    CheckpointError,
    load_or_create_signer,
    open_checkpoint,
    sign_checkpoint,
)
from services.signed_note import KeyFormatError, NoteError, Signer, Verifier, open_note, sign_note

# --- Go x/mod sumdb/note test vectors ---------------------------------------------------------
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG64 = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
PETER_SIG = f"— PeterNeumann {PETER_SIG64}\n"
ENOCH_SIG64 = "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="
ENOCH_SIG = f"— EnochRoot {ENOCH_SIG64}\n"


def signer_from_go_skey(skey: str) -> Signer:
    """Go's private key text is PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>; the base64
    may itself contain '+', so split at the first four only."""
    _, _, name, hash_hex, key64 = skey.split("+", 4)
    raw = base64.b64decode(key64, validate=True)
    assert (len(raw), raw[0]) == (33, 1)
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    assert signer.verifier.key_hash == int(hash_hex, 16)
    return signer


def test_go_vector_verifier_key_text() -> None:
    signer = signer_from_go_skey(PETER_SKEY)
    assert signer.verifier.text == PETER_VKEY
    assert Verifier.from_text(PETER_VKEY) == signer.verifier


def test_go_vector_signature_is_reproduced() -> None:
    # Ed25519 is deterministic: the same key and text give Go's bytes exactly.
    assert sign_note(GO_TEXT, signer_from_go_skey(PETER_SKEY)) == GO_TEXT + "\n" + PETER_SIG


def test_go_vector_note_opens_with_each_signer_key() -> None:
    note = GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(note, Verifier.from_text(PETER_VKEY)) == GO_TEXT
    assert open_note(note.encode("utf-8"), Verifier.from_text(ENOCH_VKEY)) == GO_TEXT


@pytest.mark.parametrize(
    "msg",
    [  # TestOpen's badMsgs, its corrupted signature and its 101 signatures
        GO_TEXT,
        GO_TEXT + "\n",
        GO_TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + GO_TEXT + "\n" + PETER_SIG,
        b"\xff" + (GO_TEXT + "\n" + PETER_SIG).encode(),
        GO_TEXT + "\n— Bad Name " + PETER_SIG64,
        GO_TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        GO_TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:],
        GO_TEXT + "\n" + PETER_SIG * 101,
        GO_TEXT + "\n" + ENOCH_SIG,  # signed, but not by the key we asked for
    ],
)
def test_go_bad_notes_are_rejected(msg: str | bytes) -> None:
    with pytest.raises(NoteError):
        open_note(msg, Verifier.from_text(PETER_VKEY))


def go_bad_verifier_keys() -> list[str]:
    """TestNewVerifier: every proper substring and every single-byte increment, plus a
    33-byte key and an unknown algorithm, each with a matching key hash."""
    b = PETER_VKEY
    bad = [b[i:j] for i in range(len(b) + 1) for j in range(i + 1, len(b) + 1) if (i, j) != (0, len(b))]
    bad += [b[:i] + chr(ord(b[i]) + 1) + b[i + 1 :] for i in range(len(b))]
    bad += [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ]
    return bad


def test_go_bad_verifier_keys_are_rejected() -> None:
    for vkey in go_bad_verifier_keys():
        with pytest.raises(KeyFormatError):
            Verifier.from_text(vkey)


@pytest.mark.parametrize(
    "name", ["", "a+b", "a b", "a\tb", "a\nb", "a\u00a0b", "a\u2003b", "a\x01b", "bad\ud800"]
)
def test_bad_key_names_are_rejected(name: str) -> None:
    with pytest.raises(KeyFormatError):
        Signer(name, Ed25519PrivateKey.generate())
    with pytest.raises(KeyFormatError):
        Verifier.from_text(f"{name}+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_verifier_key_hash_must_be_lowercase_hex() -> None:
    with pytest.raises(KeyFormatError):
        Verifier.from_text(PETER_VKEY.replace("c74f20a3", "C74F20A3"))


# --- our checkpoints ---------------------------------------------------------------------------
ORIGIN = "techledger.example/ledger"
SIGNER = Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
VERIFIER = SIGNER.verifier
ROOT = hashlib.sha256(b"root").digest()
CHECKPOINT = Checkpoint(ORIGIN, 1234, ROOT)
NOTE = sign_checkpoint(SIGNER, CHECKPOINT)
NOTE_EXT = sign_checkpoint(SIGNER, Checkpoint(ORIGIN, 1234, ROOT, ("ext/1",)))


def reopen(note: str | bytes) -> Checkpoint:
    return open_checkpoint(note, VERIFIER, ORIGIN)


def signature_line(signer: Signer, text: str) -> str:
    return sign_note(text, signer).removeprefix(text + "\n")


def test_note_shape() -> None:
    root64 = base64.b64encode(ROOT).decode()
    assert NOTE.startswith(f"{ORIGIN}\n1234\n{root64}\n\n— {ORIGIN} ")
    assert NOTE.count("\n") == 5


def test_round_trip() -> None:
    assert reopen(NOTE) == CHECKPOINT
    assert reopen(NOTE.encode("utf-8")) == CHECKPOINT
    assert reopen(NOTE_EXT).extensions == ("ext/1",)


@given(
    size=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(st.text(st.characters(min_codepoint=0x20, exclude_categories=["Cs"]), min_size=1)),
)
def test_round_trip_property(size: int, root: bytes, extensions: list[str]) -> None:
    checkpoint = Checkpoint(ORIGIN, size, root, tuple(extensions))
    assert reopen(sign_checkpoint(SIGNER, checkpoint)) == checkpoint


def flip_signature(note: str, change: Callable[[bytes], bytes]) -> str:
    """The note with its signature payload (key hash || signature) changed and re-encoded."""
    head, sig64 = note[:-1].rsplit(" ", 1)
    return f"{head} {base64.b64encode(change(base64.b64decode(sig64))).decode()}\n"


def with_last_char_low_bit(note: str) -> str:
    """The signature's base64 with the unused low bit of its last character set."""
    head, pad = note[:-2], note[-2:]
    assert pad == "=\n"
    last = head[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return head[:-1] + alphabet[alphabet.index(last) | 1] + pad


TAMPERINGS: dict[str, tuple[Callable[[], str | bytes], str]] = {
    "origin": (lambda: NOTE.replace(ORIGIN + "\n", "techledger.example/ledgers\n", 1), "invalid signature"),
    "size": (lambda: NOTE.replace("\n1234\n", "\n1235\n"), "invalid signature"),
    "root": (lambda: NOTE.replace(base64.b64encode(ROOT).decode(), base64.b64encode(ROOT[::-1]).decode()),
             "invalid signature"),
    "extension changed": (lambda: NOTE_EXT.replace("ext/1\n", "ext/2\n"), "invalid signature"),
    "extension dropped": (lambda: NOTE_EXT.replace("ext/1\n", ""), "invalid signature"),
    "extension added": (lambda: NOTE.replace("=\n\n", "=\next/1\n\n", 1), "invalid signature"),
    "signature bytes": (lambda: flip_signature(NOTE, lambda p: p[:10] + bytes([p[10] ^ 1]) + p[11:]),
                        "invalid signature"),
    "signature truncated": (lambda: flip_signature(NOTE, lambda p: p[:-1]), "invalid signature"),
    "signature base64 not canonical": (lambda: with_last_char_low_bit(NOTE), "non-canonical"),
    "key hash": (lambda: flip_signature(NOTE, lambda p: bytes([p[0] ^ 1]) + p[1:]), "no signature by key"),
    "name": (lambda: NOTE.replace(f"— {ORIGIN} ", "— techledger.example/other "), "no signature by key"),
    "hyphen for em dash": (lambda: NOTE.replace("— ", "- "), "em dash"),
    "en dash for em dash": (lambda: NOTE.replace("— ", "\u2013 "), "em dash"),
    "no space after dash": (lambda: NOTE.replace("— ", "—"), "em dash"),
    "blank line removed": (lambda: NOTE.replace("\n\n", "\n"), "no blank line"),
    "blank line doubled": (lambda: NOTE.replace("\n\n", "\n\n\n"), "invalid signature"),
    "trailing newline removed": (lambda: NOTE[:-1], "does not end with"),
    "line after signatures": (lambda: NOTE + "Unexpected line.\n", "em dash"),
    "CRLF line ends": (lambda: NOTE.replace("\n", "\r\n"), "control character"),
    "tab": (lambda: NOTE.replace(f"— {ORIGIN} ", f"— {ORIGIN}\t"), "control character"),
    "double space": (lambda: NOTE.replace(f"— {ORIGIN} ", f"— {ORIGIN}  "), "invalid base64"),
    "not UTF-8": (lambda: NOTE.encode().replace(b"1234", b"12\xff4"), "UTF-8"),
    "lone surrogate": (lambda: NOTE.replace("1234", "12\udcff4"), "UTF-8"),
    "101 signature lines": (lambda: NOTE + NOTE.split("\n\n")[1] * 100, "more than 100"),
}


@pytest.mark.parametrize("case", TAMPERINGS)
def test_tampering_is_rejected(case: str) -> None:
    make, message = TAMPERINGS[case]
    with pytest.raises(CheckpointError, match=message):
        reopen(make())


def test_hundred_signature_lines_are_accepted() -> None:
    assert reopen(NOTE + NOTE.split("\n\n")[1] * 99) == CHECKPOINT


def test_same_name_other_key_is_rejected() -> None:
    impostor = Signer(ORIGIN, Ed25519PrivateKey.generate())
    with pytest.raises(CheckpointError, match="no signature by key"):
        reopen(sign_checkpoint(impostor, CHECKPOINT))


def test_other_keys_signatures_are_ignored() -> None:
    """Key rotation and witness cosigning (C2SP): unknown keys' lines do not matter..."""
    rotated = Signer(ORIGIN, Ed25519PrivateKey.generate())
    witness = Signer("witness.example/w1", Ed25519PrivateKey.generate())
    extra = signature_line(rotated, CHECKPOINT.body) + signature_line(witness, CHECKPOINT.body)
    assert reopen(NOTE + extra) == CHECKPOINT
    assert reopen(NOTE.replace("\n\n", "\n\n" + extra)) == CHECKPOINT


def test_bad_signature_by_the_expected_key_spoils_a_good_one() -> None:
    """...but a failing signature by the expected key rejects the note (spec: SHOULD)."""
    bad = flip_signature(NOTE, lambda p: p[:-1] + bytes([p[-1] ^ 1])).split("\n\n")[1]
    with pytest.raises(CheckpointError, match="invalid signature"):
        reopen(NOTE + bad)


def test_checkpoint_for_another_origin_is_rejected() -> None:
    other = sign_checkpoint(SIGNER, Checkpoint("techledger.example/other", 1, ROOT))
    with pytest.raises(CheckpointError, match="origin"):
        reopen(other)


ROOT64 = base64.b64encode(ROOT).decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f"{ORIGIN}\n", "needs origin"),
        (f"{ORIGIN}\n1234\n", "needs origin"),
        (f"\n1234\n{ROOT64}\n", "origin"),
        *[(f"{ORIGIN}\n{size}\n{ROOT64}\n", "tree size")
          for size in ["", "01", "00", "+1", "-1", " 1", "1 ", "1 2", "1_0", "\u0663", "0x10", "1e3",
                       str(2**64), "0" * 30 + "1"]],
        *[(f"{ORIGIN}\n1\n{root}\n", "root hash")
          for root in [base64.b64encode(ROOT[:31]).decode(), base64.b64encode(ROOT + b"!").decode(),
                       ROOT64.rstrip("="), ROOT64 + "=", " " + ROOT64, ROOT64[:-2] + "B=",
                       base64.urlsafe_b64encode(b"\xff" * 32).decode(), ROOT.hex()]],
        (f"{ORIGIN}\n1\n{ROOT64}\n\next\n", "extension line"),
    ],
)
def test_malformed_bodies_are_rejected(body: str, message: str) -> None:
    # Signed by the right key, so only the checkpoint parser stands between them and trust.
    with pytest.raises(CheckpointError, match=message):
        reopen(sign_note(body, SIGNER))


def test_largest_tree_size_is_accepted() -> None:
    assert reopen(sign_note(f"{ORIGIN}\n{2**64 - 1}\n{ROOT64}\n", SIGNER)).size == 2**64 - 1


NOTE_BYTES = NOTE.encode("utf-8")


def assert_rejected(mutated: bytes) -> None:
    assume(mutated != NOTE_BYTES)
    with pytest.raises(CheckpointError):
        reopen(mutated)


@given(index=st.integers(0, len(NOTE_BYTES) - 1), value=st.integers(0, 255))
def test_any_byte_replaced_is_rejected(index: int, value: int) -> None:
    assert_rejected(NOTE_BYTES[:index] + bytes([value]) + NOTE_BYTES[index + 1 :])


@given(index=st.integers(0, len(NOTE_BYTES)), value=st.integers(0, 255), insert=st.booleans())
def test_any_byte_inserted_or_deleted_is_rejected(index: int, value: int, insert: bool) -> None:
    if insert:
        assert_rejected(NOTE_BYTES[:index] + bytes([value]) + NOTE_BYTES[index:])
    else:
        assert_rejected(NOTE_BYTES[:index] + NOTE_BYTES[index + 1 :])


def test_every_single_bit_flip_is_rejected() -> None:
    for index in range(len(NOTE_BYTES)):
        for bit in range(8):
            flipped = NOTE_BYTES[:index] + bytes([NOTE_BYTES[index] ^ (1 << bit)]) + NOTE_BYTES[index + 1 :]
            with pytest.raises(CheckpointError):
                reopen(flipped)


# --- the key file ------------------------------------------------------------------------------
def test_key_file_is_created_owner_only_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "notary.pem"
    created: list[Signer] = []
    signer = load_or_create_signer(path, ORIGIN, created.append)
    assert created == [signer]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")  # PKCS8
    assert os.listdir(path.parent) == ["notary.pem"]  # no temp file left behind

    again = load_or_create_signer(path, ORIGIN, created.append)
    assert again.verifier == signer.verifier
    assert created == [signer]
    assert reopen_with(again.verifier, sign_checkpoint(signer, CHECKPOINT)) == CHECKPOINT


def reopen_with(verifier: Verifier, note: str) -> Checkpoint:
    return open_checkpoint(note, verifier, ORIGIN)


def test_key_created_concurrently_by_another_process_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "notary.pem"
    theirs = Signer(ORIGIN, Ed25519PrivateKey.generate())
    real_read = checkpoint_module._read_key

    def read_after_losing_race(p: Path) -> Ed25519PrivateKey:
        monkeypatch.setattr(checkpoint_module, "_read_key", real_read)
        pem = theirs.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        p.write_bytes(pem)
        p.chmod(0o600)
        raise FileNotFoundError(p)

    monkeypatch.setattr(checkpoint_module, "_read_key", read_after_losing_race)
    created: list[Signer] = []
    assert load_or_create_signer(path, ORIGIN, created.append).verifier == theirs.verifier
    assert created == []
    assert sorted(os.listdir(tmp_path)) == ["notary.pem"]


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notary.pem"
    load_or_create_signer(path, ORIGIN)
    path.chmod(0o644)
    with pytest.raises(KeyFormatError, match="chmod 600"):
        load_or_create_signer(path, ORIGIN)


@pytest.mark.parametrize(
    "content",
    [
        b"not a key",
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
        ),
    ],
)
def test_key_file_that_is_not_an_ed25519_key_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notary.pem"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(KeyFormatError):
        load_or_create_signer(path, ORIGIN)
    assert path.read_bytes() == content  # never overwritten
