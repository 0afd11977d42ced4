"""The privacy review before an export, and the name-badge list it checks against.

``PrivacyReviewDialog`` lists every hit of ``core.privacy.scan``: the note's words
around it with the match marked in words and brackets (not only colour). For each
the user edits the note (the note is rescanned) or says it is not personal data (a
merged confirmation). Export enables once nothing is left to check.

``NameBadgesDialog`` takes the venue's first names, one per line; they stay in this
laptop's local settings and are never exported or merged.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import notes, privacy
from facilitator.core.errors import FacilitatorError
from facilitator.core.pack import SessionPack
from facilitator.core.privacy import PrivacyHit
from facilitator.core.store import Store
from facilitator.ui.common.errors import show_error

OPEN, CONFIRMED, EDITED = "open", "confirmed", "edited"
CONTEXT_CHARS = 160
# Okabe–Ito yellow behind black text: about 15:1, and the brackets say it without colour.
MARK_STYLE = "background-color:#F0E442; color:#000000; font-weight:bold;"


def tr(text: str) -> str:
    return QCoreApplication.translate("PrivacyReviewDialog", text)


def kind_label(kind: str) -> str:
    """The hit's kind in words, translated."""
    labels = {
        "email": tr("e-mail address"),
        "phone": tr("phone number"),
        "postcode": tr("postcode"),
        "name": tr("first name on a name badge"),
    }
    return labels.get(kind, kind)


def note_kind_label(kind: str) -> str:
    """Where the text comes from: a note, or anything else an export prints."""
    return {"note": tr("note"), "quote": tr("quote"), "advice": tr("advice"),
            "combined advice": tr("combined advice"), "theme label": tr("theme label"),
            "table name": tr("table name"), "laptop label": tr("laptop label"),
            "agenda title": tr("agenda title"), "video title": tr("video title"),
            "site name": tr("site name"), "programme title": tr("programme title"),
            "report text": tr("report text")}.get(kind, kind)


def where_label(hit: PrivacyHit) -> str:
    if hit.workshop <= 0:
        return ", ".join(p for p in (hit.site_name, hit.table) if p)
    if hit.table:
        return tr("{site}, Workshop {n}, {table}").format(site=hit.site_name, n=hit.workshop,
                                                          table=hit.table)
    return tr("{site}, Workshop {n}").format(site=hit.site_name, n=hit.workshop)


def context_html(hit: PrivacyHit, width: int = CONTEXT_CHARS) -> str:
    """The note's words around the hit, escaped, the match marked [kind: text]."""
    before, matched, after = hit.context(width)
    mark = tr("[{kind}: {text}]").format(kind=kind_label(hit.kind), text=matched)
    return (html.escape(before) + f'<span style="{MARK_STYLE}">{html.escape(mark)}</span>'
            + html.escape(after)).replace("\n", "<br>")


@dataclass
class ReviewEntry:
    """One hit under review and what the user did about it."""

    hit: PrivacyHit
    state: str = OPEN


class NoteEditDialog(QDialog):
    """Edits one note's text, opened with the hit selected so typing replaces it.

    Signals: the QDialog's accepted() / rejected().
    """

    def __init__(self, hit: PrivacyHit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("privacy_note_edit")
        self.setWindowTitle(tr("Edit the note"))
        intro = QLabel(tr("Change or remove the {kind} “{text}”. The note is saved as a new "
                          "revision and checked again.").format(kind=kind_label(hit.kind),
                                                                text=hit.matched))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("privacy_note_text")
        self.editor.setAccessibleName(tr("Note text"))
        self.editor.setTabChangesFocus(True)
        self.editor.setPlainText(hit.text)
        cursor = self.editor.textCursor()
        cursor.setPosition(_qt_position(hit.text, hit.start))
        cursor.setPosition(_qt_position(hit.text, hit.end), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        intro.setBuddy(self.editor)
        buttons = QDialogButtonBox()
        self.save_button = QPushButton(tr("&Save"))
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.resize(560, 300)
        self.editor.setFocus()

    def text(self) -> str:
        return self.editor.toPlainText()


def _qt_position(text: str, index: int) -> int:
    """A Python string index as a Qt (UTF-16) position: emoji count twice there."""
    return len(text[:index].encode("utf-16-le")) // 2


class PrivacyReviewDialog(QDialog):
    """Every privacy hit to check before an export; Export enables when none is open.

    Signals: the QDialog's accepted() (Export pressed) / rejected().
    """

    def __init__(self, store: Store, pack: SessionPack, hits: Sequence[PrivacyHit],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.entries = [ReviewEntry(hit) for hit in hits]
        self.setObjectName("privacy_review_dialog")
        self.setWindowTitle(tr("Check for personal data before exporting"))
        self.edit_dialog_factory = NoteEditDialog  # tests may drive the real one

        intro = QLabel(tr(
            "These notes may identify someone: an e-mail address, a phone number, a "
            "postcode or a first name from today's name badges. For each one, edit the note "
            "to take it out, or say it is not personal data (for example a police "
            "non-emergency number). Export is possible once every one is checked."))
        intro.setWordWrap(True)

        self.list = QListWidget()
        self.list.setObjectName("privacy_hits")
        self.list.setAccessibleName(tr("Possible personal data"))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._show_current)
        list_label = QLabel(tr("&Possible personal data"))
        list_label.setBuddy(self.list)

        self.where = QLabel()
        self.where.setObjectName("privacy_where")
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        font = self.where.font()
        font.setBold(True)
        self.where.setFont(font)
        self.context = QLabel()
        self.context.setObjectName("privacy_context")
        self.context.setTextFormat(Qt.TextFormat.RichText)
        self.context.setWordWrap(True)
        self.context.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.context.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.context.setMinimumWidth(360)
        self.context.setFrameShape(QFrame.Shape.StyledPanel)
        self.context.setMargin(8)
        self.state_label = QLabel()
        self.state_label.setObjectName("privacy_state")
        self.edit_button = QPushButton(tr("&Edit text…"))
        self.edit_button.setObjectName("privacy_edit")
        self.edit_button.clicked.connect(self.edit_current)
        self.confirm_button = QPushButton(tr("&Not personal data"))
        self.confirm_button.setObjectName("privacy_confirm")
        self.confirm_button.clicked.connect(self.confirm_current)
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addWidget(self.confirm_button)
        actions.addStretch(1)
        detail = QVBoxLayout()
        detail.addWidget(self.where)
        detail.addWidget(self.context)
        detail.addWidget(self.state_label)
        detail.addLayout(actions)
        detail.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(list_label)
        left.addWidget(self.list, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(detail, 1)

        self.status = QLabel()
        self.status.setObjectName("privacy_status")
        self.buttons = QDialogButtonBox()
        self.export_button = QPushButton(tr("E&xport"))
        self.export_button.setObjectName("privacy_export")
        self.export_button.setDefault(True)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(900, 520)
        self._fill()
        if self.entries:
            self.list.setCurrentRow(0)
            self.list.setFocus()
        self._update()

    # -- state -------------------------------------------------------------------------

    def open_count(self) -> int:
        return sum(1 for e in self.entries if e.state == OPEN)

    def all_checked(self) -> bool:
        return self.open_count() == 0

    def _entry_text(self, entry: ReviewEntry) -> str:
        state = {OPEN: tr("To check"), CONFIRMED: tr("✓ Not personal data"),
                 EDITED: tr("✓ Edited out")}[entry.state]
        hit = entry.hit
        return tr("{state}: {kind} “{text}”\n{where}").format(
            state=state, kind=kind_label(hit.kind), text=hit.matched, where=where_label(hit))

    def _fill(self) -> None:
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for entry in self.entries:
            item = QListWidgetItem(self._entry_text(entry))
            if entry.state != OPEN:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.entries:
            self.list.setCurrentRow(min(max(row, 0), len(self.entries) - 1))
        self._show_current(self.list.currentRow())

    def _show_current(self, row: int) -> None:
        entry = self.entries[row] if 0 <= row < len(self.entries) else None
        # A hit outside the notes (e.g. a combined advice item) is edited where it lives.
        editable = entry is not None and entry.state == OPEN and \
            notes.get_note(self.store, entry.hit.note_id) is not None
        self.edit_button.setEnabled(editable)
        self.confirm_button.setEnabled(entry is not None and entry.state == OPEN)
        if entry is None:
            self.where.setText(tr("Nothing to check."))
            self.context.setText("")
            self.state_label.setText("")
            return
        hit = entry.hit
        where = where_label(hit)
        heading = tr("{kind} in a {note_kind} — {where}") if where else \
            tr("{kind} in a {note_kind}")
        self.where.setText(heading.format(
            kind=kind_label(hit.kind).capitalize(), note_kind=note_kind_label(hit.note_kind),
            where=where))
        self.context.setText(context_html(hit))
        self.context.setAccessibleDescription(hit.text)
        self.state_label.setText({
            OPEN: tr("Still to check: edit the text, or say it is not personal data.")
            if editable else tr("Still to check: this text is not a note, so change it where "
                                "it was written, or say it is not personal data."),
            CONFIRMED: tr("Checked: you said this is not personal data."),
            EDITED: tr("Checked: edited out of the note."),
        }[entry.state])

    def _update(self) -> None:
        left = self.open_count()
        self.export_button.setEnabled(left == 0)
        if not self.entries:
            self.status.setText(tr("No personal data found."))
        elif left == 0:
            self.status.setText(tr("All {n} checked: ready to export.").format(
                n=len(self.entries)))
        else:
            self.status.setText(tr("{left} of {n} still to check before exporting.").format(
                left=left, n=len(self.entries)))

    def _next_open(self, after: int) -> None:
        order = list(range(after + 1, len(self.entries))) + list(range(0, after + 1))
        for row in order:
            if self.entries[row].state == OPEN:
                self.list.setCurrentRow(row)
                return
        self.export_button.setFocus()

    # -- actions -------------------------------------------------------------------------

    def current_entry(self) -> ReviewEntry | None:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def confirm_current(self) -> None:
        row = self.list.currentRow()
        entry = self.current_entry()
        if entry is None or entry.state != OPEN:
            return
        try:
            privacy.confirm(self.store, entry.hit)
        except FacilitatorError as exc:
            show_error(self, exc)
            return
        # The confirmation covers this text wherever it is in the note.
        for other in self.entries:
            if other.state == OPEN and other.hit.note_id == entry.hit.note_id and \
                    other.hit.matched.casefold() == entry.hit.matched.casefold():
                other.state = CONFIRMED
        self._fill()
        self._update()
        self._next_open(row)

    def edit_current(self) -> None:
        row = self.list.currentRow()
        entry = self.current_entry()
        if entry is None or entry.state != OPEN:
            return
        dialog = self.edit_dialog_factory(entry.hit, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply_edit(entry.hit.note_id, dialog.text())
        self._next_open(row - 1)

    def apply_edit(self, note_id: str, text: str) -> bool:
        """Save the note's new text and check it again; False if it could not be saved."""
        try:
            notes.edit_note(self.store, note_id, {"text": text})
        except FacilitatorError as exc:
            show_error(self, exc)
            return False
        fresh = privacy.scan_note(self.store, self.pack, note_id)
        kept: list[ReviewEntry] = []
        insert_at: int | None = None
        for entry in self.entries:
            if entry.hit.note_id != note_id or entry.state != OPEN:
                kept.append(entry)
                continue
            insert_at = len(kept) if insert_at is None else insert_at
            same = next((h for h in fresh if (h.kind, h.matched) ==
                         (entry.hit.kind, entry.hit.matched)), None)
            if same is not None:
                fresh.remove(same)
                kept.append(ReviewEntry(same))
            else:
                kept.append(ReviewEntry(entry.hit, EDITED))
        # A match the edit brought in is new: it needs checking too.
        position = len(kept) if insert_at is None else insert_at
        for hit in fresh:
            kept.insert(position, ReviewEntry(hit))
            position += 1
        self.entries = kept
        self._fill()
        self._update()
        return True


class NameBadgesDialog(QDialog):
    """The venue's first names, one per line, for the privacy check before exports.

    Signals: the QDialog's accepted() (saved) / rejected().
    """

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("name_badges_dialog")
        self.setWindowTitle(QCoreApplication.translate("NameBadgesDialog", "Name badges"))
        intro = QLabel(QCoreApplication.translate(
            "NameBadgesDialog",
            "Type or paste the first names on today's name badges, one per line. Before an "
            "export, Facilitator looks for them in the notes so that nobody is named by "
            "mistake. The list stays on this laptop: it is never exported, merged or sent "
            "to the lead."))
        intro.setWordWrap(True)
        self.intro = intro
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("name_badges_text")
        self.editor.setAccessibleName(QCoreApplication.translate("NameBadgesDialog",
                                                                 "First names, one per line"))
        self.editor.setTabChangesFocus(True)
        self.editor.setPlainText("\n".join(privacy.name_badges(store)))
        self.editor.textChanged.connect(self._update)
        label = QLabel(QCoreApplication.translate("NameBadgesDialog",
                                                  "&First names, one per line"))
        label.setBuddy(self.editor)
        self.count = QLabel()
        self.count.setObjectName("name_badges_count")
        buttons = QDialogButtonBox()
        self.save_button = QPushButton(QCoreApplication.translate("NameBadgesDialog", "&Save"))
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.resize(440, 420)
        self._update()
        self.editor.setFocus()

    def names(self) -> list[str]:
        return privacy.clean_names(self.editor.toPlainText().splitlines())

    def _update(self) -> None:
        n = len(self.names())
        self.count.setText(QCoreApplication.translate("NameBadgesDialog",
                                                      "{n} name(s).").format(n=n))

    def _save(self) -> None:
        try:
            privacy.set_name_badges(self.store, self.names())
        except FacilitatorError as exc:
            show_error(self, exc)
            return
        self.accept()
