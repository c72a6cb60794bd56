"""Receipts (issue 7): a bank's pledge-status answer and an achievement's history, with the
events they rest on proved against a signed checkpoint, checked offline by `verify-receipt`; every
part of a receipt tampered with, and each is rejected."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.cli import main
from domain.access import Role
from services.checkpoint import Checkpoint, Signer, sign_checkpoint
from services.receipts import ReceiptError, verify_receipt
from services.settings import Settings
from services.signed_note import Verifier
from tests.api.test_http import Api, api_on
from tests.api.test_trades_http import Market, call

Receipt = dict[str, Any]


@pytest.fixture
def api(sqlite_settings: Settings) -> Iterator[Api]:
    with api_on(sqlite_settings.model_copy(update={"checkpoint_interval_s": 0.05})) as opened:
        yield opened


@pytest.fixture
def receipt(api: Api) -> Receipt:
    market = Market(api)
    pledged = call(api, "/v1/pledges", market.pledge(), Role.BANK)
    response = api.client.get(f"/v1/achievements/{market.ach}/pledge-status", headers=api.as_(
        Role.BANK), params={"as_of": "2026-06-01", "receipt": "true",
                            "wait_for_position": pledged["position"]})
    assert response.status_code == 200, response.text
    body: Receipt = response.json()
    assert body["answer"]["pledged"] is True
    return body


def check(receipt: Receipt) -> Checkpoint:
    key = Verifier.from_text(receipt["public_key"])
    return verify_receipt(receipt, key, key.name)


def test_a_pledge_status_receipt_verifies_offline(receipt: Receipt, tmp_path: Path) -> None:
    checkpoint = check(receipt)
    cited = receipt["answer"]["pledges"][0]["registration_position"]
    assert cited in [e["position"] for e in receipt["events"]]
    assert checkpoint.size >= max(e["position"] for e in receipt["events"])
    path = tmp_path / "receipt.json"
    path.write_bytes(orjson.dumps(receipt))
    with pytest.raises(SystemExit) as verified:
        main(["verify-receipt", str(path), "--public-key", receipt["public_key"]])
    assert verified.value.code == 0


def test_a_history_receipt_proves_every_event(api: Api) -> None:
    market = Market(api)
    response = api.client.get(f"/v1/achievements/{market.ach}/history",
                              headers=api.as_(Role.AUDITOR),
                              params={"receipt": "true", "wait_for_position": api.head()})
    receipt = response.json()
    check(receipt)
    assert [e["position"] for e in receipt["events"]] == [h["position"] for h in receipt["answer"]]


def test_a_timeline_receipt_proves_every_step(api: Api) -> None:
    """The auditor's view: the whole life of an achievement, each step proved (回溯)."""
    market = Market(api)
    pledged = call(api, "/v1/pledges", market.pledge(), Role.BANK)
    response = api.client.get(f"/v1/achievements/{market.ach}/timeline",
                              headers=api.as_(Role.AUDITOR),
                              params={"receipt": "true", "wait_for_position": pledged["position"]})
    assert response.status_code == 200, response.text
    receipt = response.json()
    check(receipt)
    assert pledged["position"] in [e["position"] for e in receipt["events"]]


def reencode(data: bytes) -> str:
    return base64.b64encode(data).decode()


def flip_first_byte(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 1
    return reencode(bytes(raw))


def other_key_checkpoint(r: Receipt) -> None:
    lines = r["checkpoint"].split("\n")
    forged = Checkpoint(lines[0], int(lines[1]), base64.b64decode(lines[2]))
    r["checkpoint"] = sign_checkpoint(Signer(lines[0], Ed25519PrivateKey.generate()), forged)


TAMPERINGS: dict[str, Callable[[Receipt], None]] = {
    "answer": lambda r: r["answer"].update(pledged=False),
    "question": lambda r: r["question"].update(as_of="2028-01-01"),
    "cited position": lambda r: r["answer"]["pledges"][0].update(registration_position=1),
    "payload": lambda r: r["events"][0].update(payload=flip_first_byte(r["events"][0]["payload"])),
    "leaf": lambda r: r["events"][0].update(leaf=r["events"][0]["leaf"].replace("\n1\n", "\n2\n")),
    "proof": lambda r: r["events"][-1].update(proof=[flip_first_byte(r["events"][-1]["proof"][0]),
                                                     *r["events"][-1]["proof"][1:]]),
    "leaf index": lambda r: r["events"][-1].update(leaf_index=r["events"][-1]["leaf_index"] + 1),
    "dropped event": lambda r: r["events"].pop(0),
    "duplicated event": lambda r: r["events"].append(r["events"][-1]),
    "checkpoint size": lambda r: r.update(checkpoint=r["checkpoint"].replace(
        "\n", "\n9", 1)),
    "checkpoint by another key": other_key_checkpoint,
    "signature": lambda r: r.update(signature=r["signature"].replace("—", "-")),
    "format": lambda r: r.update(format="techledger-receipt/2"),
    "events not a list": lambda r: r.update(events="everything is fine"),
    "position type": lambda r: r["events"][0].update(position=str(r["events"][0]["position"])),
}


@pytest.mark.parametrize("part", sorted(TAMPERINGS))
def test_each_tampered_part_is_rejected(receipt: Receipt, part: str) -> None:
    tampered = copy.deepcopy(receipt)
    TAMPERINGS[part](tampered)
    assert tampered != receipt
    with pytest.raises(ReceiptError):
        check(tampered)


def test_another_public_key_rejects_the_receipt(receipt: Receipt) -> None:
    stranger = Signer("techledger.local/ledger", Ed25519PrivateKey.generate()).verifier
    with pytest.raises(ReceiptError):
        verify_receipt(receipt, Verifier.from_text(stranger.text), stranger.name)
