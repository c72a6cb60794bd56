"""`techledger` command line: serve, rebuild, keys, import, demo; relay, project, positions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import uvicorn

from api.app import create_app
from api.cli_export import add_command as add_export_command
from api.cli_export import run_export
from api.cli_import import import_trades
from api.cli_notary import add_commands as add_notary_commands
from api.runtime import Runtime
from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {k: v for k, v in (("host", getattr(args, "host", None)),
                                   ("port", getattr(args, "port", None)),
                                   ("workers", getattr(args, "workers", None))) if v is not None}
    return Settings(**overrides)


def _where(settings: Settings) -> str:
    if settings.database_url:
        return f"PostgreSQL ({settings.database_url.split('@')[-1]})"
    return f"{settings.data_dir.resolve()} (events.sqlite, views.sqlite)"


def _bootstrap_admin_key(settings: Settings) -> None:
    """A fresh ledger has no keys: issue one admin key and show it once."""
    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        if not ledger.has_api_keys():
            key = ledger.issue_api_key(Role.ADMIN, "bootstrap admin")
            print(f"No API keys existed; issued an admin key (shown once):\n  {key}\n"
                  "Create more with: techledger keys create --role ROLE --label NAME")


def serve(settings: Settings) -> None:
    _bootstrap_admin_key(settings)
    print(f"techledger listening on http://{settings.host}:{settings.port} "
          f"(docs: /docs, workers: {settings.workers})")
    print(f"data: {_where(settings)}", flush=True)
    if settings.workers > 1:
        uvicorn.run("api.app:app_factory", factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, log_level="warning",
                    timeout_worker_healthcheck=settings.worker_healthcheck_timeout_s)
    else:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    log_level="warning")


def rebuild(settings: Settings) -> None:
    runtime = Runtime.open(settings, follow=False)
    try:
        position = runtime.follower.rebuild()
    finally:
        runtime.close()
    print(f"views rebuilt from the ledger up to position {position}")


def create_key(settings: Settings, role: str, label: str, party: str | None) -> None:
    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        key = ledger.issue_api_key(Role(role), label, party_id=UUID(party) if party else None)
    print(key)
    print(f"# role={role} label={label!r}: store it now, it is not shown again", file=sys.stderr)


def demo(settings: Settings, *, then_serve: bool) -> None:
    from api.demo_data import load_demo

    with Ledger(settings) as ledger:
        def progress(stage: str, done: int, total: int) -> None:
            print(f"\r  {stage:<14} {done:>4}/{total}", end="", flush=True)

        print("loading the demo data set through the ledger's commands...")
        summary = load_demo(ledger, progress=progress)
        print(f"\n{summary}")
        keys = {role: ledger.issue_api_key(role, f"demo {role.value}") for role in Role}
    print("demo API keys (one per role):")
    for role, key in keys.items():
        print(f"  {role.value:<18} {key}")
    base = f"http://{settings.host}:{settings.port}"
    print("try (public, no key):\n"
          f"  {base}/v1/public/achievements?q=石墨烯\n"
          "with a key (Authorization: Bearer KEY):\n"
          f"  {base}/v1/achievements?q=石墨烯\n"
          f"  {base}/v1/library?grade=A\n"
          f"  {base}/v1/achievements/{summary.library_achievement_id}\n"
          f"  {base}/v1/achievements/{summary.library_achievement_id}/timeline"
          "   (回溯, auditor key)\n"
          f"  {base}/v1/evaluations/{summary.evaluation_id}   (with a key)\n"
          f"  {base}/v1/contracts?type=transfer   (with a key)\n"
          f"  {base}/v1/pledge-status?patent_number={summary.pledged_patent_number}   (bank key)\n"
          f"  {base}/v1/contract-registrations/backlog?as_of=2026-11-20   (exchange key)\n"
          f"  {base}/v1/statistics/trades?group_by=quarter   (with a key; &format=csv)\n"
          f"  {base}/v1/statistics/trades/flows?jjj_only=true   (京津冀 flows, with a key)\n"
          f"  {base}/v1/post-evaluation/grades?window_months=12   (后评价, auditor key; &format=csv)\n"
          f"  {base}/v1/integrity/blacklist?as_of=2026-11-20   (with a key)\n"
          f"  {base}/v1/public/blacklist   (no key)\n"
          f"  {base}/v1/public/achievements?q=石墨烯   (公开信息: public fields only, no key; also "
          "/v1/public/contracts, /v1/public/contracts/statistics)\n"
          "  techledger export --since 0 --out export.jsonl   (国家科技成果项目库 export; "
          "docs/national-export.md)\n"
          f"  {base}/v1/demands?field=新能源   (技术需求, exchange key; then "
          "/v1/demands/ID/candidates for matching)\n"
          f"  {base}/v1/statistics/events   (路演、直通车、挑战赛 and the deals that followed; "
          "then /v1/market-events/ID with an exchange or auditor key)\n"
          f"  {base}/console   (web console: sign in with one of the keys above; desks for the "
          "registry, bank, integrity, exchange with a live import bar, 技术需求 and 路演, statistics)\n"
          f"  {base}/v1/ledger/checkpoint?format=note   (transparency log: signed checkpoint, no key)\n"
          f"  {base}/v1/achievements/{summary.library_achievement_id}/history?receipt=true"
          "   (auditor key; save it and check offline: techledger verify-receipt FILE "
          "--public-key KEY)\n"
          "  techledger verify   (recompute the log from the stored events)")
    if then_serve:
        serve(settings)


def _distributed_commands(sub: Any) -> None:
    sub.add_parser("relay", help="publish the ledger's events to Kafka (distributed mode)")
    p_project = sub.add_parser("project", help="write the views from Kafka or from the log")
    p_project.add_argument("--source", choices=["kafka", "log"], default="kafka")
    p_positions = sub.add_parser("positions", help="the ledger head and each follower's position")
    p_positions.add_argument("--check", help="exit 1 unless this follower (views, relay) keeps up")
    p_positions.add_argument("--max-lag", type=int, default=10_000)


def _notary(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli_notary import run_notary

    return run_notary(settings, args)


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli_notary import verify

    return verify(settings, args)


def _verify_receipt(settings: Settings, args: argparse.Namespace) -> int:
    from api.cli_notary import verify_receipt_file

    return verify_receipt_file(settings, args)


def _relay(settings: Settings, _args: argparse.Namespace) -> int:
    from api.distributed import run_relay

    run_relay(settings)
    return 0


def _project(settings: Settings, args: argparse.Namespace) -> int:
    from api.distributed import run_projector

    run_projector(settings, args.source)
    return 0


def _positions(settings: Settings, args: argparse.Namespace) -> int:
    from api.distributed import report_positions

    return report_positions(settings, args.check, args.max_lag)


DISTRIBUTED: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "relay": _relay, "project": _project, "positions": _positions, "notary": _notary,
    "verify": _verify, "verify-receipt": _verify_receipt, "export": run_export}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="techledger", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="run the API with its followers (embedded default)")
    p_serve.add_argument("--host")
    p_serve.add_argument("--port", type=int)
    p_serve.add_argument("--workers", type=int)
    sub.add_parser("rebuild", help="drop the views and rebuild them from the ledger")
    p_keys = sub.add_parser("keys", help="manage API keys")
    keys_sub = p_keys.add_subparsers(dest="keys_command", required=True)
    p_create = keys_sub.add_parser("create", help="issue a key and print it once")
    p_create.add_argument("--role", required=True, choices=[r.value for r in Role])
    p_create.add_argument("--label", required=True)
    p_create.add_argument("--party", help="party id the key acts for (e.g. a bank)")
    p_demo = sub.add_parser("demo", help="load the demo data set, print keys, then serve")
    p_demo.add_argument("--no-serve", action="store_true")
    p_demo.add_argument("--host")
    p_demo.add_argument("--port", type=int)
    p_import = sub.add_parser("import", help="bulk import (CSV or JSON Lines)")
    p_import.add_argument("what", choices=["trades"])
    p_import.add_argument("file", type=Path)
    p_import.add_argument("--actor", default="cli:import")
    _distributed_commands(sub)
    add_notary_commands(sub)
    add_export_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    settings = _settings(args)
    if args.command == "serve":
        serve(settings)
    elif args.command == "rebuild":
        rebuild(settings)
    elif args.command == "keys":
        create_key(settings, args.role, args.label, args.party)
    elif args.command in DISTRIBUTED:
        sys.exit(DISTRIBUTED[args.command](settings, args))
    elif args.command == "import":
        report = import_trades(settings, args.file, args.actor)
        sys.exit(1 if report.rejected else 0)
    else:
        demo(settings, then_serve=not args.no_serve)


if __name__ == "__main__":
    main()
