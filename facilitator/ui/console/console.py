"""The facilitator console: Now / Next, the big timer, controls, the day, the room.

Single-key shortcuts (Space, →, ←, +, B) act only when focus is not in a text field
(text fields claim those keys first); Alt+Space, Alt+→, Alt+←, Alt+B work from
anywhere, the audience window included.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from facilitator.core import venue
from facilitator.core.agenda import RunnerStatus
from facilitator.core.pack import AgendaStep, SessionPack
from facilitator.core.store import Change, Store
from facilitator.ui.console.audience import AudienceWindow, format_clock, format_duration
from facilitator.ui.console.console_layout import ConsoleLayout
from facilitator.ui.console.console_parts import (  # noqa: F401 - re-exported
    HEADER,
    MARKERS,
    ON_TIME_SECONDS,
    RESULT_KINDS,
    PreviewFrame,
    _text_on,
    day_text,
    minutes_text,
    timer_text,
    tr,
)
from facilitator.ui.console.runner_model import RunnerModel


class ConsolePanel(ConsoleLayout, QWidget):
    """The lead facilitator's console (the main window's central widget).

    It connects the audience window to the model (``audience.attach(model)``) and
    installs the keyboard shortcuts on both windows.

    Signals:
        blank_toggled(bool): the audience screen was blanked (True) or shown again.
    """

    blank_toggled = Signal(bool)

    def __init__(self, model: RunnerModel, store: Store, pack: SessionPack,
                 audience: AudienceWindow, rehearsal: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.store = store
        self.pack = pack
        self.audience = audience
        self.rehearsal = rehearsal
        self.site = pack.site(model.site_id)
        self.workshop = model.workshop
        self._table_index = -2
        self._table_state = ""
        self._shown_key: tuple[object, ...] | None = None
        self._last: dict[tuple[int, str], object] = {}
        self._video_controls: QWidget | None = None
        self.setObjectName("console")

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._build_header())
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 12)
        body.setSpacing(10)
        body.addLayout(self._build_now())
        body.addLayout(self._build_controls())
        self.video_slot = QWidget()
        self.video_slot_layout = QHBoxLayout(self.video_slot)
        self.video_slot_layout.setContentsMargins(0, 0, 0, 0)
        self.video_slot.hide()
        body.addWidget(self.video_slot)
        body.addWidget(self._build_lower(), 1)
        root.addLayout(body, 1)
        self._apply_style()

        self._install_shortcuts(self)
        self._install_shortcuts(audience)
        audience.set_rehearsal(rehearsal)
        audience.attach(model)
        audience.display_changed.connect(self._sync_display)
        model.changed.connect(self.refresh)
        model.step_changed.connect(self._step_changed)
        self.preview.set_context(self.site.name, self.workshop.title)
        self.preview.set_rehearsal(rehearsal)
        self.refresh_note_counts()
        self._sync_display()
        self.refresh()

    # -- shortcuts ----------------------------------------------------------------------

    def _install_shortcuts(self, window: QWidget) -> None:
        bindings = [
            ("Space", self.model.toggle), ("Right", self.model.next),
            ("Left", self.model.previous), ("+", lambda: self.model.add_minutes(1)),
            ("=", lambda: self.model.add_minutes(1)), ("B", self.toggle_blank),
            ("Alt+Space", self.model.toggle), ("Alt+Right", self.model.next),
            ("Alt+Left", self.model.previous), ("Alt+B", self.toggle_blank),
            ("Alt+=", lambda: self.model.add_minutes(1)),
        ]
        for keys, slot in bindings:
            shortcut = QShortcut(QKeySequence(keys), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    # -- actions ------------------------------------------------------------------------

    def toggle_blank(self) -> None:
        self.audience.toggle_blank()

    def _toggle_results(self) -> None:
        self.audience.set_results_shown(not self.audience.results_shown())

    def set_video_controls(self, widget: QWidget) -> None:
        """Place the video engineer's controls; shown while the step is a video."""
        if self._video_controls is not None:
            self.video_slot_layout.removeWidget(self._video_controls)
            self._video_controls.setParent(None)
        self._video_controls = widget
        self.video_slot_layout.addWidget(widget)
        self._update_video_slot(self.model.status)

    def _update_video_slot(self, status: RunnerStatus) -> None:
        on_video = status.step is not None and status.step.kind == "video" \
            and status.state in ("running", "paused")
        self._set_visible(self.video_slot, self._video_controls is not None and on_video)

    def _sync_display(self) -> None:
        blank = self.audience.is_blank()
        self.preview.set_blank(blank)
        self.preview.set_results_shown(self.audience.results_shown())
        self.preview.set_advice_shown(self.audience.advice_shown())
        self.preview.set_phones_shown(self.audience.phones_shown())
        self.blank_button.setChecked(blank)
        self.blank_button.setText(self.tr("Show audience  B") if blank
                                  else self.tr("Blank audience  B"))
        self.results_button.setChecked(self.audience.results_shown())
        self.preview_state.setText(self.tr("BLANKED") if blank else "")
        self.preview_state.setVisible(blank)
        self.blank_toggled.emit(blank)

    def _step_changed(self, _index: int) -> None:
        if self.audience.results_shown():
            self.audience.set_results_shown(False)
        if self.audience.advice_shown():
            self.audience.set_advice_shown(False)
        self.refresh_note_counts()

    # -- setters that skip unchanged values ------------------------------------------
    # What each widget was last given is kept on the Python side, so an unchanged value
    # costs no call into Qt (refresh runs every second of a five-hour day).

    def _changed(self, widget: QWidget, what: str, value: object) -> bool:
        key = (id(widget), what)
        if key in self._last and self._last[key] == value:
            return False
        self._last[key] = value
        return True

    def _set_text(self, label: QLabel | QPushButton, text: str) -> None:
        if self._changed(label, "text", text):
            label.setText(text)

    def _set_style(self, widget: QWidget, style: str) -> None:
        if self._changed(widget, "style", style):
            widget.setStyleSheet(style)

    def _set_visible(self, widget: QWidget, on: bool) -> None:
        if self._changed(widget, "visible", on):
            widget.setVisible(on)

    def _set_enabled(self, widget: QWidget, on: bool) -> None:
        if self._changed(widget, "enabled", on):
            widget.setEnabled(on)

    # -- refreshing ---------------------------------------------------------------------

    def refresh(self) -> None:
        status = self.model.status
        # Ticks come four times a second; redraw only when something shown has changed.
        key = (status.state, status.index, int(status.step_elapsed), status.warning,
               status.step_added, round(status.day_delta / 60), format_clock(status.now),
               status.next_step, status.outcomes)
        if key == self._shown_key:
            return
        self._shown_key = key
        self._set_text(self.clock_label, format_clock(status.now))
        words, colour = day_text(status)
        self._set_text(self.day_label, words)
        self._set_style(self.day_label, f"background: {colour}; color: #000000;")
        self._refresh_now(status)
        self._refresh_timer(status)
        self._refresh_controls(status)
        self._refresh_table(status)
        self.preview.show_status(status)
        self._update_video_slot(status)

    def _refresh_now(self, status: RunnerStatus) -> None:
        step = status.step
        if status.state == "finished":
            self._set_text(self.now_title, self.tr("The day is finished"))
            self._set_text(self.now_meta, "")
            self._set_text(self.prompt_label, "")
            self._set_text(self.next_label, "—")
            self._set_visible(self.notes_box, False)
            return
        if step is None:
            self._set_text(self.now_title, self.tr("This workshop has no steps"))
            return
        self._set_text(self.now_title, step.title)
        self._set_text(self.now_meta, self._meta(step))
        self._set_text(self.prompt_label, f"“{step.prompt}”" if step.prompt else "")
        self._set_visible(self.prompt_label, bool(step.prompt))
        nxt = status.next_step
        if nxt is None:
            self._set_text(self.next_label, self.tr("End of the day"))
        else:
            when = status.scheduled(status.index + 1)
            at = self.tr(" · about {time}").format(time=format_clock(when.start)) \
                if when and status.state != "not_started" else ""
            self._set_text(self.next_label, self.tr("{title} ({minutes}){at}").format(
                title=nxt.title, minutes=minutes_text(nxt.minutes * 60), at=at))
        if step.facilitator_notes:
            self._set_text(self.notes_box, self.tr("For you (not on the projector): {notes}").format(
                notes=step.facilitator_notes))
            self._set_visible(self.notes_box, True)
        else:
            self._set_visible(self.notes_box, False)

    def _meta(self, step: AgendaStep) -> str:
        parts = [self._kind_name(step.kind), minutes_text(step.minutes * 60)]
        if step.use_case:
            parts.append(self.pack.use_case(step.use_case).title)
        if step.video:
            parts.append(self.pack.video(step.video).title)
        if step.auto_advance:
            parts.append(self.tr("moves on by itself"))
        return " · ".join(parts)

    def _kind_name(self, kind: str) -> str:
        names = {
            "welcome": self.tr("Welcome"), "presentation": self.tr("Presentation"),
            "video": self.tr("Video"), "discussion": self.tr("Table discussion"),
            "ranking": self.tr("Ranking"), "advice": self.tr("Advice"),
            "prioritise": self.tr("Prioritising"), "break": self.tr("Break"),
            "plenary": self.tr("Plenary"),
        }
        return names.get(kind, kind)

    def _refresh_timer(self, status: RunnerStatus) -> None:
        digits, of, words, colour = timer_text(status)
        self._set_text(self.timer_digits, digits)
        self._set_text(self.timer_of, of)
        self._set_text(self.timer_words, words)
        ink = _text_on(colour)
        self._set_style(self.timer_box,
                   f"QFrame#timerBox {{ background: {colour}; }} QLabel {{ color: {ink}; }}")
        if self._changed(self.timer_box, "level", status.warning):
            self.timer_box.setProperty("level", status.warning)

    def _refresh_controls(self, status: RunnerStatus) -> None:
        label = {"not_started": self.tr("▶ Start  Space"), "running": self.tr("❚❚ Pause  Space"),
                 "paused": self.tr("▶ Resume  Space"), "finished": self.tr("Day finished")}
        self._set_text(self.start_button, label[status.state])
        self._set_enabled(self.start_button, status.state != "finished")
        self._set_enabled(self.skip_button, status.state != "finished")
        self._set_enabled(self.plus1_button, status.state != "finished")
        self._set_enabled(self.plus5_button, status.state != "finished")
        self._set_enabled(self.next_button, status.state != "finished")
        self._set_enabled(self.prev_button, status.index > 0 or status.state == "finished")
        step = status.step
        self._set_visible(self.results_button, step is not None and step.kind in RESULT_KINDS)

    def _refresh_table(self, status: RunnerStatus) -> None:
        steps = self.model.runner.steps
        if self.table.rowCount() != len(steps):
            self.table.setRowCount(len(steps))
            for row, step in enumerate(steps):
                for column in range(5):
                    item = QTableWidgetItem("")
                    if column in (0, 2, 3, 4):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.table.setItem(row, column, item)
                self._set(row, 1, step.title)
                self._set(row, 2, f"{step.minutes:g}")
        for row, step in enumerate(steps):
            outcome = status.outcomes[row]
            actual = status.actual_seconds[row]
            if actual is None:
                actual_text = ""
            elif outcome == "current":
                actual_text = format_duration(actual)
            else:
                spent, diff = round(actual / 60), round(actual / 60 - step.minutes)
                actual_text = f"{spent}" + (f" ({diff:+d})" if diff else "")
            if outcome == "skipped":
                actual_text = self.tr("skipped")
            planned = f"{step.minutes:g}"
            added = status.step_added if row == status.index else 0
            if added:
                planned += f"+{added / 60:g}"
            scheduled = status.scheduled(row)
            at = format_clock(scheduled.start) if scheduled and status.state != "not_started" \
                else ""
            self._set(row, 0, MARKERS[outcome])
            self._set(row, 2, planned)
            self._set(row, 3, actual_text)
            self._set(row, 4, at)
        if (status.index, status.state) != (self._table_index, self._table_state):
            self._table_index, self._table_state = status.index, status.state
            for row in range(len(steps)):
                current = row == status.index and status.state != "finished"
                for column in range(5):
                    item = self.table.item(row, column)
                    font = item.font()
                    font.setBold(current)
                    item.setFont(font)
            if status.state != "finished":
                self.table.selectRow(status.index)
                self.table.scrollToItem(self.table.item(status.index, 1))
            else:
                self.table.clearSelection()
        start = status.day_started_at
        if start is None:
            self._set_text(self.day_summary, self.tr("Planned day: {planned}. Press Space to start.")
                                     .format(planned=minutes_text(status.day_planned)))
        else:
            self._set_text(self.day_summary, self.tr(
                "Started {start} · planned end {planned_end} · likely end {likely}").format(
                start=format_clock(start),
                planned_end=format_clock(status.day_planned_end or start),
                likely=format_clock(status.day_projected_end)))

    def _set(self, row: int, column: int, text: str) -> None:
        item = self.table.item(row, column)
        if item.text() != text:
            item.setText(text)

    def follow_store(self, changes: QObject) -> None:
        """Refresh "Notes arriving" whenever notes are saved, imported or merged in."""
        changes.changed.connect(self._store_changed)  # type: ignore[attr-defined]

    def _store_changed(self, change: Change) -> None:
        if change.tables & {"notes", "venue_tables"}:
            self.refresh_note_counts()

    def refresh_note_counts(self) -> None:
        counts = venue.notes_per_table(self.store, self.site.id, self.workshop.number)
        if not counts:
            self.note_counts_label.setText(self.tr("Notes arriving: no tables set up"))
            return
        summary = " · ".join(f"{c.short_name} {c.count}" for c in counts)
        self.note_counts_label.setText(self.tr("Notes arriving: {summary}").format(
            summary=summary))
