"""The facilitator's results page, and the reveal on the audience screen.

The page asks core for ``analysis.results`` (by site, roster or derived variable, and
workshop) and shows the chosen group in the DESIGN §7 chart, methods and all. Only when
the facilitator presses "Show on audience screen" does the room see it, as a reveal:
the use cases in order and n, nothing else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import analysis
from facilitator.core.pack import SessionPack
from facilitator.core.store import Change, Store
from facilitator.ui.common.errors import show_error
from facilitator.ui.console.audience import AudienceWindow
from facilitator.ui.results.results_chart import ResultsChart
from facilitator.ui.results.reveal_chart import RevealChart

WATCHED = frozenset({"ballots", "participants"})


class ResultsPanel(QWidget):
    """Ranking results for the facilitator, with the audience reveal.

    Signals: reveal_changed(bool) — the results were put on (or taken off) the
    audience screen.
    """

    reveal_changed = Signal(bool)

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.audience: AudienceWindow | None = None
        self.audience_chart: RevealChart | None = None
        self.groups: list[dict[str, Any]] = []
        self.setObjectName("results_panel")

        self.by_box = QComboBox()
        self.by_box.setObjectName("results_by")
        self.by_box.addItem(self.tr("Everyone"), None)
        self.by_box.addItem(self.tr("Site"), "site")
        for variable in pack.variables:
            self.by_box.addItem(self.tr(variable.label), variable.id)
        for derived in pack.derived:
            self.by_box.addItem(self.tr(derived.label), derived.id)
        self.workshop_box = QComboBox()
        self.workshop_box.setObjectName("results_workshop")
        # Never all workshops pooled: without a choice, the latest one with ballots.
        self.workshop_box.addItem(self.tr("Latest workshop"), None)
        for workshop in pack.workshops:
            self.workshop_box.addItem(self.tr("Workshop {n}").format(n=workshop.number),
                                      workshop.number)
        self.group_box = QComboBox()
        self.group_box.setObjectName("results_group")
        self.group_box.setMinimumContentsLength(18)
        self.reveal_button = QPushButton(self.tr("&Show on audience screen"))
        self.reveal_button.setObjectName("reveal_button")
        self.reveal_button.setCheckable(True)
        self.reveal_button.setEnabled(False)
        self.reveal_button.setToolTip(self.tr("The room sees nothing until you press this"))
        self.reveal_button.toggled.connect(self.set_revealed)
        self.summary = QLabel()
        self.summary.setObjectName("results_summary")
        self.summary.setWordWrap(True)
        self.on_air = QLabel(self.tr("● ON THE AUDIENCE SCREEN: the room sees this chart"))
        self.on_air.setObjectName("results_on_air")
        self.on_air.setStyleSheet("background: #F0E442; color: #000000; font-weight: bold; "
                                  "padding: 4px 10px;")
        self.on_air.hide()

        controls = QHBoxLayout()
        for text, box in ((self.tr("&Group by:"), self.by_box),
                          (self.tr("&Workshop:"), self.workshop_box),
                          (self.tr("S&how:"), self.group_box)):
            label = QLabel(text)
            label.setBuddy(box)
            controls.addWidget(label)
            controls.addWidget(box)
        controls.addStretch(1)
        # The reveal on a row of its own: "on the audience screen" must not widen the page
        # past a laptop's screen (it made the window 1295 px at least).
        reveal = QHBoxLayout()
        reveal.addWidget(self.on_air)
        reveal.addStretch(1)
        reveal.addWidget(self.reveal_button)
        self.chart = ResultsChart(pack)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(reveal)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart, 1)

        self.by_box.currentIndexChanged.connect(self.refresh)
        self.workshop_box.currentIndexChanged.connect(self.refresh)
        self.group_box.currentIndexChanged.connect(self._show_group)
        self.refresh()

    # -- data ------------------------------------------------------------------------------

    @property
    def by(self) -> str | None:
        data = self.by_box.currentData()
        return None if data is None else str(data)

    @property
    def workshop(self) -> int | None:
        data = self.workshop_box.currentData()
        return None if data is None else int(data)

    def store_changed(self, change: Change) -> None:
        """Refresh after a save, import or merge that touched ballots or participants."""
        if change.tables & WATCHED:
            self.refresh()

    def refresh(self, *_args: object) -> None:
        try:
            report = analysis.results(self.store, self.pack, by=self.by,
                                      workshop=self.workshop,
                                      threshold=self.pack.suppression_threshold)
        except Exception as exc:  # a bad pack variable: shown, and the page stays usable
            show_error(self, exc)
            return
        self.groups = list(report["groups"])
        self.counted_workshop = report.get("workshop")
        wanted = self.group_box.currentData()
        self.group_box.blockSignals(True)
        self.group_box.clear()
        for group in self.groups:
            self.group_box.addItem(self._group_label(group), (group["by"], group["value"]))
        keys = [(g["by"], g["value"]) for g in self.groups]
        self.group_box.setCurrentIndex(keys.index(wanted) if wanted in keys else 0)
        self.group_box.blockSignals(False)
        self._show_group()

    def _group_label(self, group: Mapping[str, Any]) -> str:
        name = self.tr("Everyone") if group["by"] == "overall" else str(group["value"])
        if group["n"] == 0:
            return self.tr("{name} — no ballots").format(name=name)
        if group["suppressed"]:
            return self.tr("{name} — n = {n}, hidden (fewer than {t})").format(
                name=name, n=group["n"], t=self.pack.suppression_threshold)
        return self.tr("{name} — n = {n}").format(name=name, n=group["n"])

    def current_group(self) -> dict[str, Any] | None:
        index = self.group_box.currentIndex()
        return self.groups[index] if 0 <= index < len(self.groups) else None

    def context(self) -> str:
        workshop = self.workshop or getattr(self, "counted_workshop", None)
        return self.tr("Workshop {n}").format(n=workshop) if workshop else \
            self.tr("Latest workshop")

    def _show_group(self, *_args: object) -> None:
        group = self.current_group()
        context = self.context()
        if group is None or group["n"] == 0:
            self.chart.set_group(None, context=context)
        else:
            self.chart.set_group(group, context=context)
        overall = self.groups[0]["n"] if self.groups else 0
        hidden = [g for g in self.groups[1:] if g["suppressed"] and g["n"]]
        text = self.tr("{n} ballots counted.").format(n=overall)
        if hidden:
            text += " " + self.tr("{k} group(s) have fewer than {t} ballots and are shown "
                                  "only as a count, to protect privacy.").format(
                k=len(hidden), t=self.pack.suppression_threshold)
        self.summary.setText(text)
        self.reveal_button.setEnabled(self.audience is not None)
        if self.audience_chart is not None:
            self.audience_chart.set_group(self.chart.group, context=context)

    # -- the audience screen -------------------------------------------------------------

    def attach_audience(self, audience: AudienceWindow | None) -> None:
        """Give the projector its own chart; it shows only when revealed."""
        if self.audience is not None:
            # The window may already be gone with the day it belonged to.
            with contextlib.suppress(RuntimeError, TypeError):
                self.audience.display_changed.disconnect(self._sync_reveal)
        self.audience = audience
        self.audience_chart = None
        if audience is not None:
            # The room sees the order and n only; methods stay on this page.
            self.audience_chart = RevealChart(self.pack)
            self.audience_chart.setObjectName("audienceResultsChart")
            audience.set_results_widget(self.audience_chart)
            audience.display_changed.connect(self._sync_reveal)
            self._show_group()
        self._sync_reveal()

    def set_revealed(self, on: bool) -> None:
        if self.audience is None:
            return
        if on and self.audience_chart is not None:
            self.audience_chart.set_group(self.chart.group, context=self.context())
        self.audience.set_results_shown(on)
        self._sync_reveal()
        self.reveal_changed.emit(on)

    def revealed(self) -> bool:
        return self.audience is not None and self.audience.results_shown()

    def _sync_reveal(self) -> None:
        shown = self.revealed()
        self.reveal_button.blockSignals(True)
        self.reveal_button.setChecked(shown)
        self.reveal_button.blockSignals(False)
        self.reveal_button.setEnabled(self.audience is not None)
        self.on_air.setVisible(shown)
        self.reveal_button.setText(self.tr("&Hide from audience screen") if shown
                                   else self.tr("&Show on audience screen"))
