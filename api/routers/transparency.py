"""The transparency log: signed checkpoints, inclusion and consistency proofs (RFC 9162 §2.1.3,
§2.1.4; C2SP tlog-checkpoint). Checkpoints are public, as in Certificate Transparency; proofs
name events, so they need a key."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from api.auth import ALL_ROLES, require
from api.deps import RuntimeDep
from api.problems import ApiProblem
from api.runtime import Runtime
from services import notary_store as store
from services.merkle_proofs import consistency_proof, inclusion_proof
from services.notary_leaf import LeafEntry

router = APIRouter(prefix="/v1/ledger", tags=["transparency log"])
KeyHolder = Depends(require(*ALL_ROLES))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def latest(runtime: Runtime) -> store.StoredCheckpoint:
    with runtime.notary.db.read() as tx:
        checkpoint = store.latest_checkpoint(tx)
    if checkpoint is None:
        raise ApiProblem(503, "no_checkpoint", "the transparency log has not signed a checkpoint "
                         "yet; retry in a few seconds", zh="尚无签名检查点",
                         en="No checkpoint yet", headers={"Retry-After": "2"})
    return checkpoint


@router.get("/checkpoint", response_model=None)
def checkpoint(runtime: RuntimeDep, format: Annotated[str, Query(pattern="^(json|note)$")] = "json"
               ) -> dict[str, Any] | Response:
    """The latest signed checkpoint (`format=note`: the signed note itself, text/plain)."""
    signed = latest(runtime)
    if format == "note":
        return Response(signed.note, media_type="text/plain; charset=utf-8")
    return {"origin": runtime.settings.notary_origin, "tree_size": signed.tree_size,
            "root_hash": b64(signed.root_hash), "issued_at": signed.issued_at,
            "note": signed.note, "public_key": runtime.notary.signer.verifier.text}


@router.get("/proofs/inclusion", dependencies=[KeyHolder])
def inclusion(runtime: RuntimeDep, position: Annotated[int, Query(ge=1)],
              tree_size: Annotated[int | None, Query(ge=1)] = None) -> dict[str, Any]:
    """The leaf of the event at a ledger position and its audit path to the root of a tree size
    (default: the latest checkpoint's)."""
    size = tree_size or latest(runtime).tree_size
    with runtime.notary.db.read() as tx:
        index = store.leaf_index(tx, position)
        if index is None:
            raise ApiProblem(404, "position_not_in_log", f"no event at position {position} is in "
                             "the transparency log (yet)", zh="该位置不在透明日志中",
                             en="Position not in the log")
        check_size(tx, size, needed=index + 1)
        proof = inclusion_proof(store.TxNodes(tx), index, size)
    entry = leaf_entry(runtime, position)
    return {"position": position, "leaf_index": index, "tree_size": size,
            "leaf": entry.encode().decode(), "proof": [b64(node) for node in proof]}


@router.get("/proofs/consistency", dependencies=[KeyHolder])
def consistency(runtime: RuntimeDep, first: Annotated[int, Query(ge=1)],
                second: Annotated[int | None, Query(ge=1)] = None) -> dict[str, Any]:
    """The proof that the tree of size `second` (default: the latest checkpoint's) extends the
    tree of size `first`: nothing in the first was changed or removed."""
    size = second or latest(runtime).tree_size
    if first > size:
        raise ApiProblem(422, "tree_sizes_reversed", f"first ({first}) must not exceed second "
                         f"({size})", zh="树大小顺序错误", en="Tree sizes reversed")
    with runtime.notary.db.read() as tx:
        check_size(tx, size, needed=first)
        proof = consistency_proof(store.TxNodes(tx), first, size)
    return {"first": first, "second": size, "proof": [b64(node) for node in proof]}


def check_size(tx: store.Tx, size: int, *, needed: int) -> None:
    grown = store.state(tx).tree_size
    if size > grown or size < needed:
        raise ApiProblem(422, "tree_size_out_of_range", f"tree size {size} must be between "
                         f"{needed} and the log's size {grown}", zh="树大小超出范围",
                         en="Tree size out of range")


def leaf_entry(runtime: Runtime, position: int) -> LeafEntry:
    """The leaf as recomputed from the stored event (what a client hashes to check the proof)."""
    found = runtime.ledger.recorder.select_notifications(start=position, limit=1)
    if not found or found[0].id != position:
        raise ApiProblem(404, "position_not_in_log", f"no event at position {position}",
                         zh="该位置没有事件", en="No such event")
    return LeafEntry.of(position, found[0])
