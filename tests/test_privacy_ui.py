"""The privacy review and name-badge dialogs, driven as a user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from facilitator.core import notes, privacy
from facilitator.core.notes import Attribution
from facilitator.core.store import Store
from facilitator.ui.exchange.privacy_dialog import NameBadgesDialog, NoteEditDialog, PrivacyReviewDialog

CARDIFF = Attribution("cardiff", 2, table_name="Table 3")
LONDON = Attribution("london", 4, table_name="Table 1")


@pytest.fixture
def noted(store: Store) -> dict[str, str]:
    privacy.set_name_badges(store, ["Siân", "Dafydd"])
    ids = {}
    for key, attribution, kind, text in (
        ("phone", CARDIFF, "quote", "If it goes wrong ring me on 07700 900123 — I rang 999 "
                                    "calls twice and then 101 and got nowhere."),
        ("helpline", CARDIFF, "note", "Table wants the non-emergency line 0300 123 2040 on "
                                      "every card."),
        ("email", LONDON, "advice", "Publish the audit; questions to siân.jones@example.co.uk"),
        ("name", LONDON, "quote", "Dafydd said the AI would never understand a Caerdydd "
                                  "accent, I'm 45 and I agree."),
    ):
        ids[key] = str(notes.save_note(store, attribution, kind, text)["id"])
    return ids


def type_text(widget: QWidget, text: str) -> None:
    """Type as a keyboard does, any character (qtbot.keyClicks knows ASCII only)."""
    for ch in text:
        key = Qt.Key.Key_Space if ch == " " else 0
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                     ch))


def when_dialog_opens(qtbot, kind: type[QWidget], act: Callable[[QWidget], None],
                      timeout_ms: int = 5000) -> list[QWidget]:
    """Poll for a visible top-level ``kind`` (opened with exec()) and act on it once."""
    seen: list[QWidget] = []
    timer = QTimer()
    timer.setInterval(20)
    waited = [0]

    def poll() -> None:
        waited[0] += 20
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, kind) and w.isVisible()), None)
        if dialog is None:
            if waited[0] > timeout_ms:
                timer.stop()
            return
        timer.stop()
        seen.append(dialog)
        act(dialog)

    timer.timeout.connect(poll)
    timer.start()
    qtbot._privacy_timer = timer  # keep it alive until the dialog has run
    return seen


def open_review(qtbot, store: Store, pack) -> PrivacyReviewDialog:
    dialog = PrivacyReviewDialog(store, pack, privacy.scan(store, pack))
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog, timeout=3000):
        dialog.show()
        dialog.activateWindow()
    return dialog


def test_every_hit_is_listed_with_its_words_marked(qtbot, store, default_pack, noted) -> None:
    dialog = open_review(qtbot, store, default_pack)
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert rows == [
        "To check: phone number “07700 900123”\nCardiff, Workshop 2, Table 3",
        "To check: phone number “0300 123 2040”\nCardiff, Workshop 2, Table 3",
        "To check: e-mail address “siân.jones@example.co.uk”\nLondon, Workshop 4, Table 1",
        "To check: first name on a name badge “Dafydd”\nLondon, Workshop 4, Table 1",
    ]
    assert not dialog.export_button.isEnabled()
    assert dialog.status.text() == "4 of 4 still to check before exporting."
    # The match is named in words and brackets, not only highlighted.
    assert "[phone number: 07700 900123]" in dialog.context.text()
    assert "I rang 999 calls twice" in dialog.context.text()
    assert dialog.where.text() == "Phone number in a quote — Cardiff, Workshop 2, Table 3"
    qtbot.waitUntil(dialog.list.hasFocus, timeout=10_000)


def test_confirm_from_the_keyboard_then_export(qtbot, store, default_pack, noted) -> None:
    dialog = open_review(qtbot, store, default_pack)
    dialog.list.setCurrentRow(1)
    # Tab from the list to "Edit text…", then to "Not personal data"; Space presses it.
    qtbot.keyClick(dialog.list, Qt.Key.Key_Tab)
    assert dialog.edit_button.hasFocus()
    qtbot.keyClick(dialog.edit_button, Qt.Key.Key_Tab)
    assert dialog.confirm_button.hasFocus()
    qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Space)
    assert dialog.list.item(1).text().startswith("✓ Not personal data: phone number")
    assert dialog.list.currentRow() == 2  # on to the next one to check
    assert dialog.status.text() == "3 of 4 still to check before exporting."
    assert [r["matched"] for r in privacy.confirmations(store)] == [
        privacy.fingerprint(r["note_id"], "0300 123 2040") for r in privacy.confirmations(store)]
    assert "0300" not in str(privacy.confirmations(store))  # only a fingerprint travels
    for _ in range(3):
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.all_checked() and dialog.export_button.isEnabled()
    assert dialog.status.text() == "All 4 checked: ready to export."
    assert privacy.scan(store, default_pack) == []
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)


def test_edit_text_takes_the_match_out_and_rescans(qtbot, store, default_pack,
                                                   noted) -> None:
    dialog = open_review(qtbot, store, default_pack)

    def retype(text: str) -> Callable[[QWidget], None]:
        def act(edit: QWidget) -> None:
            assert isinstance(edit, NoteEditDialog)
            # The match is selected: typing replaces it.
            qtbot.keyClicks(edit.editor, text)
            qtbot.mouseClick(edit.save_button, Qt.MouseButton.LeftButton)
        return act

    seen = when_dialog_opens(qtbot, NoteEditDialog, retype("[number removed]"))
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    note = store.get("notes", noted["phone"])
    assert note["text"].startswith("If it goes wrong ring me on [number removed] — I rang 999")
    assert note["revision"] == 2
    assert dialog.list.item(0).text().startswith("✓ Edited out: phone number “07700 900123”")
    assert dialog.status.text() == "3 of 4 still to check before exporting."

    # An edit that brings in something new: that needs checking too.
    dialog.list.setCurrentRow(2)
    seen = when_dialog_opens(qtbot, NoteEditDialog, retype("the audit office, DH1 3LE"))
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert texts[2].startswith("To check: postcode “DH1 3LE”")
    assert texts[3].startswith("✓ Edited out: e-mail address")
    assert dialog.list.currentRow() == 2
    assert not dialog.export_button.isEnabled()

    # Cancelling the edit changes nothing.
    def cancel(edit: QWidget) -> None:
        qtbot.keyClick(edit, Qt.Key.Key_Escape)

    seen = when_dialog_opens(qtbot, NoteEditDialog, cancel)
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1 and dialog.open_count() == 3


def test_no_hits_means_export_straight_away(qtbot, store, default_pack) -> None:
    notes.save_note(store, CARDIFF, "quote", "AI answering 101 calls within 8 seconds")
    dialog = open_review(qtbot, store, default_pack)
    assert dialog.list.count() == 0 and dialog.export_button.isEnabled()
    assert dialog.status.text() == "No personal data found."


def test_name_badges_are_typed_in_and_kept_on_this_laptop(qtbot, store, default_pack) -> None:
    notes.save_note(store, CARDIFF, "quote", "Gwenllian thinks the 999 transfer is risky")
    dialog = NameBadgesDialog(store)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog, timeout=3000):
        dialog.show()
        dialog.activateWindow()
    qtbot.waitUntil(dialog.editor.hasFocus, timeout=10_000)
    assert "stays on this laptop" in dialog.intro.text()
    for name in ("Siân", "Gwenllïan", "siân", "Dafydd"):
        type_text(dialog.editor, name)
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return)
    assert dialog.count.text() == "3 name(s)."
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert privacy.name_badges(store) == ["Siân", "Gwenllïan", "Dafydd"]
    assert [h.matched for h in privacy.scan(store, default_pack)] == ["Gwenllian"]

    again = NameBadgesDialog(store)
    qtbot.addWidget(again)
    assert again.editor.toPlainText() == "Siân\nGwenllïan\nDafydd"


def test_review_dialog_screenshot(qtbot, store, default_pack, noted, tmp_path: Path) -> None:
    dialog = open_review(qtbot, store, default_pack)
    dialog.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    image = dialog.grab()
    path = tmp_path / "privacy_review.png"
    assert image.save(str(path)) and path.stat().st_size > 0
    assert image.width() >= 800


def test_a_hit_outside_the_notes_can_be_confirmed_not_edited(qtbot, store,
                                                             default_pack) -> None:
    text = "Combined: ask the audit office, DH1 3LE"
    outside = privacy.PrivacyHit(
        note_id="combination-1", revision=1, kind="postcode", matched="DH1 3LE",
        start=text.index("DH1"), end=len(text), site="durham", site_name="Durham",
        workshop=0, table="combined advice", note_kind="advice", text=text)
    dialog = PrivacyReviewDialog(store, default_pack, [outside])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.list.item(0).text() == (
        "To check: postcode “DH1 3LE”\nDurham, combined advice")
    assert privacy.describe(outside) == (
        "note combinat… (Durham, combined advice): postcode “DH1 3LE”")
    assert not dialog.edit_button.isEnabled() and dialog.confirm_button.isEnabled()
    assert "not a note" in dialog.state_label.text()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.export_button.isEnabled()
    assert [r["note_id"] for r in privacy.confirmations(store, "combination-1")] == [
        "combination-1"]
