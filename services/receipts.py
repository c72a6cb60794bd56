"""Receipts: an answer of the ledger, the events it rests on with their inclusion proofs, and
the signed checkpoint they are proved against — checkable offline, without the server
(`techledger verify-receipt`). The answer itself is bound by the notary's signature over a
digest of (question, answer, positions, tree size); every position the answer cites must be
among the proved events. Verifier input is hostile: anything unexpected is a rejection."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import orjson

from services.checkpoint import Checkpoint, CheckpointError, Signer, Verifier, open_checkpoint
from services.merkle import leaf_hash
from services.merkle_proofs import verify_inclusion
from services.notary_leaf import LeafEntry, UnreadableEvent, recorded_at
from services.signed_note import NoteError, b64decode_canonical, open_note, sign_note

RECEIPT_FORMAT = "techledger-receipt/1"


class ReceiptError(ValueError):
    """Why a receipt was rejected."""


def statement(question: Any, answer: Any, positions: list[int], tree_size: int) -> str:
    """The signed body: the format, then SHA-256 of the canonical JSON of what is claimed."""
    claimed = orjson.dumps({"question": question, "answer": answer, "positions": positions,
                            "tree_size": tree_size}, option=orjson.OPT_SORT_KEYS)
    return f"{RECEIPT_FORMAT}\n{hashlib.sha256(claimed).hexdigest()}\n"


def sign_statement(signer: Signer, question: Any, answer: Any, positions: list[int],
                   tree_size: int) -> str:
    return sign_note(statement(question, answer, positions, tree_size), signer)


def verify_receipt(receipt: Any, verifier: Verifier, origin: str) -> Checkpoint:
    """Check every part of a receipt; return its checkpoint, or raise ReceiptError."""
    try:
        return _verify(receipt, verifier, origin)
    except ReceiptError:
        raise
    except CheckpointError as error:
        raise ReceiptError(f"the checkpoint is not valid: {error}") from error
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ReceiptError(f"malformed receipt: {error!r}") from error


def _verify(receipt: dict[str, Any], verifier: Verifier, origin: str) -> Checkpoint:
    if receipt["format"] != RECEIPT_FORMAT:
        raise ReceiptError(f"not a {RECEIPT_FORMAT} receipt")
    checkpoint = open_checkpoint(receipt["checkpoint"], verifier, origin)
    events = receipt["events"]
    positions = [_check_event(event, checkpoint) for event in events]
    if positions != sorted(set(positions)) or not positions:
        raise ReceiptError("the events must be distinct, in ledger order, and at least one")
    try:
        body = open_note(receipt["signature"], verifier)
    except NoteError as error:
        raise ReceiptError(f"the receipt's signature is not valid: {error}") from error
    if body != statement(receipt["question"], receipt["answer"], positions, checkpoint.size):
        raise ReceiptError("the question, answer or events are not what the ledger signed")
    uncited = set(cited_positions(receipt["answer"])) - set(positions)
    if uncited:
        raise ReceiptError(f"the answer cites positions without proof: {sorted(uncited)}")
    return checkpoint


def _check_event(event: dict[str, Any], checkpoint: Checkpoint) -> int:
    position = event["position"]
    leaf = event["leaf"].encode()
    entry = LeafEntry.decode(leaf)
    payload = b64decode_canonical(event["payload"])
    if type(position) is not int or entry.position != position:
        raise ReceiptError(f"event {position!r}: its leaf names another position")
    if hashlib.sha256(payload).hexdigest() != entry.payload_sha256:
        raise ReceiptError(f"position {position}: the payload is not the one in the leaf")
    try:
        if recorded_at(payload) != entry.recorded_at:
            raise ReceiptError(f"position {position}: the recording time differs from the leaf")
    except UnreadableEvent as error:
        raise ReceiptError(f"position {position}: {error}") from error
    proof = [b64decode_canonical(node) for node in event["proof"]]
    index = event["leaf_index"]
    if type(index) is not int or not verify_inclusion(leaf_hash(leaf), index, checkpoint.size,
                                                      proof, checkpoint.root_hash):
        raise ReceiptError(f"position {position}: the inclusion proof does not verify")
    return position


def cited_positions(answer: Any) -> Iterator[int]:
    """Every ledger position the answer refers to (keys ending in `position`, except the views')."""
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key.endswith("position") and key != "views_position" and type(value) is int:
                yield value
            else:
                yield from cited_positions(value)
    elif isinstance(answer, list):
        for item in answer:
            yield from cited_positions(item)


def encode_payload(state: bytes) -> str:
    return base64.b64encode(state).decode()
