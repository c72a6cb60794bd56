"""Bulk contract import: bad rows are reported by line and harm nothing; re-runs write nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.access import Role
from domain.values import PartyKind
from services import commands as c
from services.bulk_import import import_contracts, read_rows
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import credit_code, draft, university

HEADER = ("contract_number,title,contract_type,variant,seller,buyer,achievement_ids,turnover,"
          "transaction_amount,signed_on,field,exchange,pricing\n")


def world(ledger: Ledger) -> tuple[str, str, str, str]:
    """A university owning one achievement, an enterprise buyer and an exchange (credit codes)."""
    uni = university(ledger)
    achievement = ledger.register_achievement(c.RegisterAchievement(draft(uni), "1306"),
                                              actor="t").value.id
    codes = []
    for serial, kind in ((2, PartyKind.ENTERPRISE), (3, PartyKind.TRANSFER_AGENCY)):
        code = credit_code(serial)
        ledger.register_party(c.RegisterParty(name=f"主体{serial}", kind=kind, credit_code=code,
                                              region_code="130600"), actor="t")
        codes.append(code)
    return credit_code(1), codes[0], codes[1], str(achievement)


def csv_file(seller: str, buyer: str, exchange: str, achievement: str) -> bytes:
    good = f"{seller},{buyer},,100000.00,80000.00,2026-05-01,新材料,{exchange},"
    rows = [
        f"HT-1,技术服务合同,service,,{good}",                                    # line 2: ok
        f"HT-2,技术咨询合同,consulting,,{seller},{buyer},,abc,1,2026-05-01,新材料,{exchange},",
        f"HT-3,技术服务合同,service,,{seller},{buyer},,100.00,200.00,2026-05-01,新材料,{exchange},",
        f"HT-4,技术服务合同,service,,{seller},NOPE,,100.00,50.00,2026-05-01,新材料,{exchange},",
        f"HT-5,许可合同,license,ordinary,{buyer},{seller},{achievement},100.00,50.00,2026-05-01,"
        f"新材料,{exchange},",                                                     # not the owner
        f"HT-6,许可合同,license,ordinary,{seller},{buyer},{achievement},100.00,50.00,2026-05-01,"
        f"新材料,{exchange},listing",                                              # line 7: ok
        f",无编号合同,service,,{good}",
    ]
    return (HEADER + "\n".join(rows) + "\n").encode()


def test_bad_rows_are_reported_by_line_and_good_rows_land_once(tmp_path: Path) -> None:
    with Ledger(Settings(data_dir=tmp_path)) as ledger:
        rows = list(read_rows(csv_file(*world(ledger)), "csv"))
        report = import_contracts(ledger, rows, actor="t", total=len(rows))
        assert (report.rows, report.created, report.replayed) == (7, 2, 0)
        assert [(r.line, r.code) for r in report.rejected] == [
            (3, "invalid_field"), (4, "transaction_amount_exceeds_turnover"),
            (5, "party_not_found"), (6, "seller_not_owner"), (8, "missing_field")]
        head = ledger.recorder.max_notification_id()
        again = import_contracts(ledger, rows, actor="t", total=len(rows))
        assert (again.created, again.replayed, len(again.rejected)) == (0, 2, 5)
        assert ledger.recorder.max_notification_id() == head


def test_json_lines_with_a_broken_line(tmp_path: Path) -> None:
    with Ledger(Settings(data_dir=tmp_path)) as ledger:
        seller, buyer, exchange, _ = world(ledger)
        good = (f'{{"contract_number":"J-1","title":"服务","contract_type":"service",'
                f'"seller":"{seller}","buyer":"{buyer}","turnover":"10.00",'
                f'"transaction_amount":"5.00","signed_on":"2026-05-01","field":"新材料",'
                f'"exchange":"{exchange}"}}')
        rows = list(read_rows(f"{good}\n{{not json\n[1,2]\n".encode(), "jsonl"))
        report = import_contracts(ledger, rows, actor="t", total=len(rows))
        assert report.created == 1
        assert [(r.line, r.code) for r in report.rejected] == [(2, "malformed_json"),
                                                               (3, "malformed_json")]


@pytest.fixture
def importer(sqlite_settings: Settings) -> tuple[TestClient, str, bytes]:
    with Ledger(sqlite_settings) as ledger:
        key = ledger.issue_api_key(Role.EXCHANGE_OPERATOR, "交易市场")
        data = csv_file(*world(ledger))
    return TestClient(create_app(sqlite_settings)), key, data


def test_http_import_reports_rows_and_refuses_other_media(
        importer: tuple[TestClient, str, bytes]) -> None:
    client, key, data = importer
    with client:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
        report = client.post("/v1/imports/contracts", content=data, headers=headers).json()
        assert (report["created"], len(report["rejected"])) == (2, 5)
        assert report["rejected"][0] == {"line": 3, "code": "invalid_field",
                                         "reason": report["rejected"][0]["reason"]}
        wrong = client.post("/v1/imports/contracts", content=data,
                            headers={**headers, "Content-Type": "application/pdf"})
        assert (wrong.status_code, wrong.json()["code"]) == (415, "unsupported_media_type")


def test_cli_import_shows_progress_and_fails_on_rejected_rows(tmp_path: Path) -> None:
    with Ledger(Settings(data_dir=tmp_path)) as ledger:
        data = csv_file(*world(ledger))
    path = tmp_path / "contracts.csv"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-m", "api.cli", "import", "trades", str(path)],
                          env={**os.environ, "TECHLEDGER_DATA_DIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "7/7 rows" in done.stderr
    assert "2 registered" in done.stdout and "line 6: seller_not_owner" in done.stdout
