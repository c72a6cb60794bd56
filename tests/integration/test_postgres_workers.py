"""`techledger serve --workers 4` on PostgreSQL: four processes write one ledger and keep every rule.

The HTTP scenarios of tests/api run here again, unchanged, against a real server (each on a fresh
database: they register the same parties); then the trade races of tests/service/test_trade_races.py
over HTTP, many requests at once spread over the four processes: exactly one wins, the others get
the documented problem+json code, and the views (read after `wait_for_position`) agree with the
ledger read straight from PostgreSQL.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from subprocess import Popen
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.access import Role
from domain.base import derived_id
from domain.contract import TechContract
from domain.rights import AchievementRights
from services.ledger import Ledger
from services.settings import Settings
from tests.api import test_contract_registration_http as registration_http
from tests.api import test_evaluations_http as evaluations_http
from tests.api import test_http as registry_http
from tests.api import test_integrity_http as integrity_http
from tests.api import test_trades_http as trades_http
from tests.api.test_evaluations_http import story  # noqa: F401 (fixture of the evaluation scenario)
from tests.api.test_http import Api, achievement_body
from tests.api.test_trades_http import Market
from tests.conftest import create_database, drop_database
from tests.factories import credit_code
from tests.integration.server import free_port, start_server
from tests.integration.test_workers import children

pytestmark = pytest.mark.postgres

WORKERS = 4
THREADS = 16
DEADLINE_S = 60  # for the workers to appear; a barrier that never opens fails instead of hanging
PLEDGED, TRADED = "domain.pledge:Pledge.Registered", "domain.contract:TechContract.Accepted"
DAY, LOAN_END, AS_OF = "2026-04-01", "2027-03-31", "2026-06-30"


@dataclass
class Server:
    base: str
    process: Popen[bytes]
    keys: dict[Role, str]
    workers: list[int]
    settings: Settings  # the same database, for reading the ledger from the test

    def auth(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


def worker_processes(pid: int) -> list[int]:
    """uvicorn's worker processes under `pid` (spawned; not multiprocessing's resource tracker)."""
    workers = []
    for child in children(pid):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                workers.append(child)
        except OSError:  # it has just ended
            continue
    return sorted(workers)


def wait_for_workers(process: Popen[bytes]) -> list[int]:
    """The workers' pids, once uvicorn has started all of them."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline and process.poll() is None:
        workers = worker_processes(process.pid)
        if len(workers) == WORKERS:
            return workers
        time.sleep(0.05)
    raise AssertionError(f"expected {WORKERS} worker processes; server exit code "
                         f"{process.poll()}")


@contextmanager
def four_workers(server_url: str, data_dir: Path) -> Iterator[Server]:
    """A fresh database, an API key per role, and `techledger serve --workers 4` on it. On exit:
    four workers still serve and none logged an error."""
    url = create_database(server_url)
    settings = Settings(data_dir=data_dir, database_url=url, group_commit=False)
    with Ledger(settings) as ledger:
        keys = {role: ledger.issue_api_key(role, f"test {role.value}") for role in Role}
    port, log = free_port(), data_dir / "server.log"
    process = start_server(data_dir, port, "--workers", str(WORKERS),
                           env={"TECHLEDGER_DATABASE_URL": url}, log=log)
    try:
        workers = wait_for_workers(process)
        yield Server(f"http://127.0.0.1:{port}", process, keys, workers, settings)
        assert process.poll() is None, "the server stopped"
        # uvicorn replaces a worker that dies (or, on an overloaded machine, one that is slow to
        # answer its health check while starting): still four, but not necessarily the same.
        assert len(worker_processes(process.pid)) == WORKERS
    finally:
        process.terminate()
        process.wait(timeout=30)
        drop_database(server_url, url)
    errors = [line for line in log.read_text(errors="replace").splitlines()
              if "Traceback" in line or "ERROR" in line or "failed" in line]
    assert not errors, f"the server logged errors (see {log}): {errors[:5]}"


# --- The HTTP scenarios of tests/api, each against four workers on its own fresh database ---


@pytest.fixture
def api(pg_server_url: str, tmp_path: Path) -> Iterator[Api]:
    with four_workers(pg_server_url, tmp_path) as server, \
            httpx.Client(base_url=server.base, timeout=30) as client:
        assert client.get("/v1/health").json()["store"] == "postgresql"
        yield Api(client, server.keys)


@pytest.fixture
def market(api: Api) -> Market:
    return Market(api)


# Collected again in this module, so they get its `api` fixture: registration with
# read-your-writes and replay, contracts, pledges with the banks' queries, the Hefei evaluation
# process up to the library, a registration case, and misconduct decisions that bite.
test_register_then_read_your_write_and_history = \
    registry_http.test_register_then_read_your_write_and_history
test_contract_lifecycle = trades_http.test_contract_lifecycle
test_pledge_lifecycle_and_bank_queries = trades_http.test_pledge_lifecycle_and_bank_queries
test_hefei_process_over_http_reaches_the_library_with_grade_b = \
    evaluations_http.test_hefei_process_over_http_reaches_the_library_with_grade_b
test_a_case_from_acceptance_to_completion = registration_http.test_a_case_from_acceptance_to_completion
test_a_decision_bites_and_shows = integrity_http.test_a_decision_bites_and_shows


# --- Races over HTTP: one server for the module, each race on its own parties ---


@pytest.fixture(scope="module")
def server(pg_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with four_workers(pg_server_url, tmp_path_factory.mktemp("races")) as running:
        yield running


@pytest.fixture(scope="module")
def ledger(server: Server) -> Iterator[Ledger]:
    """The ledger as PostgreSQL has it, read by the test itself (not through the API)."""
    with Ledger(server.settings) as opened:
        yield opened


SERIALS = itertools.count(100)  # credit codes unique across the module's races


def post(server: Server, path: str, body: Any, role: Role, key: str | None = None
         ) -> httpx.Response:
    """One request on a new connection, so that requests spread over the worker processes."""
    return httpx.post(f"{server.base}{path}", json=body, timeout=60, headers={
        **server.auth(role), **({"Idempotency-Key": key} if key else {})})


def get(server: Server, path: str, role: Role = Role.AUDITOR, **params: Any) -> Any:
    response = httpx.get(f"{server.base}{path}", params=params, timeout=60,
                         headers=server.auth(role))
    assert response.status_code == 200, response.text
    return response.json()


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def party(server: Server, name: str, kind: str) -> str:
    return str(created(post(server, "/v1/parties", {
        "name": name, "kind": kind, "credit_code": credit_code(next(SERIALS)),
        "region_code": "130600"}, Role.REGISTRAR))["id"])


def parties(server: Server, pool: ThreadPoolExecutor, kind: str, count: int) -> list[str]:
    return list(pool.map(lambda n: party(server, f"竞争方{kind}{n}", kind), range(count)))


def achievement(server: Server, owner: str, title: str) -> str:
    body = {**achievement_body(owner, title), "effective_date": "2026-01-05"}
    return str(created(post(server, "/v1/achievements", body, Role.REGISTRAR))["id"])


def pledge_body(pledgor: str, bank: str, ach: str) -> dict[str, Any]:
    return {"pledgor_id": pledgor, "pledgee_id": bank, "debtor_id": pledgor,
            "items": [{"achievement_id": ach}], "secured_amount": "1000000.00",
            "loan_start": DAY, "loan_end": LOAN_END, "effective_date": DAY}


def transfer_body(number: str, seller: str, buyer: str, ach: str, exchange: str) -> dict[str, Any]:
    return {"contract_number": number, "title": "技术转让合同", "contract_type": "transfer",
            "seller_id": seller, "buyer_id": buyer, "achievement_ids": [ach],
            "turnover": "500000.00", "transaction_amount": "450000.00", "signed_on": DAY,
            "field": "现代农业", "exchange_id": exchange, "pricing": "listing",
            "effective_date": DAY}


def outcome(response: httpx.Response) -> str:
    """'ok' for a write accepted (201), else the problem's stable code (409 with problem+json)."""
    if response.status_code == 201:
        return "ok"
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return str(response.json()["code"])


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls together, each on its own thread, released by one barrier."""
    barrier = threading.Barrier(len(calls), timeout=DEADLINE_S)

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def head(responses: list[httpx.Response]) -> int:
    return max(int(r.json()["position"]) for r in responses if r.status_code == 201)


def events(ledger: Ledger, topic: str) -> int:
    return len(ledger.recorder.select_notifications(start=None, limit=10_000, topics=[topic]))


def rights(ledger: Ledger, ach: str) -> AchievementRights:
    found: object = ledger.repository.get(AchievementRights.id_for(UUID(ach)))
    assert isinstance(found, AchievementRights)
    return found


def test_four_worker_processes_serve_one_postgresql_ledger(server: Server) -> None:
    assert len(server.workers) == WORKERS and server.process.pid not in server.workers
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(lambda _: httpx.get(f"{server.base}/v1/health", timeout=30),
                                range(4 * THREADS)))
    assert {(a.status_code, a.json()["store"]) for a in answers} == {(200, "postgresql")}


def test_cnipa_banks_racing_to_pledge_one_achievement_one_wins(server: Server,
                                                               ledger: Ledger) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        uni, *banks = [party(server, "河北大学", "university"),
                       *parties(server, pool, "bank", THREADS)]
    ach = achievement(server, uni, "一种节水灌溉装置（质押竞争）")
    before = events(ledger, PLEDGED)

    responses = at_once([partial(post, server, "/v1/pledges", pledge_body(uni, bank, ach),
                                 Role.BANK, f"loan-{bank}") for bank in banks])

    results = [outcome(r) for r in responses]
    assert Counter(results) == {"ok": 1, "achievement_already_pledged": THREADS - 1}
    winner = banks[results.index("ok")]
    pledge_id = derived_id("pledge", f"loan-{winner}")
    assert responses[results.index("ok")].json()["id"] == str(pledge_id)
    assert [(x.pledge_id, x.pledgee_id) for x in rights(ledger, ach).liens] == [
        (pledge_id, UUID(winner))]
    assert events(ledger, PLEDGED) == before + 1
    status = get(server, "/v1/pledge-status", Role.BANK, achievement_id=ach, as_of=AS_OF,
                 wait_for_position=head(responses))
    assert [(p["pledge_id"], p["pledgee_id"]) for p in status["pledges"]] == [
        (str(pledge_id), winner)]
    for bank in (winner, *[b for b in banks if b != winner][:3]):  # on any worker's follower
        exposure = get(server, f"/v1/banks/{bank}/pledges", as_of=AS_OF)
        assert exposure["count"] == (1 if bank == winner else 0), bank


def test_civil_code_art444_pledge_and_transfer_race_never_both_succeed(server: Server,
                                                                     ledger: Ledger) -> None:
    rounds = THREADS // 2
    uni, buyer, exchange, bank = (party(server, name, kind) for name, kind in (
        ("河北农业大学", "university"), ("保定某科技公司", "enterprise"),
        ("保定技术交易市场", "transfer_agency"), ("保定银行", "bank")))
    with ThreadPoolExecutor(THREADS) as pool:
        achs = list(pool.map(lambda n: achievement(server, uni, f"一种灌溉控制器（竞争{n}）"),
                             range(rounds)))
    calls: list[Callable[[], httpx.Response]] = []
    for n, ach in enumerate(achs):  # the two requests of every round, all rounds at once
        calls += [partial(post, server, "/v1/pledges", pledge_body(uni, bank, ach), Role.BANK,
                          f"loan-race-{n}"),
                  partial(post, server, "/v1/contracts", transfer_body(
                      f"HT-RACE-{n}", uni, buyer, ach, exchange), Role.EXCHANGE_OPERATOR)]
    before = events(ledger, PLEDGED) + events(ledger, TRADED)
    responses = at_once(calls)
    by_round = list(zip(responses[::2], responses[1::2], strict=True))  # (pledge, transfer)

    position = head(responses)
    for n, (ach, (pledged, transferred)) in enumerate(zip(achs, by_round, strict=True)):
        result = (outcome(pledged), outcome(transferred))
        assert result in {("ok", "pledged_without_consent"), ("pledgor_not_owner", "ok")}, result
        held = rights(ledger, ach)
        pledge_id, contract_id = derived_id("pledge", f"loan-race-{n}"), \
            TechContract.id_for(f"HT-RACE-{n}")
        status = get(server, "/v1/pledge-status", Role.BANK, achievement_id=ach, as_of=AS_OF,
                     wait_for_position=position)
        contracts = get(server, "/v1/contracts", achievement_id=ach)
        if result[0] == "ok":
            assert held.owners_on(date.max) == (UUID(uni),)
            assert [x.pledge_id for x in held.liens] == [pledge_id] and held.trades == ()
            assert [p["pledge_id"] for p in status["pledges"]] == [str(pledge_id)]
            assert contracts["total"] == 0
        else:
            assert held.owners_on(date.max) == (UUID(buyer),) and held.liens == ()
            assert [x.contract_id for x in held.trades] == [contract_id]
            assert status["pledged"] is False
            assert [c["id"] for c in contracts["items"]] == [str(contract_id)]
    assert events(ledger, PLEDGED) + events(ledger, TRADED) == before + rounds


def test_double_sale_race_one_buyer_gets_the_achievement(server: Server, ledger: Ledger) -> None:
    uni, exchange = party(server, "河北工业大学", "university"), \
        party(server, "天津技术交易所", "transfer_agency")
    with ThreadPoolExecutor(THREADS) as pool:
        buyers = parties(server, pool, "enterprise", THREADS)
    ach = achievement(server, uni, "一种风力发电机叶片（一物二卖）")

    responses = at_once([partial(post, server, "/v1/contracts", transfer_body(
        f"HT-{buyer}", uni, buyer, ach, exchange), Role.EXCHANGE_OPERATOR) for buyer in buyers])

    results = [outcome(r) for r in responses]
    assert Counter(results) == {"ok": 1, "seller_not_owner": THREADS - 1}
    winner = buyers[results.index("ok")]
    held = rights(ledger, ach)
    assert held.owners_on(date.max) == (UUID(winner),)
    assert [x.buyer_id for x in held.trades] == [UUID(winner)]
    contracts = get(server, "/v1/contracts", achievement_id=ach,
                    wait_for_position=head(responses))
    assert [(c["buyer_id"], c["type"]) for c in contracts["items"]] == [(winner, "transfer")]


def test_one_idempotency_key_raced_with_two_bodies_creates_once(server: Server) -> None:
    owner = party(server, "燕山大学", "university")
    bodies = [achievement_body(owner, f"一种轧机振动抑制方法（{tag}）") for tag in "AB"]

    responses = at_once([partial(post, server, "/v1/achievements", bodies[n % 2], Role.REGISTRAR,
                                 "same-key") for n in range(THREADS)])

    won = [n % 2 for n, r in enumerate(responses) if r.status_code == 201]
    assert len(set(won)) == 1, "both bodies were accepted under one key"
    first = [r.json() for r in responses if r.status_code == 201]
    assert Counter((r["id"], r["replayed"]) for r in first) == {
        (first[0]["id"], False): 1, (first[0]["id"], True): THREADS // 2 - 1}
    assert Counter(outcome(r) for r in responses if r.status_code != 201) == {
        "idempotency_key_reused": THREADS // 2}
    history = get(server, f"/v1/achievements/{first[0]['id']}/history",
                  wait_for_position=max(r["position"] for r in first))
    assert [h["event_type"] for h in history] == ["Achievement.Registered"]
    for n, body in enumerate(bodies):
        found = get(server, "/v1/achievements", q=body["title"])
        assert found["total"] == (1 if n == won[0] else 0)


def test_registration_numbers_stay_consecutive_across_processes(server: Server) -> None:
    owner = party(server, "河北科技大学", "university")
    total = 3 * THREADS
    with ThreadPoolExecutor(THREADS) as pool:
        numbers = list(pool.map(lambda n: created(post(
            server, "/v1/achievements", achievement_body(owner, f"一种编号测试装置{n}"),
            Role.REGISTRAR, f"numbered-{n}"))["registration_number"],
            range(total)))
    serials = sorted(int(number[-5:]) for number in numbers)
    assert serials == list(range(serials[0], serials[0] + total)), serials
