"""The capture panel: type a note, quote or piece of advice in seconds, never lose a word.

One text box keeps the focus: Enter saves (one transaction, then the box clears),
Shift+Enter is a new line, Ctrl+' marks a verbatim quote, Ctrl+1…9 toggle the first
nine themes. Attribution (site · workshop · step · use case · table) follows the
agenda and can be overridden from its chips. What is being typed is kept as a draft
at most half a second behind the keyboard and offered back after a crash. Saved
notes can be edited and deleted with undo and redo.

Typing here never drives the agenda: the text box claims Space, the arrows, + and B.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import QToolButton, QVBoxLayout, QWidget

from facilitator.core import notes, themes
from facilitator.core.errors import FacilitatorError
from facilitator.core.notes import Attribution, Participant
from facilitator.core.pack import AgendaStep, SessionPack
from facilitator.core.store import Change, Store
from facilitator.core.themes import ThemeChoice
from facilitator.core.venue import VenueTable
from facilitator.ui.capture.capture_drafts import CaptureDrafts
from facilitator.ui.capture.capture_edit import (  # noqa: F401 - re-exported
    BLUE,
    DRAFT_MS,
    GREEN,
    INK,
    KIND_BACKGROUND,
    ORANGE,
    RECENT,
    SKY,
    SLOT,
    CaptureEdit,
    _NoteCommand,
    note_line,
)
from facilitator.ui.capture.capture_layout import CaptureLayout
from facilitator.ui.capture.saved_notes import SavedNotes
from facilitator.ui.common.flow_layout import FlowLayout  # noqa: F401 - re-exported


class CapturePanel(CaptureLayout, CaptureDrafts, SavedNotes, QWidget):
    """Capture for one site's workshop day.

    ``steps`` are the day's agenda steps; ``follow_step(index)`` moves attribution
    with the agenda (connect the runner's ``step_changed`` or the note-taker's step
    selector). ``tables`` are the venue's tables; ``table_id`` this laptop's table.

    Signals:
        note_saved(dict): a note was committed (the stored record).
        note_changed(str): a saved note was edited, deleted or restored (its id).
        draft_saved(str): the draft now on disk (the text).
        draft_recovered(str): text left unsaved by a crash was put back in the box.
    """

    note_saved = Signal(dict)
    note_changed = Signal(str)
    draft_saved = Signal(str)
    draft_recovered = Signal(str)

    def __init__(self, store: Store, pack: SessionPack, site_id: str, workshop: int, *,
                 steps: Sequence[AgendaStep] = (), tables: Sequence[VenueTable] = (),
                 table_id: str | None = None, changes: Any = None,
                 slot: str = SLOT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capture")
        self.store, self.pack, self.slot = store, pack, slot
        self.site = pack.site(site_id)
        self.workshop = pack.workshop(workshop)
        self.steps = tuple(steps)
        self.tables = list(tables)
        self.table_id = table_id if any(t.id == table_id for t in self.tables) else None
        self.step_index: int | None = None
        self.use_case_override: tuple[str | None] | None = None
        self.step_override: int | None = None
        self.kind = "note"
        self.kind_chosen = False  # chosen by hand (or recovered): the agenda leaves it be
        self.selected: list[str] = []
        self.editing: str | None = None
        self._stash: str = ""
        self._theme_buttons: list[QToolButton] = []
        self._labels: dict[str, str] = {}
        self._codebook_ids: list[str] = []
        self._participants: list[Participant] = []
        self.undo_stack = QUndoStack(self)

        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(8)
        root.addWidget(self._build_banners())
        root.addWidget(self._build_attribution())
        root.addLayout(self._build_entry())
        root.addLayout(self._build_themes())
        root.addWidget(self._build_recent(), 1)
        self._apply_style()
        self._install_shortcuts()

        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_MS)
        self.draft_timer.timeout.connect(self.save_draft_now)
        self.edit.textChanged.connect(self._text_changed)
        if changes is not None:
            changes.changed.connect(self._store_changed)

        self.refresh_participants()
        self.follow_step(0 if self.steps else None)
        self.refresh_recent()
        self._recover_draft()

    # -- attribution --------------------------------------------------------------------

    @property
    def current_step(self) -> AgendaStep | None:
        index = self.step_override if self.step_override is not None else self.step_index
        if index is None or not 0 <= index < len(self.steps):
            return None
        return self.steps[index]

    @property
    def use_case(self) -> str | None:
        if self.use_case_override is not None:
            return self.use_case_override[0]
        step = self.current_step
        return step.use_case if step else None

    def attribution(self) -> Attribution:
        step = self.current_step
        table = next((t for t in self.tables if t.id == self.table_id), None)
        return Attribution(self.site.id, self.workshop.number,
                           table.id if table else None, table.name if table else None,
                           step.id if step else None, self.use_case)

    def follow_step(self, index: int | None) -> None:
        """The agenda moved: attribution follows (overrides of step and use case end)."""
        self.step_index = index
        self.step_override = None
        self.use_case_override = None
        self._attribution_changed()

    def override_step(self, index: int | None) -> None:
        self.step_override = index
        self.use_case_override = None
        self._attribution_changed()
        self.focus_text()

    def override_use_case(self, use_case: str | None, follow: bool = False) -> None:
        self.use_case_override = None if follow else (use_case,)
        self._attribution_changed()
        self.focus_text()

    def set_table(self, table_id: str | None) -> None:
        self.table_id = table_id
        self._attribution_changed()
        self.focus_text()

    def set_tables(self, tables: Sequence[VenueTable]) -> None:
        self.tables = list(tables)
        if not any(t.id == self.table_id for t in self.tables):
            self.table_id = None
        self._fill_menus()
        self._attribution_changed()

    def _attribution_changed(self) -> None:
        step = self.current_step
        self.step_chip.setText(self.tr("Step: {title}").format(title=step.title) if step
                               else self.tr("Step: none"))
        use_case = self.use_case
        title = self.pack.use_case(use_case).title if use_case else self.tr("none")
        self.use_case_chip.setText(self.tr("Use case: {title}").format(title=title))
        table = next((t.name for t in self.tables if t.id == self.table_id), None)
        self.table_chip.setText(table or self.tr("No table"))
        for chip, overridden in ((self.step_chip, self.step_override is not None),
                                 (self.use_case_chip, self.use_case_override is not None)):
            if chip.property("override") != overridden:
                chip.setProperty("override", overridden)
                chip.style().unpolish(chip)
                chip.style().polish(chip)
        if self.editing is None and not self.kind_chosen:
            self._default_kind()
        self.refresh_themes()

    # -- kind ---------------------------------------------------------------------------

    def base_kind(self) -> str:
        step = self.current_step
        return "advice" if step is not None and step.kind == "advice" else "note"

    def _default_kind(self) -> None:
        self.set_kind(self.base_kind())

    def set_kind(self, kind: str, explicit: bool = False) -> None:
        group_before = themes.group_for(self.kind, self.use_case)
        self.kind = kind
        for name, button in self.kind_buttons.items():
            button.setChecked(name == kind)
        if self.edit.property("kind") != kind:
            self.edit.setProperty("kind", kind)
            self.edit.style().unpolish(self.edit)
            self.edit.style().polish(self.edit)
        if themes.group_for(kind, self.use_case) != group_before:
            self.refresh_themes()
        self._update_consent()
        if explicit:
            self.kind_chosen = True
            self.focus_text()
            self._text_changed()

    def toggle_quote(self) -> None:
        """Ctrl+': a verbatim quote, or back to what this step takes by default."""
        if self.kind == "quote":
            base = self.base_kind()
            self.set_kind(base if base != "quote" else "note", explicit=True)
        else:
            self.set_kind("quote", explicit=True)

    def toggle_advice(self) -> None:
        """Ctrl+;: advice, or back to what this step takes by default."""
        if self.kind == "advice":
            base = self.base_kind()
            self.set_kind(base if base != "advice" else "note", explicit=True)
        else:
            self.set_kind("advice", explicit=True)

    # -- themes -------------------------------------------------------------------------

    def theme_group(self) -> str:
        return themes.group_for(self.kind, self.use_case)

    def refresh_themes(self) -> None:
        """Chips for the current codebook, plus any selected theme from elsewhere."""
        group = self.theme_group()
        choices = themes.themes_for(self.store, self.pack, group)
        everything = themes.all_themes(self.store, self.pack)
        self._labels = {t.id: t.label for t in everything}
        shown = [t.id for t in choices]
        self._codebook_ids = shown
        extra = [ThemeChoice(t, self._labels.get(t, t), "") for t in self.selected
                 if t not in shown]
        for button in self._theme_buttons:
            self.chip_layout.removeWidget(button)
            button.deleteLater()
        self._theme_buttons = []
        for n, theme in enumerate([*choices, *extra]):
            text = f"{n + 1}  {theme.label}" if n < 9 else theme.label
            button = QToolButton(self.chip_box)
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(theme.id in self.selected)
            button.setProperty("theme", True)
            button.setProperty("theme_id", theme.id)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(self.tr("Ctrl+{n} toggles this theme").format(n=n + 1) if n < 9
                              else theme.label)
            button.toggled.connect(self._theme_toggler(theme.id))
            self.chip_layout.addWidget(button)
            button.show()
            self._theme_buttons.append(button)
        if group == "advice":
            title = self.tr("Advice themes")
        elif group:
            title = self.tr("Themes: {use_case}").format(use_case=self.pack.use_case(group).title)
        else:
            title = self.tr("Themes")
        self.themes_title.setText(title)
        self.theme_completer.setModel(None)
        labels = [t.label for t in choices] + [t.label for t in everything
                                               if t.id not in shown]
        self.theme_completer.setModel(QStringListModel(list(dict.fromkeys(labels)),
                                                       self.theme_completer))
        self.chip_layout.invalidate()
        self.chip_box.updateGeometry()
        self.no_themes_label.setVisible(not self._theme_buttons)

    def theme_ids_shown(self) -> list[str]:
        return [str(b.property("theme_id")) for b in self._theme_buttons]

    def toggle_theme_at(self, position: int) -> None:
        if 0 <= position < len(self._theme_buttons):
            button = self._theme_buttons[position]
            button.setChecked(not button.isChecked())
        self.focus_text()

    def _theme_toggler(self, theme_id: str) -> Callable[[bool], None]:
        def toggled(on: bool) -> None:
            self._theme_toggled(theme_id, on)
        return toggled

    def _theme_toggled(self, theme_id: str, on: bool) -> None:
        if on and theme_id not in self.selected:
            self.selected.append(theme_id)
        elif not on and theme_id in self.selected:
            self.selected.remove(theme_id)
        self.focus_text()
        self._text_changed()

    def _pick_theme(self) -> None:
        text = self.theme_picker.text()
        if not text.strip():
            self.focus_text()
            return
        group = self.theme_group()
        found = themes.match_theme(self.store, self.pack, text, group)
        try:
            if found is None:
                found = themes.add_custom_theme(self.store, self.pack, group, text)
        except FacilitatorError as exc:
            self.show_problem(exc.message)
            return
        if found.id not in self.selected:
            self.selected.append(found.id)
        self.theme_picker.clear()
        self.refresh_themes()
        self.focus_text()
        self._text_changed()

    # -- participants -------------------------------------------------------------------

    def refresh_participants(self) -> None:
        self._participants = notes.attributable_participants(self.store, self.site.id)
        self.participant_completer.setModel(QStringListModel(
            [p.code for p in self._participants], self.participant_completer))

    def participant(self) -> Participant | None:
        code = self.participant_edit.text().strip().casefold()
        if not code:
            return None
        return next((p for p in self._participants if p.code.casefold() == code), None)

    def _participant_changed(self) -> None:
        self._update_consent()
        self._text_changed()

    def _update_consent(self) -> None:
        person = self.participant()
        code = self.participant_edit.text().strip()
        if code and person is None:
            text = self.tr("{code} is not on the roster (or has withdrawn)").format(code=code)
        elif person is not None and self.kind == "quote" and not person.quote_consent:
            text = self.tr("⚠ {code} said no to quotes: counted in themes, never shown "
                           "verbatim").format(code=person.code)
        else:
            text = ""
        self.consent_label.setText(text)
        self.consent_label.setVisible(bool(text))

    # -- saving -------------------------------------------------------------------------

    def focus_text(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))

    def submit(self) -> None:
        """Enter: commit the note, then clear the box (or save the edit being made)."""
        text = self.edit.toPlainText()
        if not text.strip():
            return
        code = self.participant_edit.text().strip()
        person = self.participant()
        if code and person is None:
            self.show_problem(self.tr("Participant {code} is not on the roster for {site} (or "
                                      "has withdrawn). Correct the code or clear it; your "
                                      "text is kept.").format(code=code, site=self.site.name))
            return
        if self.editing is not None:
            self._finish_edit(text, person)
            return
        self.draft_timer.stop()
        try:
            record = notes.save_note(self.store, self.attribution(), self.kind, text,
                                     self.selected, person.id if person else None,
                                     clear_draft_slot=self.slot)
        except FacilitatorError as exc:
            self.save_draft_now()
            self.show_problem(self.tr("Not saved: {reason}. Your text is kept.").format(
                reason=exc.message))
            return
        self.note_saved.emit(record)  # durable now: listeners first, the screen after
        self.show_problem("")
        self.recovered_banner.hide()
        self._reset_entry()
        self._add_recent(record, top=True)

    def _reset_entry(self) -> None:
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self.participant_edit.blockSignals(True)
        self.participant_edit.clear()
        self.participant_edit.blockSignals(False)
        extras = set(self.selected) - set(self.theme_ids_shown()[:len(self._codebook_ids)])
        self.selected = []
        self.kind_chosen = False
        for button in self._theme_buttons:
            if button.isChecked():
                button.blockSignals(True)
                button.setChecked(False)
                button.blockSignals(False)
        self._default_kind()
        if extras:
            self.refresh_themes()  # chips of themes picked from elsewhere go away
        self._update_consent()
        self.focus_text()

    # -- the store ----------------------------------------------------------------------

    def _store_changed(self, change: Change) -> None:
        if "participants" in change.tables:
            self.refresh_participants()
        if "themes_custom" in change.tables:
            self.refresh_themes()
        if "notes" in change.tables:
            self.refresh_recent()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        QTimer.singleShot(0, self.edit, self.focus_text)  # never after the box is gone
