"""The slides of the audience view, built once: title, use-case card, prompt, break,
video, results and the priorities of the combined advice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from facilitator.ui.common.palette import (
    GREEN,
    MUTED,
    ORANGE,
    PANEL,
    SKY,
    VERMILLION,
    YELLOW,
)
from facilitator.ui.console.priorities_slide import PrioritiesSlide
from facilitator.ui.console.slide_kit import AdviceLine, Countdown, _label


class AudienceSlides:
    """Builds the slides into an AudienceView (its ``stack``, ``scaler`` and ``pages``)
    and fills the priorities slide. A part of AudienceView, not a widget of its own."""

    stack: Any
    scaler: Any
    pages: dict[str, QWidget]
    _margins: list[tuple[QVBoxLayout, float]]
    _advice: list[AdviceLine]
    _advice_shown: bool
    _blank: bool
    _status: Any
    _content_key: Any

    def _page(self, name: str, margins: float = 1.0) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        page.setObjectName(f"page_{name}")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack.addWidget(page)
        self.pages[name] = page
        self._margins.append((layout, margins))
        return page, layout

    def _build_blank(self) -> None:
        page = QWidget()
        page.setObjectName("page_blank")
        page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        page.setStyleSheet("#page_blank { background: #000000; }")
        self.stack.addWidget(page)
        self.pages["blank"] = page

    def _build_title(self) -> None:
        _page, layout = self._page("title")
        self.title_kicker = self.scaler.add(
            _label("", colour=ORANGE, align=Qt.AlignmentFlag.AlignLeft), 34, bold=True)
        self.title_main = self.scaler.add(_label(""), 96, bold=True)
        self.title_sub = self.scaler.add(_label("", colour=MUTED), 40)
        self.title_footer = self.scaler.add(_label("", colour=MUTED, wrap=False), 30)
        self.title_countdown = Countdown(self.scaler, 104, 30)
        layout.addStretch(3)
        layout.addWidget(self.title_kicker)
        layout.addSpacing(16)
        layout.addWidget(self.title_main)
        layout.addSpacing(24)
        layout.addWidget(self.title_sub)
        layout.addStretch(4)
        bottom = QHBoxLayout()
        bottom.addWidget(self.title_footer, 1, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.title_countdown, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(bottom)
        self._accent(layout)

    def _accent(self, layout: QVBoxLayout) -> None:
        # A thin band of the palette at the foot of a slide: decoration, not meaning.
        band = QWidget()
        band.setFixedHeight(6)
        band.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        band.setStyleSheet(
            "background: qlineargradient(x1:0, y1:0, x2:1, y2:0, "
            f"stop:0 {SKY}, stop:0.33 {SKY}, stop:0.331 {ORANGE}, stop:0.66 {ORANGE}, "
            f"stop:0.661 {GREEN}, stop:1 {GREEN});")
        layout.addSpacing(12)
        layout.addWidget(band)

    def _build_card(self) -> None:
        _page, layout = self._page("card", margins=0.75)
        header = QHBoxLayout()
        heading = QVBoxLayout()
        heading.setSpacing(8)
        self.card_badge = self.scaler.add(_label("", wrap=False), 28, bold=True)
        self.card_badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.card_title = self.scaler.add(_label(""), 64, bold=True)
        heading.addWidget(self.card_badge, 0, Qt.AlignmentFlag.AlignLeft)
        heading.addWidget(self.card_title)
        header.addLayout(heading, 1)
        # Legible from the back of the room: the digits are over 8 % of the screen's height.
        self.card_countdown = Countdown(self.scaler, 108, 30)
        header.addWidget(self.card_countdown, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        layout.addSpacing(20)
        self.card_definition = self.scaler.add(_label(""), 40)
        layout.addWidget(self.card_definition)
        layout.addSpacing(28)
        columns = QHBoxLayout()
        columns.setSpacing(48)
        self.card_benefits_head, self.card_benefits = self._column(
            columns, self.tr("Potential benefits"), GREEN, "+")
        self.card_risks_head, self.card_risks = self._column(
            columns, self.tr("Potential risks"), VERMILLION, "−")
        layout.addLayout(columns)
        layout.addStretch(1)
        example = QFrame()
        example.setObjectName("example")
        example.setStyleSheet(f"#example {{ background: {PANEL}; border-left: 8px solid "
                              f"{SKY}; }}")
        ex_layout = QVBoxLayout(example)
        ex_layout.setContentsMargins(24, 14, 24, 16)
        self.card_example_head = self.scaler.add(
            _label(self.tr("Real example"), colour=SKY), 30, bold=True)
        self.card_example = self.scaler.add(_label(""), 34)
        ex_layout.addWidget(self.card_example_head)
        ex_layout.addWidget(self.card_example)
        layout.addWidget(example)
        layout.addSpacing(18)
        self.card_prompt = self.scaler.add(_label("", colour=YELLOW), 40, bold=True)
        layout.addWidget(self.card_prompt)

    def _column(self, row: QHBoxLayout, title: str, colour: str,
                sign: str) -> tuple[QLabel, QLabel]:
        column = QVBoxLayout()
        column.setSpacing(10)
        head = self.scaler.add(_label(title, colour=colour), 34, bold=True)
        body = self.scaler.add(_label(""), 34)
        body.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(head)
        column.addWidget(body)
        column.addStretch(1)
        row.addLayout(column, 1)
        body.setProperty("sign", sign)
        body.setProperty("colour", colour)
        return head, body

    def _build_prompt(self) -> None:
        _page, layout = self._page("prompt")
        self.prompt_title = self.scaler.add(_label("", colour=ORANGE), 36, bold=True)
        self.prompt_text = self.scaler.add(
            _label("", align=Qt.AlignmentFlag.AlignCenter), 72, bold=True)
        self.prompt_countdown = Countdown(self.scaler, 150, 36)
        layout.addWidget(self.prompt_title)
        layout.addStretch(2)
        layout.addWidget(self.prompt_text)
        layout.addStretch(2)
        layout.addWidget(self.prompt_countdown, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self._accent(layout)

    def _build_break(self) -> None:
        _page, layout = self._page("break")
        self.break_title = self.scaler.add(
            _label("", align=Qt.AlignmentFlag.AlignCenter), 150, bold=True)
        self.break_back = self.scaler.add(
            _label("", align=Qt.AlignmentFlag.AlignCenter, colour=SKY), 72, bold=True)
        self.break_countdown = Countdown(self.scaler, 96, 30)
        layout.addStretch(3)
        layout.addWidget(self.break_title)
        layout.addSpacing(12)
        layout.addWidget(self.break_back)
        layout.addStretch(3)
        layout.addWidget(self.break_countdown, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self._accent(layout)

    def _build_video(self) -> None:
        page, layout = self._page("video", margins=0)
        page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        page.setStyleSheet("#page_video { background: #000000; }")
        self.video_layout = layout
        self.video_placeholder = self.scaler.add(
            _label("", align=Qt.AlignmentFlag.AlignCenter), 56, bold=True)
        layout.addWidget(self.video_placeholder, 1)
        self.video_widget: QWidget | None = None

    def _build_results(self) -> None:
        page, layout = self._page("results", margins=0.5)
        self.results_layout = layout
        self.results_placeholder = self.scaler.add(
            _label(self.tr("Results will appear here"), align=Qt.AlignmentFlag.AlignCenter,
                   colour=MUTED), 48)
        layout.addWidget(self.results_placeholder, 1)
        self.results_widget: QWidget | None = None

    def _build_phones(self) -> None:
        page, layout = self._page("phones", margins=0)
        self.phones_layout = layout
        self.phones_placeholder = self.scaler.add(
            _label(self.tr("Vote on your phone: the address and QR code show here"),
                   align=Qt.AlignmentFlag.AlignCenter, colour=MUTED), 48)
        layout.addWidget(self.phones_placeholder, 1)
        self.phones_widget: QWidget | None = None

    def _build_advice(self) -> None:
        _page, layout = self._page("advice", margins=0)
        # Paints itself at any size, paging a long list: every item is shown.
        self.advice_list = PrioritiesSlide(lang=getattr(self, "lang", ""))
        layout.addWidget(self.advice_list, 1)

    def _fill_advice(self) -> None:
        """The combined list: by theme while people vote; by dots once revealed."""
        self.advice_list.set_lines(self._advice)
        self.advice_list.set_revealed(self._advice_shown)

    def set_advice(self, lines: Sequence[AdviceLine]) -> None:
        """The combined advice list (from the composition root; no store here)."""
        self._advice = list(lines)
        self._fill_advice()

    def set_advice_shown(self, on: bool) -> None:
        self._advice_shown = on
        self._fill_advice()
        self._content_key = None
        if self._status is not None:
            self.show_status(self._status)
        elif not self._blank:
            self.show_page("advice" if on else "waiting")

    def advice_shown(self) -> bool:
        return self._advice_shown
