"""``facilitator serve``: phone voting on the local network without a window.

Prints the address phones open and serves until Ctrl+C (exit 0). The same server
as Voting → Phones in the app (``facilitator/serve``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from facilitator.core import paths
from facilitator.core.errors import FacilitatorError

DEFAULT_PORT = 8765
NO_NETWORK = ("this laptop has no network that phones could reach: turn on the laptop's "
              "hotspot, or join the venue Wi-Fi, then start again")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "serve", help="phone voting on the local network; prints the URL, serves until Ctrl+C")
    parser.add_argument("--site", metavar="SITE",
                        help="site id or name (default: this laptop's venue)")
    parser.add_argument("--workshop", type=int, metavar="N",
                        help="workshop number (default: today's workshop)")
    parser.add_argument("--ballot", choices=("ranking", "dots"), default="ranking",
                        help="rank the use cases (default) or put dots on the advice")
    parser.add_argument("--host", metavar="ADDR", default="0.0.0.0",
                        help="address to listen on (default: every network of this laptop)")
    parser.add_argument("--port", type=int, metavar="N", default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")


def cmd_serve(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core import ballots
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store
    from facilitator.serve.addresses import lan_addresses
    from facilitator.serve.server import PhoneServer
    from facilitator.serve.vote import PhoneVote

    if not 0 <= args.port <= 65535:
        raise FacilitatorError(f"--port {args.port}: a port is 0–65535")
    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        site = args.site or store.site
        if not site:
            names = ", ".join(s.name for s in pack.sites)
            raise FacilitatorError(f"which site? Give --site ({names}), or set up the "
                                   "venue in the app")
        workshop = args.workshop
        if workshop is None and args.ballot == "ranking":
            today = store.get_setting("workshop") or ""
            if not today.isdigit():
                raise FacilitatorError("which workshop? Give --workshop N, or set up the "
                                       "venue in the app")
            workshop = int(today)
        vote = PhoneVote(store, pack, site=site, workshop=workshop, ballot=args.ballot)
        was_open = (args.ballot == "ranking"
                    and ballots.voting_state(store, vote.site, vote.workshop) == "open")
        server = PhoneServer(vote, args.host, args.port)
        try:
            server.start()
        except FacilitatorError:
            vote.close()
            raise
        try:
            _announce(server, vote, pack, lan_addresses(), args.host)
            _wait_for_interrupt()
        finally:
            server.stop()
            if args.ballot == "ranking" and not was_open:
                ballots.set_voting(store, vote.site, vote.workshop, False)
        stats = vote.stats
        print(f"Stopped. {stats.recorded} ballots recorded from phones, {stats.held} held "
              "for the facilitator (Voting → Phones in the app).", flush=True)
    return 0


def _announce(server: Any, vote: Any, pack: Any, addresses: list[str], host: str) -> None:
    what = ("ranking of the use cases" if vote.kind == "ranking"
            else "dots on the combined advice")
    where = pack.site(vote.site).name
    if vote.kind == "ranking":
        where += f", workshop {vote.workshop}"
    codes = "participant codes asked" if vote.needs_code else "anonymous"
    print(f"Phone voting: {what} for {where} ({codes}).", flush=True)
    if host not in ("0.0.0.0", ""):
        print(f"Open on a phone: {server.url()}", flush=True)
    elif addresses:
        print("Open on a phone on the same Wi-Fi:", flush=True)
        for address in addresses:
            print(f"  {server.url(address)}", flush=True)
    else:
        print(f"facilitator: {NO_NETWORK}", file=sys.stderr, flush=True)
        print(f"Only this laptop can open: {server.url()}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)


def _wait_for_interrupt() -> None:
    """Until Ctrl+C (or SIGTERM, treated the same)."""
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
