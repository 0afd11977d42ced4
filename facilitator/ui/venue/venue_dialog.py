"""Venue set-up: which site (always chosen, never assumed), which workshop today, the
tables, this laptop, rehearsal, and the facilitator's PIN that guards the kiosks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.core import venue
from facilitator.core.errors import SettingsError
from facilitator.core.pack import SessionPack
from facilitator.core.venue import VenueSettings


class VenueSetupDialog(QDialog):
    """Asks where this laptop is and what runs today. The caller saves the answers:

        dialog = VenueSetupDialog(pack, venue.load(store), rehearsal=...)
        if dialog.exec():
            venue.save(store, pack, dialog.settings()); venue.set_rehearsal(real, dialog.rehearsal())
    """

    def __init__(self, pack: SessionPack, current: VenueSettings | None = None,
                 rehearsal: bool = False, parent: QWidget | None = None, *,
                 laptop: venue.LaptopSettings | None = None,
                 note_taker: bool = False, pin_set: bool = False) -> None:
        super().__init__(parent)
        self.pack = pack
        self.setWindowTitle(self.tr("Set up this venue"))
        self._tables_edited = False
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Tell Facilitator where this laptop is and which workshop "
                               "runs today. You can change this later from the menu."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.site_combo = QComboBox()
        self.site_combo.setObjectName("site")
        if current is None:
            # Never assume a site: notes and votes filed under the wrong one are hard to move.
            self.site_combo.addItem(self.tr("Choose the site…"), None)
        for site in pack.sites:
            self.site_combo.addItem(site.name, site.id)
        self.workshop_combo = QComboBox()
        self.all_workshops = QCheckBox(self.tr("Show online workshops too"))
        self.all_workshops.toggled.connect(self._fill_workshops)
        workshop_row = QVBoxLayout()
        workshop_row.addWidget(self.workshop_combo)
        workshop_row.addWidget(self.all_workshops)
        form.addRow(self.tr("&Site:"), self.site_combo)
        workshop_label = QLabel(self.tr("&Workshop today:"))
        workshop_label.setBuddy(self.workshop_combo)
        form.addRow(workshop_label, workshop_row)

        self.table_list = QListWidget()
        self.table_list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                        | QAbstractItemView.EditTrigger.EditKeyPressed
                                        | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table_list.itemChanged.connect(self._on_table_edited)
        add = QPushButton(self.tr("&Add table"))
        add.clicked.connect(self.add_table)
        remove = QPushButton(self.tr("&Remove"))
        remove.clicked.connect(self.remove_table)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        tables_box = QVBoxLayout()
        tables_box.addWidget(self.table_list)
        tables_box.addLayout(buttons)
        tables_label = QLabel(self.tr("&Tables:"))
        tables_label.setBuddy(self.table_list)
        form.addRow(tables_label, tables_box)
        self.laptop_edit = QLineEdit((laptop.label if laptop else "") or "")
        self.laptop_edit.setPlaceholderText(self.tr("e.g. Console, Table 3"))
        self.laptop_edit.setMaxLength(venue.MAX_TABLE_NAME)
        laptop_label = QLabel(self.tr("This &laptop:"))
        laptop_label.setBuddy(self.laptop_edit)
        form.addRow(laptop_label, self.laptop_edit)
        self.laptop_table = QComboBox()
        self._laptop_table_id = laptop.table_id if laptop else None
        laptop_table_label = QLabel(self.tr("It sits at &table:"))
        laptop_table_label.setBuddy(self.laptop_table)
        form.addRow(laptop_table_label, self.laptop_table)
        self.note_taker_check = QCheckBox(self.tr(
            "Note-taker mode: this table laptop shows only the capture panel"))
        self.note_taker_check.setChecked(note_taker)
        form.addRow("", self.note_taker_check)
        self.rehearsal_check = QCheckBox(self.tr(
            "Rehearsal: practise with a separate database (nothing mixes with real data)"))
        self.rehearsal_check.setChecked(rehearsal)
        form.addRow("", self.rehearsal_check)
        self.pin_set = pin_set
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pin")
        self.pin_again = QLineEdit()
        self.pin_again.setObjectName("pin_again")
        for edit in (self.pin_edit, self.pin_again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(venue.PIN_DIGITS[1])
            edit.setMaximumWidth(160)
        self.pin_edit.setPlaceholderText(self.tr("unchanged") if pin_set
                                         else self.tr("4 to 8 digits"))
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_edit)
        pin_row.addWidget(QLabel(self.tr("again:")))
        pin_row.addWidget(self.pin_again)
        pin_row.addStretch(1)
        pin_label = QLabel(self.tr("Facilitator &PIN:"))
        pin_label.setBuddy(self.pin_edit)
        pin_label.setToolTip(self.tr("Asked at a kiosk before it can be locked, unlocked or "
                                     "left. Participants never see it."))
        form.addRow(pin_label, pin_row)
        layout.addLayout(form)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #A03A00; font-weight: bold;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

        self.site_combo.currentIndexChanged.connect(self._site_changed)
        self.table_list.model().rowsInserted.connect(lambda *_: self._fill_laptop_tables())
        self.table_list.model().rowsRemoved.connect(lambda *_: self._fill_laptop_tables())
        self.table_list.itemChanged.connect(lambda _item: self._fill_laptop_tables())
        if current is not None:
            found = self.site_combo.findData(current.site_id)
            if found >= 0:
                self.site_combo.setCurrentIndex(found)
            workshop = next((w for w in pack.workshops if w.number == current.workshop), None)
            if workshop is not None and not workshop.in_person:
                self.all_workshops.setChecked(True)
        self._fill_workshops()
        if current is not None:
            found = self.workshop_combo.findData(current.workshop)
            if found >= 0:
                self.workshop_combo.setCurrentIndex(found)
            self._set_tables(current.tables)
            self._tables_edited = True
        else:
            self._site_changed()
        self._fill_laptop_tables()

    def _fill_workshops(self) -> None:
        chosen = self.workshop_combo.currentData()
        self.workshop_combo.clear()
        show_all = self.all_workshops.isChecked() or not any(
            w.in_person for w in self.pack.workshops)
        for workshop in self.pack.workshops:
            if show_all or workshop.in_person:
                self.workshop_combo.addItem(workshop.title, workshop.number)
        found = self.workshop_combo.findData(chosen)
        if found >= 0:
            self.workshop_combo.setCurrentIndex(found)

    def _site_changed(self) -> None:
        if self._tables_edited:
            return
        if self.site_combo.currentData() is None:
            self._set_tables(())
            return
        site = self.pack.site(self.site_combo.currentData())
        self._set_tables(site.tables or (self.tr("Table 1"), self.tr("Table 2")))

    def _set_tables(self, names: tuple[str, ...] | list[str]) -> None:
        self.table_list.blockSignals(True)
        self.table_list.clear()
        for name in names:
            self._add_item(name)
        self.table_list.blockSignals(False)

    def _add_item(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.table_list.addItem(item)
        return item

    def _on_table_edited(self, _item: QListWidgetItem) -> None:
        self._tables_edited = True

    def add_table(self) -> None:
        self._tables_edited = True
        item = self._add_item(self.tr("Table {n}").format(n=self.table_list.count() + 1))
        self.table_list.setCurrentItem(item)
        self.table_list.editItem(item)

    def remove_table(self) -> None:
        row = self.table_list.currentRow()
        if row >= 0:
            self._tables_edited = True
            self.table_list.takeItem(row)

    def table_names(self) -> tuple[str, ...]:
        return tuple(self.table_list.item(i).text() for i in range(self.table_list.count()))

    def settings(self) -> VenueSettings:
        return VenueSettings(str(self.site_combo.currentData() or ""),
                             int(self.workshop_combo.currentData() or 0), self.table_names())

    def rehearsal(self) -> bool:
        return self.rehearsal_check.isChecked()

    def _fill_laptop_tables(self) -> None:
        chosen = self.laptop_table.currentData()
        if chosen is None and self._laptop_table_id is not None:
            site = str(self.site_combo.currentData())
            chosen = next((n for n in self.table_names()
                           if venue.table_id(site, n) == self._laptop_table_id), None)
            self._laptop_table_id = None
        self.laptop_table.clear()
        self.laptop_table.addItem(self.tr("No table (console or roaming)"), None)
        for name in self.table_names():
            self.laptop_table.addItem(name, name)
        found = self.laptop_table.findData(chosen)
        self.laptop_table.setCurrentIndex(max(found, 0))

    def laptop_label(self) -> str:
        return self.laptop_edit.text().strip()

    def laptop_table_name(self) -> str | None:
        name = self.laptop_table.currentData()
        return str(name).strip() if name else None

    def note_taker(self) -> bool:
        return self.note_taker_check.isChecked()

    def pin(self) -> str | None:
        """The new facilitator PIN, or None to keep the one set."""
        text = self.pin_edit.text().strip()
        return text or None

    def _problem(self) -> str:
        if self.site_combo.currentData() is None:
            return self.tr("Choose the site this laptop is at.")
        try:
            venue.validate(self.pack, self.settings())
        except SettingsError as exc:
            return exc.message
        pin = self.pin()
        if pin is None:
            if not self.pin_set and not self.note_taker():
                return self.tr("Choose a facilitator PIN (4 to 8 digits): the kiosks ask "
                               "for it before they can be locked or left.")
            return ""
        try:
            venue.validate_pin(pin)
        except SettingsError as exc:
            return exc.message
        if self.pin_again.text().strip() != pin:
            return self.tr("The two PINs differ: type the same PIN twice.")
        return ""

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        super().accept()
