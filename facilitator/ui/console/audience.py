"""The audience (projector) window: one idea per screen, large type, high contrast.

It shows, by step kind, a title slide, a use-case card, the discussion prompt with a
countdown, a break slide, or the regions where video and vote results plug in. It
can be blanked. It never shows facilitator-only information (notes, overrun, the
day's plan). ``AudienceView`` is the content; the console shows a second one, small,
as its live preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QResizeEvent, QScreen, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from facilitator.core.agenda import RunnerStatus
from facilitator.core.pack import AgendaStep, SessionPack
from facilitator.ui.common.language import ChosenLanguage
from facilitator.ui.common.palette import (  # noqa: F401 - re-exported for the screens
    BACKGROUND,
    BLUE,
    GREEN,
    INK,
    LEVEL_COLOURS,
    MUTED,
    ORANGE,
    PANEL,
    PURPLE,
    SKY,
    VERMILLION,
    YELLOW,
)
from facilitator.ui.console.audience_slides import AudienceSlides
from facilitator.ui.console.runner_model import RunnerModel
from facilitator.ui.console.slide_kit import (  # noqa: F401 - re-exported for the screens
    DESIGN_HEIGHT,
    DESIGN_WIDTH,
    PAGES,
    TIMED_KINDS,
    AdviceLine,
    Countdown,
    _label,
    _Scaler,
    choose_screen,
    format_clock,
    format_countdown,
    format_duration,
    page_for,
    shows_countdown,
    tr,
)


class AudienceView(ChosenLanguage, AudienceSlides, QWidget):
    """What the room sees. Fed a ``RunnerStatus``; fonts follow the view's height.

    ``preview=True`` is the console's miniature: video and results show a placeholder
    there, since a widget can only live in one window. ``lang``: "cy" or "en" shows the
    pack and the words in that language whatever the app's (one half of a bilingual
    screen); "" follows the app.
    """

    def __init__(self, pack: SessionPack, preview: bool = False,
                 parent: QWidget | None = None, lang: str = "") -> None:
        super().__init__(parent)
        self.lang = lang
        self.pack = pack.localised(lang) if lang else pack
        self.preview = preview
        self.scaler = _Scaler()
        self.site_name = ""
        self.workshop_title = ""
        self._blank = False
        self._results_shown = False
        self._advice_shown = False
        self._phones_shown = False
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
            self.tr("REHEARSAL — practice run, not real data"), wrap=False,
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
        self._build_phones()
        self.pages["waiting"] = self.pages["title"]
        self.pages["finished"] = self.pages["title"]
        for countdown in self.findChildren(Countdown):
            countdown.lang = lang
        self.show_page("waiting")

    # -- pages ------------------------------------------------------------------------

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

    def set_phones_widget(self, widget: QWidget | None) -> None:
        """The phone-voting join slide (QR code and address), full bleed."""
        if self.phones_widget is not None:
            self.phones_layout.removeWidget(self.phones_widget)
            self.phones_widget.setParent(None)
        self.phones_widget = widget
        self.phones_placeholder.setVisible(widget is None)
        if widget is not None:
            self.phones_layout.addWidget(widget, 1)

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

    def set_phones_shown(self, on: bool) -> None:
        self._phones_shown = on
        self._content_key = None
        if self._status is not None:
            self.show_status(self._status)
        elif not self._blank:
            self.show_page("phones" if on else "waiting")

    def phones_shown(self) -> bool:
        return self._phones_shown

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
        self.pack = pack.localised(self.lang) if self.lang else pack
        self.show_status(status)

    def _local(self, step: AgendaStep | None) -> AgendaStep | None:
        """The runner's step in this view's language."""
        if step is None or not self.lang:
            return step
        for workshop in self.pack.workshops:
            for candidate in workshop.steps:
                if candidate.id == step.id:
                    return candidate
        return step

    def show_status(self, status: RunnerStatus) -> None:
        self._status = status
        page = "blank" if self._blank else page_for(status, self._results_shown,
                                                    self._advice_shown, self._phones_shown)
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
        step = self._local(status.step)
        place = " · ".join(p for p in (self.site_name, self.workshop_title) if p)
        if page == "waiting":
            self.title_kicker.setText(self.pack.title)
            self.title_main.setText(self.tr("Welcome"))
            self.title_sub.setText(self.tr("We will begin shortly."))
            self.title_footer.setText(place)
        elif page == "finished":
            self.title_kicker.setText(self.pack.title)
            self.title_main.setText(self.tr("Thank you"))
            self.title_sub.setText(self.tr("Thank you for taking part today."))
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
            level = self.tr("Basic use case") if case.level == "basic" else self.tr("Complex use case")
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
                                     not in ("break", "") else self.tr("Break"))
        elif page == "video" and step is not None:
            title = step.title
            if step.video:
                video = self.pack.video(step.video)
                title = video.title + (f"\n{video.speaker}" if video.speaker else "")
            if self.preview:
                title = self.tr("Film on the projector:") + "\n" + title
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
            text = self.tr("Back at {time}").format(time=back) if back else ""
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
            for _ in range(14):
                needed = page.layout().totalHeightForWidth(self.stack.width())
                # The console's small preview may shrink further: all of it must show.
                if needed <= available or factor < base * (0.55 if self.preview else 0.8):
                    break
                factor *= 0.92
                self.scaler.rescale(factor, base)
        page.layout().invalidate()
        page.layout().activate()


class AudienceWindow(QWidget):
    """The second top-level window, on the projector.

    It speaks Welsh, English, or both side by side, Welsh first (``set_language_mode``:
    "cy", "en" or "both"); it starts in the app's language. ``view`` is the first view
    on show (it hosts the video and the results chart; in "both" mode those pages fill
    the screen alone).

    Signals:
        display_changed(): blanking or the results region was switched on or off.
        placed(bool): the window went full screen on another screen (True) or back to
            a normal window (False).
    """

    display_changed = Signal()
    placed = Signal(bool)
    MODES = ("cy", "en", "both")
    FULL_WIDTH_PAGES = ("video", "results", "blank")

    def __init__(self, pack: SessionPack, rehearsal: bool = False,
                 parent: QWidget | None = None, mode: str | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        from facilitator.ui.common import language

        self.pack = pack
        self.setWindowTitle(self.tr("Facilitator — audience screen"))
        self.setObjectName("audienceWindow")
        self.setStyleSheet(f"#audienceWindow {{ background: {BACKGROUND}; }}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # Welsh first, on the left, as the Welsh Language Standards expect.
        self.views = {lang: AudienceView(pack, lang=lang) for lang in ("cy", "en")}
        self.divider = QFrame()
        self.divider.setFixedWidth(4)
        self.divider.setStyleSheet(f"background: {MUTED};")
        for view in self.views.values():
            # Equal halves whatever each language's words need: the type fits the view.
            view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.views["cy"], 1)
        layout.addWidget(self.divider)
        layout.addWidget(self.views["en"], 1)
        for view in self.views.values():
            view.set_rehearsal(rehearsal)
        self.mode = mode if mode in self.MODES else language.current()
        self._video: QWidget | None = None
        self._results: QWidget | None = None
        self._host: AudienceView | None = None
        self._apply_mode()
        self.resize(1280, 720)
        self._model: RunnerModel | None = None
        self._following = False
        self.target_screen: QScreen | None = None
        QShortcut(QKeySequence(Qt.Key.Key_F11), self, self.toggle_full_screen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.leave_full_screen)

    # -- languages -------------------------------------------------------------------

    @property
    def view(self) -> AudienceView:
        return self.views["en" if self.mode == "en" else "cy"]

    @property
    def second(self) -> AudienceView | None:
        return self.views["en"] if self.mode == "both" else None

    def shown_views(self) -> list[AudienceView]:
        return [v for v in (self.view, self.second) if v is not None and not v.isHidden()]

    def set_language_mode(self, mode: str) -> None:
        """Welsh ("cy"), English ("en") or both side by side ("both"), Welsh first."""
        if mode not in self.MODES or mode == self.mode:
            return
        self.mode = mode
        self._apply_mode()

    def _apply_mode(self) -> None:
        host = self.view
        if host is not self._host:
            if self._host is not None:
                self._host.set_video_widget(None)
                self._host.set_results_widget(None)
            host.set_video_widget(self._video)
            host.set_results_widget(self._results)
            self._host = host
        self._sync()

    def _sync(self) -> None:
        """Show the views the mode wants; a video or a chart fills the screen alone."""
        both = self.mode == "both" and self.view.current_page() not in self.FULL_WIDTH_PAGES
        self.views["cy"].setVisible(self.mode in ("cy", "both"))
        shown_before = self.views["en"].isVisible(), self.views["cy"].isVisible()
        self.views["en"].setVisible(self.mode == "en" or both)
        self.divider.setVisible(both)
        if shown_before != (self.views["en"].isVisible(), self.views["cy"].isVisible()):
            # Fit the type again once the layout has given each view its new width.
            for view in self.views.values():
                QTimer.singleShot(0, view, view._fit)

    def _each(self) -> list[AudienceView]:
        return list(self.views.values())

    # -- driving ---------------------------------------------------------------------

    def attach(self, model: RunnerModel) -> None:
        """Follow a RunnerModel: show its status on every change."""
        self._model = model
        for view in self._each():
            view.set_context(view.pack.site(model.site_id).name,
                             view.pack.workshop(model.workshop.number).title)
        model.changed.connect(self._on_changed)
        self._on_changed()

    def _on_changed(self) -> None:
        if self._model is not None:
            self.show_status(self._model.status)

    def show_step(self, step: AgendaStep | None, pack: SessionPack,
                  status: RunnerStatus) -> None:
        for view in self._each():
            view.show_step(step, pack, status)
        self._sync()

    def show_status(self, status: RunnerStatus) -> None:
        for view in self._each():
            view.show_status(status)
        self._sync()

    def set_context(self, site_name: str, workshop_title: str) -> None:
        """The place, named in each view's language (given in any of them)."""
        base = self.pack.written or self.pack
        site_id = next((s.id for s in base.sites
                        if site_name.casefold() in {n.casefold() for n in (
                            s.name, s.cy.get("name", s.name), *s.aliases)}), None)
        number = next((w.number for w in base.workshops
                       if workshop_title in (w.title, w.cy.get("title", w.title))), None)
        for view in self._each():
            view.set_context(view.pack.site(site_id).name if site_id else site_name,
                             view.pack.workshop(number).title if number else workshop_title)

    def set_rehearsal(self, on: bool) -> None:
        for view in self._each():
            view.set_rehearsal(on)

    def set_blank(self, on: bool) -> None:
        if on != self.view.is_blank():
            for view in self._each():
                view.set_blank(on)
            self._sync()
            self.display_changed.emit()

    def is_blank(self) -> bool:
        return self.view.is_blank()

    def toggle_blank(self) -> None:
        self.set_blank(not self.is_blank())

    def set_results_shown(self, on: bool) -> None:
        if on != self.view.results_shown():
            for view in self._each():
                view.set_results_shown(on)
            self._sync()
            self.display_changed.emit()

    def results_shown(self) -> bool:
        return self.view.results_shown()

    def set_phones_shown(self, on: bool) -> None:
        """The phone-voting join slide, whatever the agenda shows (results still win)."""
        if on != self.view.phones_shown():
            self.view.set_phones_shown(on)
            self.display_changed.emit()

    def phones_shown(self) -> bool:
        return self.view.phones_shown()

    def set_phones_widget(self, widget: QWidget | None) -> None:
        self.view.set_phones_widget(widget)

    def set_advice(self, lines: Sequence[AdviceLine]) -> None:
        for view in self._each():
            view.set_advice(lines)

    def set_advice_shown(self, on: bool) -> None:
        """Reveal the priorities (dots per item), whatever the agenda shows."""
        if on != self.view.advice_shown():
            for view in self._each():
                view.set_advice_shown(on)
            self._sync()
            self.display_changed.emit()

    def advice_shown(self) -> bool:
        return self.view.advice_shown()

    def set_video_widget(self, widget: QWidget | None) -> None:
        self._video = widget
        self.view.set_video_widget(widget)

    def set_results_widget(self, widget: QWidget | None) -> None:
        self._results = widget
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
            self.show()  # the frame's size is known once shown: the whole window must fit
            if home is not None:
                area = home.availableGeometry()
                frame = self.frameGeometry().size() - self.geometry().size()
                self.resize(min(1280, area.width() - frame.width()),
                            min(720, area.height() - frame.height()))
                self.move(area.topLeft())
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
