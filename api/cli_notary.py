"""`techledger notary` (the transparency log as its own process) and `techledger verify`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import orjson

from api.runtime import open_notary
from services.checkpoint import Verifier
from services.ledger import Ledger
from services.receipts import ReceiptError, verify_receipt
from services.settings import Settings
from services.verification import verify_log


def add_commands(sub: Any) -> None:
    sub.add_parser("notary", help="append the transparency log and sign checkpoints")
    p_verify = sub.add_parser("verify", help="check the stored events against the signed log")
    p_verify.add_argument("--since", type=Path, help="an older checkpoint the log must extend")
    p_verify.add_argument("--public-key", help="the notary's public key (text or file); "
                                                "default: derived from the notary key file")
    p_receipt = sub.add_parser("verify-receipt", help="check a receipt offline, without the server")
    p_receipt.add_argument("file", type=Path)
    p_receipt.add_argument("--public-key", required=True, help="the notary's public key (text or file)")
    p_receipt.add_argument("--origin", help="the log's origin (default: the key's name)")


def run_notary(settings: Settings, _args: argparse.Namespace) -> int:
    from api.distributed import run_until_stopped  # Kafka's client loads only where it is used

    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        notary = open_notary(settings, ledger)
        run_until_stopped(notary.run, notary.stop, notary.db.close,
                          f"notary: public key {notary.signer.verifier.text}; "
                          f"log at {notary.state.tree_size} leaves")
    return 0


def verify(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 when every stored event up to the latest checkpoint matches the signed log, 1 with
    each problem printed. It only reads: events newer than the checkpoint are not covered yet."""
    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        notary = open_notary(settings, ledger)
        try:
            verifier = public_key(args.public_key) if args.public_key else notary.signer.verifier
            since = args.since.read_text() if args.since else None
            report = verify_log(ledger, notary.db, verifier, settings.notary_origin, since)
        finally:
            notary.db.close()
    for problem in report.problems:
        print(f"FAIL {problem}")
    if report.ok:
        print(f"ok: {report.tree_size} events match the signed checkpoint"
              + (" and extend the older one" if args.since else ""))
    return 0 if report.ok else 1


def public_key(value: str) -> Verifier:
    path = Path(value)
    return Verifier.from_text(path.read_text().strip() if path.is_file() else value)


def verify_receipt_file(_settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 when every part of the receipt checks out against the public key, 1 otherwise."""
    verifier = public_key(args.public_key)
    try:
        receipt = orjson.loads(args.file.read_bytes())
        checkpoint = verify_receipt(receipt, verifier, args.origin or verifier.name)
    except (orjson.JSONDecodeError, ReceiptError) as error:
        print(f"REJECTED {error}")
        return 1
    print(f"ok: {len(receipt['events'])} events proved in {checkpoint.origin} at tree size "
          f"{checkpoint.size}; answer to {receipt['question']}")
    return 0
