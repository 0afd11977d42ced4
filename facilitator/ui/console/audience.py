"""The audience (projector) window: one idea per screen, large type, high contrast.

It shows, by step kind, a title slide, a use-case card, the discussion prompt with a
countdown, a break slide, or the regions where video and vote results plug in. It
can be blanked. It never shows facilitator-only information (notes, overrun, the
day's plan). ``AudienceView`` is the content; the console shows a second one, small,
as its live preview.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QResizeEvent, QScreen, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.core.agenda import RunnerStatus
from facilitator.core.pack import AgendaStep, SessionPack
from facilitator.ui.console.runner_model import RunnerModel

# One accessible palette (Okabe–Ito accents) on a near-black ground; every accent
# used for text has at least 4.5:1 contrast against the background.
BACKGROUND = "#101418"
INK = "#F4F4F0"
MUTED = "#B8C0CC"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
PANEL = "#1C232B"

LEVEL_COLOURS = {"basic": SKY, "complex": ORANGE}
TIMED_KINDS = ("discussion", "plenary", "advice", "prioritise", "ranking")
PAGES = ("blank", "waiting", "title", "card", "prompt", "break", "video", "results",
         "advice", "finished")
DESIGN_HEIGHT = 1080  # font sizes below are pixels at 1080p
DESIGN_WIDTH = 1440  # narrower (4:3) screens scale by width instead


def tr(text: str) -> str:
    return QCoreApplication.translate("Audience", text)


ScreenT = TypeVar("ScreenT")


def choose_screen(screens: Sequence[ScreenT], primary: ScreenT | None) -> ScreenT | None:
    """The screen the audience window should fill: the first that is not the primary.

    With one screen (or none) there is nowhere else to go: None, and the window stays
    a normal window the facilitator can drag to the projector.
    """
    if len(screens) < 2:
        return None
    for screen in screens:
        if screen is not primary:
            return screen
    return None


@dataclass(frozen=True)
class AdviceLine:
    """One item of the combined advice list as the room sees it."""

    theme: str
    text: str
    sites: str
    dots: int


def page_for(status: RunnerStatus, results_shown: bool = False,
             advice_shown: bool = False) -> str:
    """Which slide the room sees for this moment of the day."""
    if results_shown:
        return "results"  # the facilitator revealed them, whatever the agenda says
    if advice_shown:
        return "advice"  # the priorities, revealed by the facilitator
    if status.step is not None and status.state in ("running", "paused") and \
            status.step.kind == "prioritise":
        return "advice"  # the combined list, while participants spend their dots
    if status.state == "not_started" or status.step is None:
        return "waiting"
    if status.state == "finished":
        return "finished"
    step = status.step
    if step.kind == "video":
        return "video"
    if step.kind == "break":
        return "break"
    if step.use_case:
        return "card"
    if step.prompt and step.kind != "welcome":
        return "prompt"
    return "title"


def shows_countdown(step: AgendaStep | None) -> bool:
    return step is not None and step.kind in TIMED_KINDS and step.minutes > 0


def format_duration(seconds: float) -> str:
    """07:32, or 1:05:00 from an hour up."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def format_countdown(remaining: float) -> str:
    """A countdown rounds up, so it reads 25:00 at the start and 00:01 in the last second."""
    return format_duration(math.ceil(remaining - 1e-9))


def format_clock(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%H:%M")


class _Scaler:
    """Keeps each label's pixel size proportional to the view's height."""

    def __init__(self) -> None:
        self.items: list[tuple[QWidget, float, bool]] = []
        self.factor = 1.0

    def add(self, widget: QWidget, px: float, bold: bool = False) -> QWidget:
        self.items.append((widget, px, bold))
        self._apply(widget, px, bold)
        return widget

    def _apply(self, widget: QWidget, px: float, bold: bool) -> None:
        font = QFont(widget.font())
        font.setPixelSize(max(6, round(px * self.factor)))
        font.setBold(bold)
        widget.setFont(font)

    def rescale(self, factor: float) -> None:
        self.factor = factor
        for widget, px, bold in self.items:
            self._apply(widget, px, bold)


def _label(text: str = "", *, wrap: bool = True, align: Qt.AlignmentFlag | None = None,
           colour: str = INK, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if align is not None:
        label.setAlignment(align)
    label.setStyleSheet(f"color: {colour}; background: transparent;")
    if name:
        label.setObjectName(name)
    return label


class Countdown(QFrame):
    """Time left in big digits with a word under it; colour is never the only signal."""

    def __init__(self, scaler: _Scaler, digits_px: float, caption_px: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countdown")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.digits = _label("", wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.caption = _label("", wrap=False, align=Qt.AlignmentFlag.AlignCenter,
                              colour=MUTED)
        scaler.add(self.digits, digits_px, bold=True)
        scaler.add(self.caption, caption_px)
        layout.addWidget(self.digits)
        layout.addWidget(self.caption)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._shown: tuple[str, str, str] = ("", "", "")

    def show_status(self, status: RunnerStatus) -> None:
        level = status.warning
        if level == "overrun" or (level == "red" and status.step_remaining <= 0):
            text, caption, colour = "00:00", tr("time's up"), VERMILLION
        elif level == "red":
            text, caption, colour = (format_countdown(status.step_remaining),
                                     tr("last minute"), VERMILLION)
        elif level == "amber":
            text, caption, colour = (format_countdown(status.step_remaining),
                                     tr("nearly time"), ORANGE)
        else:
            text, caption, colour = (format_countdown(status.step_remaining),
                                     tr("minutes left"), INK)
        if status.state == "paused":
            caption = tr("paused")
        if (text, caption, colour) != self._shown:
            self._shown = (text, caption, colour)
            self.digits.setText(text)
            self.digits.setStyleSheet(f"color: {colour}; background: transparent;")
            self.caption.setText(caption)
            self.updateGeometry()


class AudienceView(QWidget):
    """What the room sees. Fed a ``RunnerStatus``; fonts follow the view's height.

    ``preview=True`` is the console's miniature: video and results show a placeholder
    there, since a widget can only live in one window.
    """

    def __init__(self, pack: SessionPack, preview: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.preview = preview
        self.scaler = _Scaler()
        self.site_name = ""
        self.workshop_title = ""
        self._blank = False
        self._results_shown = False
        self._advice_shown = False
        self._advice: list[AdviceLine] = []
        self._status: RunnerStatus | None = None
        self._content_key: tuple[object, ...] | None = None
        self._page_name = "waiting"
        self._title_timed = False
        self._card_timed = False
        self._margins: list[tuple[QVBoxLayout, float]] = []
        self.setObjectName("audienceView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#audienceView {{ background: {BACKGROUND}; }}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.rehearsal_strip = _label(
            tr("REHEARSAL — practice run, not real data"), wrap=False,
            align=Qt.AlignmentFlag.AlignCenter, colour="#000000")
        self.rehearsal_strip.setStyleSheet(f"color: #000000; background: {ORANGE};"
                                           "padding: 2px;")
        self.scaler.add(self.rehearsal_strip, 24, bold=True)
        self.rehearsal_strip.hide()
        outer.addWidget(self.rehearsal_strip)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.pages: dict[str, QWidget] = {}
        self._build_blank()
        self._build_title()
        self._build_card()
        self._build_prompt()
        self._build_break()
        self._build_video()
        self._build_results()
        self._build_advice()
        self.pages["waiting"] = self.pages["title"]
        self.pages["finished"] = self.pages["title"]
        self.show_page("waiting")

    # -- pages ------------------------------------------------------------------------

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
        self.title_countdown = Countdown(self.scaler, 88, 30)
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
        self.card_countdown = Countdown(self.scaler, 72, 28)
        header.addWidget(self.card_countdown, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        layout.addSpacing(20)
        self.card_definition = self.scaler.add(_label(""), 40)
        layout.addWidget(self.card_definition)
        layout.addSpacing(28)
        columns = QHBoxLayout()
        columns.setSpacing(48)
        self.card_benefits_head, self.card_benefits = self._column(
            columns, tr("Potential benefits"), GREEN, "+")
        self.card_risks_head, self.card_risks = self._column(
            columns, tr("Potential risks"), VERMILLION, "−")
        layout.addLayout(columns)
        layout.addStretch(1)
        example = QFrame()
        example.setObjectName("example")
        example.setStyleSheet(f"#example {{ background: {PANEL}; border-left: 8px solid "
                              f"{SKY}; }}")
        ex_layout = QVBoxLayout(example)
        ex_layout.setContentsMargins(24, 14, 24, 16)
        self.card_example_head = self.scaler.add(
            _label(tr("Real example"), colour=SKY), 30, bold=True)
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
        self.break_countdown = Countdown(self.scaler, 56, 28)
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
            _label(tr("Results will appear here"), align=Qt.AlignmentFlag.AlignCenter,
                   colour=MUTED), 48)
        layout.addWidget(self.results_placeholder, 1)
        self.results_widget: QWidget | None = None

    def _build_advice(self) -> None:
        _page, layout = self._page("advice", margins=0.6)
        self.advice_title = self.scaler.add(_label("", colour=ORANGE), 36, bold=True)
        self.advice_heading = self.scaler.add(_label(""), 56, bold=True)
        self.advice_list = QLabel()
        self.advice_list.setWordWrap(True)
        self.advice_list.setTextFormat(Qt.TextFormat.RichText)
        self.advice_list.setStyleSheet(f"color: {INK}; background: transparent;")
        self.scaler.add(self.advice_list, 34)
        self.advice_footer = self.scaler.add(_label("", colour=MUTED), 24)
        layout.addWidget(self.advice_title)
        layout.addWidget(self.advice_heading)
        layout.addSpacing(16)
        layout.addWidget(self.advice_list)
        layout.addStretch(1)
        layout.addWidget(self.advice_footer)
        self._accent(layout)

    def _fill_advice(self) -> None:
        """The combined list: by theme while people vote; by dots once revealed."""
        revealed = self._advice_shown
        self.advice_title.setText(tr("Advice for government and police forces"))
        self.advice_heading.setText(tr("What matters most: the priorities") if revealed
                                    else tr("Spend your dots on what matters most"))
        lines = list(self._advice)
        if not lines:
            self.advice_list.setText(escape(tr("The combined advice will appear here.")))
            self.advice_footer.setText("")
            return
        rows = []
        if revealed:
            lines.sort(key=lambda line: -line.dots)
            top = max(1, lines[0].dots)
            for rank, line in enumerate(lines, start=1):
                bar = round(24 * line.dots / top)
                dots = tr("{n} dots").format(n=line.dots) if line.dots != 1 else tr("1 dot")
                rows.append(
                    f"<tr><td style='padding:6px 18px 6px 0; color:{ORANGE}'><b>{rank}.</b>"
                    f"</td><td style='padding:6px 18px 6px 0'>{escape(line.text)}"
                    f"<br/><span style='color:{MUTED}; font-size:small'>"
                    f"{escape(line.theme)} · {escape(line.sites)}</span></td>"
                    f"<td style='padding:6px 0; white-space:nowrap'>"
                    f"<span style='color:{SKY}'>{'█' * bar}</span> <b>{escape(dots)}</b>"
                    f"</td></tr>")
            self.advice_footer.setText(tr("Dots from every site · longest bar = most dots"))
        else:
            theme = None
            for number, line in enumerate(lines, start=1):
                if line.theme != theme:
                    theme = line.theme
                    rows.append(f"<tr><td></td><td style='padding-top:14px; color:{SKY}'>"
                                f"<b>{escape(theme)}</b></td></tr>")
                rows.append(f"<tr><td style='padding:4px 18px 4px 0; color:{ORANGE}'>"
                            f"<b>{number}.</b></td><td style='padding:4px 0'>"
                            f"{escape(line.text)}</td></tr>")
            self.advice_footer.setText(tr("Combined from the advice of every site"))
        width = " width='100%'" if revealed else ""  # the bars sit at the right edge
        table = f"<table cellspacing='0'{width}>{''.join(rows)}</table>"  # texts above: tr()
        self.advice_list.setText(table)

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

    # -- plugging in other engineers' widgets -----------------------------------------

    def set_video_widget(self, widget: QWidget | None) -> None:
        """Put the video surface (e.g. VLC's) into the video region, full bleed."""
        if self.video_widget is not None:
            self.video_layout.removeWidget(self.video_widget)
            self.video_widget.setParent(None)
        self.video_widget = widget
        self.video_placeholder.setVisible(widget is None)
        if widget is not None:
            self.video_layout.addWidget(widget, 1)

    def set_results_widget(self, widget: QWidget | None) -> None:
        if self.results_widget is not None:
            self.results_layout.removeWidget(self.results_widget)
            self.results_widget.setParent(None)
        self.results_widget = widget
        self.results_placeholder.setVisible(widget is None)
        if widget is not None:
            self.results_layout.addWidget(widget, 1)

    # -- state ------------------------------------------------------------------------

    def set_context(self, site_name: str, workshop_title: str) -> None:
        self.site_name = site_name
        self.workshop_title = workshop_title
        self._content_key = None
        if self._status is not None:
            self.show_status(self._status)

    def set_rehearsal(self, on: bool) -> None:
        self.rehearsal_strip.setVisible(on)

    def set_blank(self, on: bool) -> None:
        self._blank = on
        if self._status is not None:
            self.show_status(self._status)
        else:
            self.show_page("blank" if on else "waiting")

    def is_blank(self) -> bool:
        return self._blank

    def set_results_shown(self, on: bool) -> None:
        self._results_shown = on
        if self._status is not None:
            self.show_status(self._status)
        elif not self._blank:
            self.show_page("results" if on else "waiting")

    def results_shown(self) -> bool:
        return self._results_shown

    def current_page(self) -> str:
        """The slide on show: one of PAGES."""
        return self._page_name

    def show_page(self, name: str) -> None:
        self._page_name = name
        self.stack.setCurrentWidget(self.pages[name])
        self._fit()

    def show_step(self, step: AgendaStep | None, pack: SessionPack,
                  status: RunnerStatus) -> None:
        """Show ``step`` of ``pack`` as it stands in ``status`` (the runner's snapshot)."""
        self.pack = pack
        self.show_status(status)

    def show_status(self, status: RunnerStatus) -> None:
        self._status = status
        page = "blank" if self._blank else page_for(status, self._results_shown,
                                                    self._advice_shown)
        key = (page, status.state, status.index,
               status.step.id if status.step else None, self.site_name, self.workshop_title)
        if key != self._content_key:
            self._content_key = key
            self._fill(page, status)
            self._update_timers(page, status)
            self.show_page(page)
        else:
            self._update_timers(page, status)

    def _fill(self, page: str, status: RunnerStatus) -> None:
        step = status.step
        place = " · ".join(p for p in (self.site_name, self.workshop_title) if p)
        if page == "waiting":
            self.title_kicker.setText(self.pack.title)
            self.title_main.setText(tr("Welcome"))
            self.title_sub.setText(tr("We will begin shortly."))
            self.title_footer.setText(place)
        elif page == "finished":
            self.title_kicker.setText(self.pack.title)
            self.title_main.setText(tr("Thank you"))
            self.title_sub.setText(tr("Thank you for taking part today."))
            self.title_footer.setText(place)
        elif page == "title" and step is not None:
            self.title_kicker.setText(self.workshop_title or self.pack.title)
            self.title_main.setText(step.title)
            self.title_sub.setText(step.prompt)
            self.title_footer.setText(" · ".join(p for p in (self.site_name,
                                                             self.pack.title) if p))
        elif page == "card" and step is not None and step.use_case:
            case = self.pack.use_case(step.use_case)
            badge = LEVEL_COLOURS.get(case.level, SKY)
            level = tr("Basic use case") if case.level == "basic" else tr("Complex use case")
            self.card_badge.setText(level.upper())
            self.card_badge.setStyleSheet(f"color: #000000; background: {badge};"
                                          "padding: 4px 12px; border-radius: 6px;")
            self.card_title.setText(case.title)
            self.card_definition.setText(case.definition)
            self.card_benefits.setText(self._bullets(case.benefits, "+", GREEN))
            self.card_risks.setText(self._bullets(case.risks, "−", VERMILLION))
            self.card_example.setText(case.example)
            self.card_prompt.setText(self.tr("“{prompt}”").format(prompt=step.prompt)
                                     if step.prompt else "")
            self.card_prompt.setVisible(bool(step.prompt))
        elif page == "prompt" and step is not None:
            self.prompt_title.setText(step.title)
            self.prompt_text.setText(self.tr("“{prompt}”").format(prompt=step.prompt))
        elif page == "break" and step is not None:
            self.break_title.setText(step.title if step.title.strip().casefold()
                                     not in ("break", "") else tr("Break"))
        elif page == "video" and step is not None:
            title = step.title
            if step.video:
                video = self.pack.video(step.video)
                title = video.title + (f"\n{video.speaker}" if video.speaker else "")
            if self.preview:
                title = tr("Film on the projector:") + "\n" + title
            self.video_placeholder.setText(title)
        self._title_timed = page == "title" and shows_countdown(step)
        self._card_timed = page == "card" and shows_countdown(step)
        self.title_countdown.setVisible(self._title_timed)
        self.card_countdown.setVisible(self._card_timed)

    @staticmethod
    def _bullets(items: Sequence[str], sign: str, colour: str) -> str:
        rows = "".join(
            f"<tr><td style='color:{colour}; padding-right:14px; font-weight:bold'>{sign}"
            f"</td><td style='padding-bottom:10px'>{escape(item)}</td></tr>"
            for item in items)
        return f"<table cellspacing='0' cellpadding='0'>{rows}</table>"

    def _update_timers(self, page: str, status: RunnerStatus) -> None:
        if page == "card" and self._card_timed:
            self.card_countdown.show_status(status)
        elif page == "prompt":
            self.prompt_countdown.show_status(status)
        elif page == "title" and self._title_timed:
            self.title_countdown.show_status(status)
        elif page == "break":
            self.break_countdown.show_status(status)
            scheduled = status.scheduled(status.index)
            back = format_clock(scheduled.end) if scheduled else ""
            text = tr("Back at {time}").format(time=back) if back else ""
            if self.break_back.text() != text:
                self.break_back.setText(text)

    # -- sizing -----------------------------------------------------------------------

    def scale_for(self, width: int, height: int) -> float:
        return max(0.05, min(height / DESIGN_HEIGHT, width / DESIGN_WIDTH))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Scale type to the view; shrink a little only if a long card would not fit."""
        if self.width() <= 0 or self.height() <= 0:
            return
        base = self.scale_for(self.width(), self.height())
        margin_x = round(96 * base)
        margin_y = round(64 * base)
        for layout, share in self._margins:
            layout.setContentsMargins(round(margin_x * share) if share else 0,
                                      round(margin_y * share) if share else 0,
                                      round(margin_x * share) if share else 0,
                                      round(margin_y * share) if share else 0)
        factor = base
        self.scaler.rescale(factor)
        page = self.stack.currentWidget()
        available = self.stack.height()
        if page is None or page.layout() is None:
            return
        if available > 0 and self._page_name in ("card", "prompt"):
            for _ in range(8):
                needed = page.layout().totalHeightForWidth(self.stack.width())
                if needed <= available or factor < base * 0.8:
                    break
                factor *= 0.92
                self.scaler.rescale(factor)
        page.layout().invalidate()
        page.layout().activate()


class AudienceWindow(QWidget):
    """The second top-level window, on the projector.

    Signals:
        display_changed(): blanking or the results region was switched on or off.
        placed(bool): the window went full screen on another screen (True) or back to
            a normal window (False).
    """

    display_changed = Signal()
    placed = Signal(bool)

    def __init__(self, pack: SessionPack, rehearsal: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.pack = pack
        self.setWindowTitle(self.tr("Facilitator — audience screen"))
        self.setObjectName("audienceWindow")
        self.setStyleSheet(f"#audienceWindow {{ background: {BACKGROUND}; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = AudienceView(pack)
        layout.addWidget(self.view)
        self.view.set_rehearsal(rehearsal)
        self.resize(1280, 720)
        self._model: RunnerModel | None = None
        self._following = False
        self.target_screen: QScreen | None = None
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self.toggle_full_screen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.leave_full_screen)

    # -- driving ---------------------------------------------------------------------

    def attach(self, model: RunnerModel) -> None:
        """Follow a RunnerModel: show its status on every change."""
        self._model = model
        site = self.pack.site(model.site_id)
        self.view.set_context(site.name, model.workshop.title)
        model.changed.connect(self._on_changed)
        self._on_changed()

    def _on_changed(self) -> None:
        if self._model is not None:
            self.view.show_status(self._model.status)

    def show_step(self, step: AgendaStep | None, pack: SessionPack,
                  status: RunnerStatus) -> None:
        self.view.show_step(step, pack, status)

    def show_status(self, status: RunnerStatus) -> None:
        self.view.show_status(status)

    def set_context(self, site_name: str, workshop_title: str) -> None:
        self.view.set_context(site_name, workshop_title)

    def set_rehearsal(self, on: bool) -> None:
        self.view.set_rehearsal(on)

    def set_blank(self, on: bool) -> None:
        if on != self.view.is_blank():
            self.view.set_blank(on)
            self.display_changed.emit()

    def is_blank(self) -> bool:
        return self.view.is_blank()

    def toggle_blank(self) -> None:
        self.set_blank(not self.is_blank())

    def set_results_shown(self, on: bool) -> None:
        if on != self.view.results_shown():
            self.view.set_results_shown(on)
            self.display_changed.emit()

    def results_shown(self) -> bool:
        return self.view.results_shown()

    def set_advice(self, lines: Sequence[AdviceLine]) -> None:
        self.view.set_advice(lines)

    def set_advice_shown(self, on: bool) -> None:
        """Reveal the priorities (dots per item), whatever the agenda shows."""
        if on != self.view.advice_shown():
            self.view.set_advice_shown(on)
            self.display_changed.emit()

    def advice_shown(self) -> bool:
        return self.view.advice_shown()

    def set_video_widget(self, widget: QWidget | None) -> None:
        self.view.set_video_widget(widget)

    def set_results_widget(self, widget: QWidget | None) -> None:
        self.view.set_results_widget(widget)

    def current_page(self) -> str:
        return self.view.current_page()

    # -- screens ---------------------------------------------------------------------

    def follow_screens(self, on: bool = True) -> None:
        """Go to the projector now, and again whenever screens are plugged or unplugged."""
        app = QGuiApplication.instance()
        if on and not self._following:
            app.screenAdded.connect(self._screens_changed)
            app.screenRemoved.connect(self._screens_changed)
            self._following = True
            self.place()
        elif not on and self._following:
            app.screenAdded.disconnect(self._screens_changed)
            app.screenRemoved.disconnect(self._screens_changed)
            self._following = False

    def _screens_changed(self, _screen: QScreen | None = None) -> None:
        self.place()

    def place(self, screens: Sequence[QScreen] | None = None,
              primary: QScreen | None = None) -> QScreen | None:
        """Fill the second screen if there is one; otherwise be a normal window."""
        if screens is None:
            screens = QGuiApplication.screens()
            primary = QGuiApplication.primaryScreen()
        target = choose_screen(list(screens), primary)
        self.target_screen = target
        if target is not None:
            self.setScreen(target)
            self.setGeometry(target.geometry())
            self.showFullScreen()
            self.placed.emit(True)
        else:
            if self.isFullScreen():
                self.showNormal()
            home = primary or QGuiApplication.primaryScreen()
            if home is not None:
                area = home.availableGeometry()
                self.resize(min(1280, area.width()), min(720, area.height()))
                self.move(area.topLeft())
            self.show()
            self.placed.emit(False)
        return target

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            screen = self.screen()
            if screen is not None:
                # Without a window manager (kiosk set-ups) full screen keeps the old size.
                self.setGeometry(screen.geometry())
            self.showFullScreen()

    def leave_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
