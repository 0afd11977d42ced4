"""``facilitator participants consent|withdraw|erase CODE --site SITE`` (DESIGN §5).

Thin over ``core/participants.py``: the same acts as the app's participants screen,
for a request that arrives after the workshops. Each is recorded under the record
laws, so it holds in every merge (docs/record-laws.md).
"""

from __future__ import annotations

import argparse
import json

from facilitator.core import paths


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    people = sub.add_parser(
        "participants", help="consent, withdrawal and erasure of one participant",
        description="Record a participant's consent decision, withdrawal or erasure in "
                    "--db (and its snapshots). Each is sticky in every merge.")
    actions = people.add_subparsers(dest="action", required=True,
                                    parser_class=people.__class__)
    consent = actions.add_parser(
        "consent", help="a deliberate quote-consent decision, recorded with who and when",
        description="--refuse: their words are never printed (a refusal is sticky: no "
                    "import or merge undoes it). --grant: their words may be printed "
                    "again, after a refusal; recorded with this laptop and the time.")
    choice = consent.add_mutually_exclusive_group(required=True)
    choice.add_argument("--grant", action="store_true")
    choice.add_argument("--refuse", action="store_true")
    withdraw = actions.add_parser(
        "withdraw", help="withdraw: their quotes and ballots leave every later report")
    erase = actions.add_parser(
        "erase", help="erase for good: demographics and the words of every note, quote "
                      "and advice attributed to them, here and in the snapshots")
    for parser in (consent, withdraw, erase):
        parser.add_argument("code", metavar="CODE", help="the pseudonymous code")
        parser.add_argument("--site", required=True, metavar="SITE",
                            help="the site's id or name")
        parser.add_argument("--json", action="store_true")


def cmd_participants(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core import participants
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    pack = load_pack(resolved.pack)
    site = pack.site(args.site)
    with Store(resolved.db) as store:
        person = participants.by_code(store, site.id, args.code)
        if person is None:
            raise participants.ParticipantError(
                f"no participant {args.code} at {site.name}", field="CODE")
        pid = str(person["id"])
        if args.action == "consent":
            person = participants.set_consent(store, pid, grant=bool(args.grant))
            done = ("may be quoted (consent granted)" if participants.consent_given(person)
                    else "is not to be quoted (consent refused)")
        elif args.action == "withdraw":
            person = participants.withdraw(store, pid)
            done = "has withdrawn: their quotes and ballots leave every later report"
        else:
            person = participants.erase(store, pid)
            done = ("is erased: demographics and words removed here and in the snapshots; "
                    "export again so other copies receive the erasure")
    if args.json:
        print(json.dumps({"ok": True, "code": person["code"], "site": site.id,
                          "quote_consent": bool(person["quote_consent"]),
                          "consent_refused_at": person.get("consent_refused_at"),
                          "consent_granted_at": person.get("consent_granted_at"),
                          "withdrawn": bool(person["withdrawn"]),
                          "erased": bool(person["erased"])}))
    else:
        print(f"{person['code']} ({site.name}) {done}")
    return 0
