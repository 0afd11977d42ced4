"""Recruitment quotas against who actually took part, per site, variable and category.

A shortfall is marked in words ("▼ short by 2") as well as with a tint; derived
variables (ethnic minority, black men…) appear beside the roster's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import quotas
from facilitator.core.pack import SessionPack
from facilitator.core.store import Change, Store
from facilitator.ui.common.errors import show_error

SHORT_BG = "#F6D4BF"  # light Okabe–Ito vermillion
MET_BG = "#CCEBE1"  # light Okabe–Ito bluish green
WATCHED = frozenset({"participants", "attendance"})


def status_text(quota: int | None, actual: int, tr: Any) -> tuple[str, str | None]:
    """(words, background) for one cell of the comparison."""
    if quota is None:
        return tr("no quota"), None
    if actual < quota:
        return tr("▼ short by {n}").format(n=quota - actual), SHORT_BG
    if actual > quota:
        return tr("✓ met ({n} over)").format(n=actual - quota), MET_BG
    return tr("✓ met"), MET_BG


class QuotasPanel(QWidget):
    """Quota vs actual for one site or all of them.

    Signals: none; call ``refresh()`` or feed ``store_changed``.
    """

    def __init__(self, store: Store, pack: SessionPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.pack = pack
        self.report: Mapping[str, Any] = {"sites": {}}
        self.setObjectName("quotas_panel")
        self.labels = {v.id: self.tr(v.label) for v in pack.variables}
        self.labels.update({d.id: self.tr("{label} (derived)").format(label=self.tr(d.label))
                            for d in pack.derived})
        self.site_box = QComboBox()
        self.site_box.setObjectName("quota_site")
        self.site_box.addItem(self.tr("All sites"), None)
        for site in pack.sites:
            self.site_box.addItem(site.name, site.id)
        if store.site:
            self.site_box.setCurrentIndex(max(0, self.site_box.findData(store.site)))
        self.only_quotas = QCheckBox(self.tr("Only categories with a &quota"))
        self.summary = QLabel()
        self.summary.setObjectName("quota_summary")
        self.summary.setWordWrap(True)
        basis = QLabel(self.tr(
            "Actual counts each site's participants who have not withdrawn and came to at "
            "least one in-person workshop (everyone, if the site never recorded "
            "attendance). Quotas are targets: they need not add up to the site's size."))
        basis.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("quota_table")
        self.table.setHorizontalHeaderLabels([
            self.tr("Site"), self.tr("Variable"), self.tr("Category"), self.tr("Quota"),
            self.tr("Actual"), self.tr("Compared with the quota")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        top = QHBoxLayout()
        label = QLabel(self.tr("&Site:"))
        label.setBuddy(self.site_box)
        top.addWidget(label)
        top.addWidget(self.site_box)
        top.addWidget(self.only_quotas)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(basis)
        layout.addWidget(self.table, 1)
        self.site_box.currentIndexChanged.connect(self.refresh)
        self.only_quotas.toggled.connect(self.refresh)
        self.refresh()

    def store_changed(self, change: Change) -> None:
        if change.tables & WATCHED:
            self.refresh()

    def refresh(self, *_args: object) -> None:
        site = self.site_box.currentData()
        try:
            self.report = quotas.quotas(self.store, self.pack, site)
        except Exception as exc:  # shown; the page stays usable
            show_error(self, exc)
            return
        rows: list[tuple[str, str, str, int | None, int]] = []
        for site_name, variables in self.report["sites"].items():
            for variable, categories in variables.items():
                for category, cell in categories.items():
                    if self.only_quotas.isChecked() and cell["quota"] is None:
                        continue
                    rows.append((site_name, variable, category, cell["quota"],
                                 int(cell["actual"])))
        self.table.setRowCount(len(rows))
        previous: tuple[str, str] | None = None
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, (site_name, variable, category, quota, actual) in enumerate(rows):
            first = previous != (site_name, variable)
            previous = (site_name, variable)
            words, background = status_text(quota, actual, self.tr)
            values = [site_name if first else "", self.labels.get(variable, variable)
                      if first else "", category, "—" if quota is None else str(quota),
                      str(actual), words]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(self.tr("{site} · {variable} · {category}").format(
                    site=site_name, variable=self.labels.get(variable, variable),
                    category=category))
                if column == 5 and background:
                    item.setBackground(QBrush(QColor(background)))
                    item.setForeground(QBrush(QColor("#000000")))
                    if background == SHORT_BG:
                        item.setFont(bold)
                self.table.setItem(row, column, item)
        short = quotas.shortfalls(self.report)
        if not self.report["sites"]:
            self.summary.setText(self.tr("No sites in this programme."))
        elif short:
            self.summary.setText(self.tr("{n} quota(s) not met: {list}.").format(
                n=len(short), list="; ".join(
                    self.tr("{site} {variable} {category} {actual} of {quota}").format(
                        site=s, variable=self.labels.get(v, v), category=c, actual=a,
                        quota=q) for s, v, c, q, a in short[:6])
                + ("…" if len(short) > 6 else "")))
        else:
            self.summary.setText(self.tr("Every quota is met."))
