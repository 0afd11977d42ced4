"""The Welsh translation's tools: extract, check, fill and compile (see i18n/README.md).

``scripts/update-translations`` runs this. The Welsh is kept in ``i18n/cy.po``, keyed by
the English; the Qt ``.ts`` and ``.qm`` are built from it into ``i18n/build/`` (not in
git), so a class renamed or a file moved never loses a translation.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator.core import i18n  # noqa: E402

PO = ROOT / "i18n" / i18n.PO_NAME
BUILD = ROOT / "i18n" / "build"
TS = BUILD / "facilitator_cy.ts"
QM = BUILD / "facilitator_cy.qm"
# Contexts Qt's own widgets translate in (Qt ships no Welsh for them): kept in cy.po with
# their msgctxt and put into the .ts as they are.
QT_CONTEXTS = ("QPlatformTheme", "QMessageBox", "QDialogButtonBox", "QLineEdit",
               "QWidgetTextControl", "QFileDialog", "QColorDialog", "QShortcut",
               "QAbstractSpinBox", "QProgressDialog", "QWizard", "QInputDialog",
               "QCalendarWidget")
TRANSLATE_NAMES = {"tr": 0, "translate": 1, "QT_TR_NOOP": 0, "QT_TRANSLATE_NOOP": 1}
PLACEHOLDER_RE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}|%[0-9n]")


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    numerus: bool


def _tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else name


def source_files(root: Path = ROOT) -> list[str]:
    """The Python files lupdate reads: git's list (a directory argument finds nothing)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "facilitator/*.py"],
                             check=True, capture_output=True, text=True).stdout
        files = [line for line in out.splitlines() if line]
    except (OSError, subprocess.CalledProcessError):
        files = []
    if not files:  # not a git checkout (an unpacked source archive)
        files = sorted(str(p.relative_to(root)) for p in (root / "facilitator").rglob("*.py"))
    return [f for f in files if (root / f).exists()]


def extract(root: Path = ROOT, ts: Path | None = None) -> list[Message]:
    """Every translatable source text in the tree, as pyside6-lupdate finds it."""
    with tempfile.TemporaryDirectory() as tmp:
        out = ts or Path(tmp) / "extract.ts"
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            out.unlink()
        result = subprocess.run(
            [_tool("pyside6-lupdate"), *source_files(root), "-ts", str(out),
             "-target-language", "cy", "-no-obsolete", "-locations", "none", "-silent"],
            cwd=root, capture_output=True, text=True)
        if result.returncode != 0 or not out.exists():
            raise SystemExit(f"pyside6-lupdate failed: {result.stderr.strip()}")
        tree = ET.parse(out)
    messages = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            messages.append(Message(name, source, message.get("numerus") == "yes"))
    return messages + extra_messages(root)


# Qt-free wordings the reports mark with a helper lupdate does not know: the name of the
# helper, the context it translates in, and which arguments are source texts.
EXTRA_CALLS: dict[str, tuple[str, tuple[int, ...]]] = {
    "_t": ("Report", (0,)),
    "_plural": ("Report", (1, 2)),
}


def extra_messages(root: Path = ROOT) -> list[Message]:
    """Source texts given to EXTRA_CALLS helpers (a literal, or a module-level constant)."""
    found: list[Message] = []
    for name in source_files(root):
        try:
            tree = ast.parse((root / name).read_text(encoding="utf-8"), filename=name)
        except SyntaxError:
            continue
        constants = {t.id: node.value.value for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str)
                     for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else (
                func.id if isinstance(func, ast.Name) else None)
            if called not in EXTRA_CALLS:
                continue
            context, indexes = EXTRA_CALLS[called]
            for index in indexes:
                if index >= len(node.args):
                    continue
                arg = node.args[index]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append(Message(context, arg.value, False))
                elif isinstance(arg, ast.Name) and arg.id in constants:
                    found.append(Message(context, constants[arg.id], False))
    return found


def needs_plural(message: Message) -> bool:
    return message.numerus or "%n" in message.source


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER_RE.findall(text))


def has_mnemonic(text: str) -> bool:
    return bool(re.search(r"&(?!&)\S", text.replace("&&", "")))


def problems(messages: list[Message], catalog: i18n.Catalog) -> list[str]:
    """What stops the Welsh being complete: missing or unfinished translations, and
    translations whose placeholders or keyboard accelerator differ from the English."""
    found: list[str] = []
    seen: set[tuple[str, str]] = set()
    for message in messages:
        key = (message.context, message.source)
        if key in seen:
            continue
        seen.add(key)
        entry = catalog.entry(message.context, message.source)
        where = f"[{message.context or 'no context'}]"
        if entry is None:
            found.append(f"missing Welsh {where}: {message.source!r}")
            continue
        if not entry.finished:
            found.append(f"unfinished Welsh (cy.po line {entry.line}) {where}: {message.source!r}")
            continue
        if needs_plural(message) and not entry.plurals:
            found.append(f"needs {i18n.WELSH_PLURAL_FORMS} plural forms (cy.po line "
                         f"{entry.line}) {where}: {message.source!r}")
            continue
        forms = entry.plurals or (entry.translation,)
        for form in forms:
            want = [p for p in placeholders(message.source) if p != "%n"]
            have = [p for p in placeholders(form) if p != "%n"]
            if want != have:
                found.append(f"placeholders differ (cy.po line {entry.line}): "
                             f"{message.source!r} has {want}, the Welsh {have}")
                break
        if has_mnemonic(message.source) and not all(has_mnemonic(f) for f in forms):
            found.append(f"the Welsh lacks the & accelerator (cy.po line {entry.line}): "
                         f"{message.source!r}")
    return found


def formatted_tr_calls(root: Path = ROOT) -> list[str]:
    """tr()/translate() calls given an f-string, a % or + expression or a .format() call:
    lupdate stores the template but the run looks up the formatted text, so it never
    matches. Format after translating instead."""
    found = []
    for name in source_files(root):
        path = root / name
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
        except SyntaxError as exc:
            found.append(f"{name}:{exc.lineno}: cannot parse: {exc.msg}")
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else (
                func.id if isinstance(func, ast.Name) else None)
            if called not in TRANSLATE_NAMES and called not in EXTRA_CALLS:
                continue
            index = TRANSLATE_NAMES[called] if called in TRANSLATE_NAMES \
                else EXTRA_CALLS[called][1][0]
            if called == "translate" and len(node.args) < 2:
                continue
            if len(node.args) <= index:
                continue
            arg = node.args[index]
            bad = isinstance(arg, ast.JoinedStr | ast.BinOp) or (
                isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                and arg.func.attr in ("format", "format_map", "join", "replace"))
            if bad:
                found.append(f"{name}:{node.lineno}: {called}() is given a formatted string "
                             f"({ast.unparse(arg)[:70]}); translate the plain text, then format")
    return found


# -- writing ---------------------------------------------------------------------------


def _po_quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def po_block(message: Message) -> str:
    lines = [f"msgid {_po_quote(message.source)}"]
    if needs_plural(message):
        lines.append(f"msgid_plural {_po_quote(message.source)}")
        lines.extend(f'msgstr[{i}] ""' for i in range(i18n.WELSH_PLURAL_FORMS))
    else:
        lines.append('msgstr ""')
    return "\n".join(lines) + "\n"


def add_missing(messages: list[Message], catalog: i18n.Catalog, po: Path = PO) -> list[Message]:
    """Append the English of every string cy.po lacks, with an empty Welsh to fill in."""
    missing: list[Message] = []
    sources: set[str] = set()
    for message in messages:
        if catalog.entry(message.context, message.source) is None and message.source not in sources:
            sources.add(message.source)
            missing.append(message)
    if missing:
        text = po.read_text(encoding="utf-8")
        if not text.endswith("\n\n"):
            text = text.rstrip("\n") + "\n\n"
        text += "".join(f"# {m.context or 'no context'} (new: write the Welsh)\n{po_block(m)}\n"
                        for m in missing)
        po.write_text(text, encoding="utf-8")
    return missing


def write_ts(messages: list[Message], catalog: i18n.Catalog, ts: Path = TS) -> None:
    """The Qt Linguist file: lupdate's contexts, filled from cy.po, finished where known."""
    root = ET.Element("TS", version="2.1", language="cy_GB", sourcelanguage="en_GB")
    by_context: dict[str, list[Message]] = {}
    for message in messages:
        by_context.setdefault(message.context, []).append(message)
    for entry in catalog.entries:
        if entry.context in QT_CONTEXTS:
            by_context.setdefault(entry.context, []).append(
                Message(entry.context, entry.source, bool(entry.plurals)))
    for name in sorted(by_context):
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
        done: set[str] = set()
        for message in by_context[name]:
            if message.source in done:
                continue
            done.add(message.source)
            element = ET.SubElement(context, "message")
            ET.SubElement(element, "source").text = message.source
            entry = catalog.entry(name, message.source)
            translation = ET.SubElement(element, "translation")
            if message.numerus:
                element.set("numerus", "yes")
                forms = entry.plurals if entry is not None and entry.plurals else ()
                for i in range(i18n.WELSH_PLURAL_FORMS):
                    ET.SubElement(translation, "numerusform").text = (
                        forms[i] if i < len(forms) else "")
            elif entry is not None:
                translation.text = entry.plurals[-1] if entry.plurals else entry.translation
            if entry is None or not entry.finished:
                translation.set("type", "unfinished")
    ET.indent(root)
    ts.parent.mkdir(parents=True, exist_ok=True)
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                  + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")


def compile_qm(ts: Path = TS, qm: Path = QM) -> None:
    result = subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(qm), "-silent"],
                            capture_output=True, text=True)
    if result.returncode != 0 or not qm.exists():
        raise SystemExit(f"pyside6-lrelease failed: {result.stderr.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="update-translations",
        description="Extract every tr() string, add the new ones to i18n/cy.po, build the "
                    ".ts and compile the .qm. Exit 1 while Welsh is missing.")
    parser.add_argument("--check", action="store_true",
                        help="only report; change nothing (what the test does)")
    parser.add_argument("--compile", action="store_true",
                        help="only build i18n/build/*.ts and *.qm (set-up and bundle builds)")
    args = parser.parse_args(argv)
    messages = extract()
    catalog = i18n.Catalog(i18n.parse_po(PO.read_text(encoding="utf-8"), file=str(PO)))
    if not args.check and not args.compile:
        added = add_missing(messages, catalog)
        if added:
            print(f"added {len(added)} new English strings to {PO.relative_to(ROOT)}: "
                  "write their Welsh (msgstr)")
            catalog = i18n.Catalog(i18n.parse_po(PO.read_text(encoding="utf-8"), file=str(PO)))
    if not args.check:
        write_ts(messages, catalog)
        compile_qm()
        print(f"wrote {TS.relative_to(ROOT)} and {QM.relative_to(ROOT)} "
              f"({len(messages)} source texts)")
    found = problems(messages, catalog) + formatted_tr_calls()
    for problem in found:
        print(problem, file=sys.stderr)
    if args.compile:
        return 0
    return 1 if found else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
