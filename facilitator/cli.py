"""The ``facilitator`` command: the GUI by default, subcommands for leads and scripts.

Thin over core: each subcommand is a few lines calling the same functions the GUI
uses. Exit 0 on success, 1 on failure with the reason on stderr; ``--json`` output
goes to stdout, also on failure.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from facilitator import __version__
from facilitator.core import paths
from facilitator.core.errors import CsvImportError, FacilitatorError

if TYPE_CHECKING:
    from facilitator.core.preflight import Check

GLOBAL_OPTIONS = ("--db", "--pack", "--lang")
PROBE_COMMAND = "_probe"  # hidden; media/child.py
log = logging.getLogger("facilitator.cli")


def split_global_options(argv: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Pull ``--db``/``--pack``/``--lang`` from anywhere in argv; the last one given wins."""
    found: dict[str, str] = {}
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in GLOBAL_OPTIONS:
            if not eq:
                if i + 1 >= len(argv):
                    raise SystemExit(_usage_error(f"{name} needs a value"))
                value = argv[i + 1]
                i += 1
            found[name[2:]] = value
        elif arg == "--":
            rest.extend(argv[i:])
            break
        else:
            rest.append(arg)
        i += 1
    return found, rest


def _usage_error(message: str) -> int:
    print(f"facilitator: {message}", file=sys.stderr)
    return 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="facilitator",
                     description="Run public-dialogue workshops offline.",
                     epilog="--db PATH, --pack DIR and --lang cy|en may be given before or "
                            "after a command.")
    parser.add_argument("--version", action="version", version=f"facilitator {__version__}")
    parser.add_argument("--db", metavar="PATH", help="database file (or $FACILITATOR_DB)")
    parser.add_argument("--pack", metavar="DIR", help="session pack (or $FACILITATOR_PACK)")
    parser.add_argument("--lang", metavar="cy|en",
                        help="language of the app and reports: cy (Cymraeg) or en (English) "
                             "(or $FACILITATOR_LANG; default: the last choice, else the "
                             "system's language)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="pre-flight: pack, videos, database, disk, font")
    check.add_argument("--json", action="store_true")
    check.add_argument("--no-play", action="store_true",
                       help="skip trying to decode each video (faster)")

    imp = sub.add_parser("import", help="import a CSV file")
    imp_sub = imp.add_subparsers(dest="kind", parser_class=_Parser, required=True)
    roster = imp_sub.add_parser("roster", help="participants (recruiter spreadsheet)")
    roster.add_argument("file")
    roster.add_argument("--json", action="store_true")
    from facilitator.commands.notes import add_import_parser as add_notes_import

    add_notes_import(imp_sub)
    from facilitator.commands import votes as votes_commands

    votes_commands.add_roster_options(roster)
    votes_commands.add_import_parser(imp_sub)
    votes_commands.add_parsers(sub)
    from facilitator.commands import advice as advice_commands

    advice_commands.add_import_parser(imp_sub)
    advice_commands.add_parsers(sub)

    videos = sub.add_parser("videos", help="manage the video manifest")
    videos_sub = videos.add_subparsers(dest="action", parser_class=_Parser, required=True)
    rehash = videos_sub.add_parser(
        "rehash", help="recompute checksums and durations after replacing video files")
    rehash.add_argument("--json", action="store_true")

    from facilitator.commands.export import add_parsers as add_export_parsers
    from facilitator.commands.merge import add_parser as add_merge_parser

    add_merge_parser(sub)
    add_export_parsers(sub)
    from facilitator.commands.serve import add_parser as add_serve_parser

    add_serve_parser(sub)
    from facilitator.commands.report import add_parser as add_report_parser

    add_report_parser(sub)
    from facilitator.commands.participants import add_parsers as add_participants_parsers

    add_participants_parsers(sub)

    sub.add_parser("gui", help="open the app (the default)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    from facilitator import applog

    applog.force_utf8_console()
    if args_list[:1] == [PROBE_COMMAND]:
        # Hidden: the app's own child process for video probes (media/child.py).
        from facilitator.media import child

        return child.main(args_list[1:])
    try:
        global_opts, rest = split_global_options(args_list)
    except SystemExit as exc:
        return int(exc.code or 1)
    from facilitator.core import i18n

    try:
        lang = i18n.chosen(global_opts.get("lang"))
    except i18n.LanguageError as exc:
        return _usage_error(str(exc))
    i18n.set_language(lang or i18n.system_language(), explicit=lang is not None)
    parser = build_parser()
    try:
        args = parser.parse_args(rest)
    except SystemExit as exc:
        return int(exc.code or 0)
    command = args.command or "gui"
    applog.setup(command)
    resolved = paths.resolve(global_opts.get("db"), global_opts.get("pack"))
    handler = COMMANDS[command]
    try:
        code = handler(args, resolved)
    except FacilitatorError as exc:
        if getattr(args, "json", False):
            print(json.dumps(_error_json(exc)))
        print(f"facilitator: {exc}", file=sys.stderr)
        # Named by kind and file only: a message can quote a row of participants' data.
        log.warning("%s failed: %s%s", command, type(exc).__name__,
                    f" ({exc.file})" if exc.file else "")
        return 1
    except KeyboardInterrupt:
        print("facilitator: interrupted", file=sys.stderr)
        log.info("%s interrupted", command)
        return 1
    except Exception:
        log.critical("%s stopped on an unexpected error", command, exc_info=True)
        raise
    log.info("%s finished with exit code %s", command, code)
    return code


def gui_main() -> int:
    """The windowed entry point (``facilitator-gui``, no console): the app itself."""
    return main(sys.argv[1:])


def _error_json(exc: FacilitatorError) -> dict[str, object]:
    payload: dict[str, object] = {"ok": False, "error": exc.message, "file": exc.file,
                                  "line": exc.line, "field": exc.field}
    if isinstance(exc, CsvImportError):
        payload["problems"] = [{"line": p.line, "field": p.field, "message": p.message}
                               for p in exc.problems]
    return payload


def cmd_gui(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.app import run_gui

    return run_gui(resolved)


def cmd_check(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.preflight import run_checks

    probe = None
    if not args.no_play:
        from facilitator.media.probe import probe_video_playable

        probe = probe_video_playable
    checks = run_checks(resolved.db, resolved.pack, probe)
    checks.insert(min(4, len(checks)), player_check())
    ok = all(c.ok for c in checks)
    if args.json:
        print(json.dumps({"ok": ok, "checks": [c.as_json() for c in checks]}, indent=2))
    else:
        width = max(len(c.name) for c in checks)
        for c in checks:
            print(f"{'ok  ' if c.ok else 'FAIL'}  {c.name:<{width}}  {c.detail}")
        print("all checks passed" if ok else "some checks failed")
    if not ok:
        for c in checks:
            if not c.ok:
                print(f"facilitator: {c.name}: {c.detail}", file=sys.stderr)
    return 0 if ok else 1


def player_check() -> Check:
    """``player``: which video player this laptop will use, and why not VLC if not."""
    from facilitator.core.preflight import Check
    from facilitator.media import detect

    choice = detect.choose_backend()
    if choice.name == "vlc":
        status = detect.detect_vlc()
        where = "bundled" if detect.bundled_vlc() else "installed"
        return Check("player", True, f"VLC {status.version} ({where}) will play the videos")
    if choice.name == "qt":
        detail = "Qt Multimedia will play the videos"
        if choice.reason:
            detail += f" (not VLC: {choice.reason})"
        return Check("player", True, detail)
    return Check("player", False, f"no video player works here: {choice.reason}")


def cmd_import(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    if args.kind == "ballots":
        from facilitator.commands.votes import cmd_import_ballots

        return cmd_import_ballots(args, resolved)
    if args.kind == "notes":
        from facilitator.commands.notes import cmd_import_notes

        return cmd_import_notes(args, resolved)
    if args.kind == "priorities":
        from facilitator.commands.advice import cmd_import_priorities

        return cmd_import_priorities(args, resolved)
    from facilitator.commands.votes import import_roster_with_maps
    from facilitator.core.pack import load_pack
    from facilitator.core.store import Store

    pack = load_pack(resolved.pack)
    with Store(resolved.db) as store:
        if args.kind == "roster":
            report = import_roster_with_maps(store, pack, args)
        else:  # pragma: no cover - argparse limits the choices
            raise FacilitatorError(f"unknown import kind {args.kind}")
    from facilitator.commands.common import print_import

    return print_import(args, report, updated="updated", unchanged="unchanged")


def cmd_videos(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.core.videos import rehash_manifest

    if paths.inside_installation(resolved.pack):
        raise FacilitatorError(
            "this pack is part of the installed app and is never changed; use the copy "
            "in the data folder (leave out --pack) or copy the pack elsewhere",
            file=resolved.pack)
    changes = rehash_manifest(resolved.pack)
    if args.json:
        print(json.dumps({"ok": True, "changes": changes}))
    else:
        for change in changes:
            print(change)
        print(f"{len(changes)} manifest entries updated")
    return 0


def _votes_command(name: str, args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands import votes

    handler: Callable[[argparse.Namespace, paths.ResolvedPaths], int] = getattr(votes, name)
    return handler(args, resolved)


def _export_command(name: str, args: argparse.Namespace,
                    resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands import export

    handler: Callable[[argparse.Namespace, paths.ResolvedPaths], int] = getattr(export, name)
    return handler(args, resolved)


def _advice_command(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands.advice import cmd_advice

    return cmd_advice(args, resolved)


def _serve_command(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands.serve import cmd_serve

    return cmd_serve(args, resolved)


def _merge_command(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands.merge import cmd_merge

    return cmd_merge(args, resolved)


def _participants_command(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands.participants import cmd_participants

    return cmd_participants(args, resolved)


def _report_command(args: argparse.Namespace, resolved: paths.ResolvedPaths) -> int:
    from facilitator.commands.report import cmd_report

    return cmd_report(args, resolved)


COMMANDS: dict[str, Callable[[argparse.Namespace, paths.ResolvedPaths], int]] = {
    "gui": cmd_gui,
    "check": cmd_check,
    "import": cmd_import,
    "videos": cmd_videos,
    "results": lambda args, resolved: _votes_command("cmd_results", args, resolved),
    "quotas": lambda args, resolved: _votes_command("cmd_quotas", args, resolved),
    "merge": lambda args, resolved: _merge_command(args, resolved),
    "export": lambda args, resolved: _export_command("cmd_export", args, resolved),
    "demo": lambda args, resolved: _export_command("cmd_demo", args, resolved),
    "advice": lambda args, resolved: _advice_command(args, resolved),
    "serve": _serve_command,
    "report": lambda args, resolved: _report_command(args, resolved),
    "participants": lambda args, resolved: _participants_command(args, resolved),
}
