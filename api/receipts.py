"""Build receipts (services/receipts.py): the answer, every event of the aggregates it was
derived from with an inclusion proof, the checkpoint that covers them, and the notary's
signature binding the answer to them. Waits briefly for a checkpoint covering new events."""

from __future__ import annotations

import time
from typing import Any

from api.problems import ApiProblem
from api.runtime import Runtime
from projections.ledger_index import history
from projections.store import Tx
from services import notary_store as store
from services.merkle_proofs import inclusion_proof
from services.notary_leaf import LeafEntry
from services.receipts import RECEIPT_FORMAT, encode_payload, sign_statement

POLL_S = 0.05


def aggregate_positions(views: Tx, aggregate_ids: list[str]) -> list[int]:
    """Every ledger position of these aggregates' events."""
    return [int(str(e["position"])) for aggregate in aggregate_ids
            for e in history(views, aggregate)]


def build_receipt(runtime: Runtime, question: dict[str, Any], answer: Any,
                  rests_on: list[int]) -> dict[str, Any]:
    positions = sorted(set(rests_on))
    if not positions:
        raise ApiProblem(404, "nothing_to_prove", "the answer rests on no recorded event",
                         zh="没有可证明的事件", en="Nothing to prove")
    checkpoint = covering_checkpoint(runtime, positions[-1])
    with runtime.notary.db.read() as tx:
        events = [proved_event(runtime, tx, position, checkpoint.tree_size)
                  for position in positions]
    signature = sign_statement(runtime.notary.signer, question, answer, positions,
                               checkpoint.tree_size)
    return {"format": RECEIPT_FORMAT, "question": question, "answer": answer, "events": events,
            "checkpoint": checkpoint.note, "signature": signature,
            "public_key": runtime.notary.signer.verifier.text}


def covering_checkpoint(runtime: Runtime, position: int) -> store.StoredCheckpoint:
    """The latest checkpoint once it covers `position` (the notary signs every few seconds)."""
    deadline = time.monotonic() + runtime.settings.read_wait_timeout_s + \
        runtime.settings.checkpoint_interval_s
    runtime.notary.wake()
    while True:
        with runtime.notary.db.read() as tx:
            index, latest = store.leaf_index(tx, position), store.latest_checkpoint(tx)
        if index is not None and latest is not None and index < latest.tree_size:
            return latest
        if time.monotonic() >= deadline:
            raise ApiProblem(503, "receipt_pending", f"position {position} is not under a signed "
                             "checkpoint yet; retry shortly", zh="检查点尚未覆盖",
                             en="Checkpoint pending", headers={"Retry-After": "2"})
        time.sleep(POLL_S)


def proved_event(runtime: Runtime, tx: store.Tx, position: int, size: int) -> dict[str, Any]:
    found = runtime.ledger.recorder.select_notifications(start=position, limit=1)
    index = store.leaf_index(tx, position)
    if not found or found[0].id != position or index is None:
        raise ApiProblem(404, "position_not_in_log", f"no event at position {position} is in "
                         "the transparency log", zh="该位置不在透明日志中",
                         en="Position not in the log")
    stored = found[0]
    return {"position": position, "leaf_index": index,
            "leaf": LeafEntry.of(position, stored).encode().decode(),
            "payload": encode_payload(stored.state),
            "proof": [encode_payload(node) for node in
                      inclusion_proof(store.TxNodes(tx), index, size)]}
