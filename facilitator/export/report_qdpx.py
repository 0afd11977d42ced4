"""The REFI-QDA hand-offs: a ``.qdpx`` project and a ``.qdc`` codebook (QDA-XML 1.0).

NVivo, ATLAS.ti, MAXQDA and QualCoder import both. Checked against the official
``Project.xsd`` and ``Codebook.xsd`` in the tests (``tests/data/refi-qda/``).

The project (a zip: ``project.qde`` plus ``sources/<GUID>.txt``) holds:

- **CodeBook**: each use case a parent code that cannot be coded ("AI answering 101
  calls (basic)", its definition as the description), its themes under it; then
  "Advice" with the advice themes; ad-hoc themes under their use case;
- **Variables** and **Cases**: each participant (not withdrawn or erased) a case
  named by their pseudonymous code, with their site and roster variables (Text), the
  pack's derived variables and whether they agreed to be quoted (Boolean), and a
  reference to every passage attributed to them;
- **Sources**: one text document per site, workshop and table ("Cardiff, Workshop 2,
  Table 3"), the notes, quotes and advice in the order typed, each under a bracketed
  line saying what it is, when (UK time), its use case, agenda step, participant code
  and star. Each note's words are a PlainTextSelection coded with its themes.
  Positions count Unicode code points from 0, end exclusive (REFI-QDA §10.2); the
  text files are UTF-8 with ``\\n`` line ends.

A quote whose speaker said no to quotes keeps its place and codes, so theme counts
match the report, but its words are replaced by a withheld marker. Withdrawn and
erased participants' words are not in the file at all. GUIDs are derived from the
app's own ids, so exporting again gives the same GUIDs.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from facilitator import __version__
from facilitator.core.files import write_atomic
from facilitator.core.pack import ADVICE_GROUP, SessionPack
from facilitator.export.handoff import KIND_WORDS, HandoffData, Note, clean

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = f"Facilitator {__version__}"
GUID_NAMESPACE = uuid.UUID("6f1c8e36-5b0e-4d0f-9a51-3f3d2b7a0c11")
# Okabe–Ito: one colour per use case, the same across the app and its PDFs.
PALETTE = ("#0072B2", "#56B4E9", "#009E73", "#F0E442", "#E69F00", "#D55E00", "#CC79A7",
           "#000000")
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                      r"[0-9a-fA-F]{12}$")


def guid(*parts: str) -> str:
    """A GUID for ``parts``: the app's id itself when it is one, else derived from it."""
    if len(parts) == 1 and _GUID_RE.match(parts[0]):
        return parts[0].lower()
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(parts)))


def _stamp(when: datetime | str) -> str:
    if isinstance(when, str):
        when = datetime.fromisoformat(when.replace("Z", "+00:00"))
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent: ET.Element, ns: str, tag: str, text: str | None = None,
        **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _name(text: str) -> str:
    return clean(text, newlines=False).strip()


# -- the codebook ------------------------------------------------------------------------


def group_title(pack: SessionPack, group: str, title: str) -> str:
    for use_case in pack.use_cases:
        if use_case.id == group:
            return f"{use_case.title} ({use_case.level})"
    return title


def _codes(parent: ET.Element, ns: str, data: HandoffData) -> None:
    codes = _el(parent, ns, "Codes")
    definitions = {u.id: u for u in data.pack.use_cases}
    for index, (group, title, themes) in enumerate(data.groups()):
        colour = PALETTE[index % len(PALETTE)]
        parent_code = _el(
            codes, ns, "Code", guid=guid("code-group", group or "general"),
            name=_name(group_title(data.pack, group, title)), isCodable="false", color=colour)
        use_case = definitions.get(group)
        if use_case is not None:
            _el(parent_code, ns, "Description",
                clean(f"{use_case.level.capitalize()} use case. {use_case.definition}"))
        elif group == ADVICE_GROUP:
            _el(parent_code, ns, "Description",
                "Themes of the advice participants gave, as the codebook names them.")
        for theme in themes:
            code = _el(parent_code, ns, "Code", guid=guid(theme.id), name=_name(theme.label),
                       isCodable="true", color=colour)
            if theme.custom:
                _el(code, ns, "Description", "Added during the workshops (ad hoc).")


def codebook_xml(data: HandoffData) -> bytes:
    """The codebook alone, as a REFI-QDA ``.qdc`` file (Codebook.xsd)."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN})
    _codes(root, CODEBOOK_NS, data)
    return _serialise(root)


def _serialise(root: ET.Element) -> bytes:
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue()


# -- the sources ---------------------------------------------------------------------------


class _Document:
    """One text source being written: its text and where each note's words sit."""

    def __init__(self, title: str) -> None:
        self.parts: list[str] = [title, "\n\n"]
        self.length = len(title) + 2
        self.spans: list[tuple[Note, int, int]] = []

    def add(self, note: Note, heading: str) -> None:
        text = clean(note.text).strip("\n") or "(empty)"
        self._write(f"[{heading}]\n")
        start = self.length
        self._write(text)
        self.spans.append((note, start, self.length))
        self._write("\n\n")

    def _write(self, piece: str) -> None:
        self.parts.append(piece)
        self.length += len(piece)  # code points: what REFI-QDA positions count

    @property
    def text(self) -> str:
        return "".join(self.parts)


def heading(note: Note) -> str:
    parts = [KIND_WORDS[note.kind], note.local_time.strftime("%d %b %Y %H:%M %Z")]
    if note.use_case_title:
        parts.append(note.use_case_title)
    if note.step:
        parts.append(f"step: {note.step}")
    if note.participant:
        parts.append(note.participant)
    if note.starred:
        parts.append("starred")
    if note.withheld:
        parts.append("words withheld")
    return _name(" · ".join(parts))


def _documents(data: HandoffData) -> list[tuple[str, str, _Document]]:
    """(guid, name, document) per site, workshop and table, in pack and table order."""
    order = {s.id: i for i, s in enumerate(data.pack.sites)}
    grouped: dict[tuple[str, int, str], list[Note]] = defaultdict(list)
    for note in data.notes:
        grouped[(note.site_id, note.workshop, note.table)].append(note)
    out = []
    for key in sorted(grouped, key=lambda k: (order.get(k[0], 99), k[1], k[2].casefold())):
        notes = grouped[key]
        first = notes[0]
        name = f"{first.site}, Workshop {first.workshop}"
        name += f", {first.table}" if first.table else " (no table)"
        document = _Document(_name(name))
        for note in sorted(notes, key=lambda n: (n.noted_at, n.id)):
            document.add(note, heading(note))
        out.append((guid("source", *map(str, key)), _name(name), document))
    return out


# -- the project ---------------------------------------------------------------------------


def project(data: HandoffData, *, now: datetime | None = None
            ) -> tuple[bytes, dict[str, bytes]]:
    """``project.qde`` and the source files (name -> UTF-8 bytes) of the project."""
    ET.register_namespace("", PROJECT_NS)
    ns = PROJECT_NS
    created = _stamp(now or datetime.now(UTC))
    user = guid("user", "facilitator")
    scope = ", ".join(s.name for s in data.sites)
    title = f"{data.pack.title}: {scope}"
    if data.workshop is not None:
        title += f", Workshop {data.workshop}"
    root = ET.Element(f"{{{ns}}}Project", {
        "name": _name(title), "origin": ORIGIN, "creatingUserGUID": user,
        "creationDateTime": created})
    # Children in the order Project.xsd demands: Users, CodeBook, Variables, Cases,
    # Sources, Notes, Links, Sets, Graphs, Description.
    users = _el(root, ns, "Users")
    _el(users, ns, "User", guid=user, name="Facilitator")
    _codes(_el(root, ns, "CodeBook"), ns, data)

    variables: list[tuple[str, str, str]] = [("site", "Site", "Text")]
    labels = {v.id: v.label for v in data.pack.variables}
    variables += [(v, labels.get(v, v), "Text") for v in
                  (var.id for var in data.pack.variables)]
    variables += [(d.id, d.label, "Boolean") for d in data.pack.derived]
    variables.append(("quote_consent", "Agreed to be quoted", "Boolean"))
    if data.participants:
        holder = _el(root, ns, "Variables")
        for var_id, label, kind in variables:
            variable = _el(holder, ns, "Variable", guid=guid("variable", var_id),
                           name=_name(label), typeOfVariable=kind)
            if var_id == "quote_consent":
                _el(variable, ns, "Description",
                    "No: their quotes count in the themes but their words are withheld.")

    documents = _documents(data)
    selections: dict[str, list[str]] = defaultdict(list)
    for _, _, document in documents:
        for note, _, _ in document.spans:
            if note.participant_id:
                selections[note.participant_id].append(guid(note.id))

    if data.participants:
        cases = _el(root, ns, "Cases")
        for person in data.participants:
            case = _el(cases, ns, "Case", guid=guid(person.id), name=_name(person.code))
            for var_id, _, kind in variables:
                value = _el(case, ns, "VariableValue")
                _el(value, ns, "VariableRef", targetGUID=guid("variable", var_id))
                if var_id == "site":
                    _el(value, ns, "TextValue", _name(person.site))
                elif var_id == "quote_consent":
                    _el(value, ns, "BooleanValue", "true" if person.quote_consent else "false")
                elif kind == "Boolean":
                    _el(value, ns, "BooleanValue",
                        "true" if person.derived.get(var_id) else "false")
                else:
                    _el(value, ns, "TextValue", _name(person.values.get(var_id, "")))
            for selection_guid in selections.get(person.id, []):
                _el(case, ns, "SelectionRef", targetGUID=selection_guid)

    files: dict[str, bytes] = {}
    if documents:
        sources = _el(root, ns, "Sources")
        for source_guid, name, document in documents:
            first = min(note.noted_at for note, _, _ in document.spans)
            source = _el(sources, ns, "TextSource", guid=source_guid, name=name,
                         plainTextPath=f"internal://{source_guid}.txt", creatingUser=user,
                         creationDateTime=_stamp(first))
            _el(source, ns, "Description",
                f"{len(document.spans)} notes, quotes and advice items typed at the table, "
                "in the order typed.")
            for note, start, end in document.spans:
                selection = _el(source, ns, "PlainTextSelection", guid=guid(note.id),
                                name=_name(f"{KIND_WORDS[note.kind]}: {note.attribution}"),
                                startPosition=str(start), endPosition=str(end),
                                creatingUser=user, creationDateTime=_stamp(note.noted_at))
                _el(selection, ns, "Description", heading(note))
                for theme_id in note.themes:
                    coding = _el(selection, ns, "Coding", guid=guid("coding", note.id, theme_id),
                                 creatingUser=user)
                    _el(coding, ns, "CodeRef", targetGUID=guid(theme_id))
            files[f"{source_guid}.txt"] = document.text.encode("utf-8")
    _el(root, ns, "Description",
        "Analysis file from Facilitator for the dialogue team's analysts: participants "
        "appear by pseudonymous code with their roster variables. Not for publication. "
        "Quotes of participants who said no to being quoted are counted and coded, "
        "their words withheld; withdrawn and erased participants are not included.")
    return _serialise(root), files


def qdpx_bytes(data: HandoffData, *, now: datetime | None = None) -> bytes:
    """The ``.qdpx`` zip: ``project.qde`` and a flat ``sources/`` folder."""
    qde, files = project(data, now=now)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, content in files.items():
            archive.writestr(f"sources/{name}", content)
    return out.getvalue()


def write_qdpx(data: HandoffData, path: str | Path) -> Path:
    return write_atomic(path, qdpx_bytes(data))


def write_qdc(data: HandoffData, path: str | Path) -> Path:
    return write_atomic(path, codebook_xml(data))

