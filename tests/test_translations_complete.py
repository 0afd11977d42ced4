"""Every tr() string has a finished Welsh translation, and no tr() is given a formatted
string (i18n/README.md says how to add yours: scripts/update-translations)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LUPDATE = Path(sys.executable).parent / "pyside6-lupdate"

pytestmark = pytest.mark.skipif(not LUPDATE.exists() and shutil.which("pyside6-lupdate") is None,
                                reason="pyside6-lupdate not installed")


def _tools():
    spec = importlib.util.spec_from_file_location("translations", REPO / "scripts" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("translations", module)
    spec.loader.exec_module(module)
    return module


def test_every_string_has_finished_welsh():
    """lupdate over the tree into a temporary .ts, compared with i18n/cy.po."""
    from facilitator.core import i18n

    tools = _tools()
    messages = tools.extract(REPO)
    assert len(messages) > 500  # lupdate really read the files
    catalog = i18n.Catalog(i18n.parse_po(tools.PO.read_text(encoding="utf-8"), file=str(tools.PO)))
    problems = tools.problems(messages, catalog)
    assert not problems, (
        f"{len(problems)} string(s) without finished Welsh — run "
        "scripts/update-translations and fill in i18n/cy.po (i18n/README.md):\n"
        + "\n".join(problems))


def test_no_tr_is_given_a_formatted_string():
    problems = _tools().formatted_tr_calls(REPO)
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_should(tmp_path):
    """The checks fail on a missing, an unfinished, a mis-placeholdered Welsh and an f-string."""
    from facilitator.core import i18n

    tools = _tools()
    messages = [tools.Message("C", "Open &voting", False), tools.Message("C", "Hello {name}", False),
                tools.Message("C", "Missing", False), tools.Message("C", "%n dots", True)]
    catalog = i18n.Catalog(i18n.parse_po(
        'msgid "Open &voting"\nmsgstr "Agor pleidleisio"\n\n'
        'msgid "Hello {name}"\nmsgstr "Helo {enw}"\n\n'
        '#, fuzzy\nmsgid "%n dots"\nmsgid_plural "%n dots"\n'
        + "".join(f'msgstr[{i}] "%n dot"\n' for i in range(5))))
    found = "\n".join(tools.problems(messages, catalog))
    assert "accelerator" in found and "placeholders differ" in found
    assert "missing Welsh [C]: 'Missing'" in found and "unfinished" in found
    package = tmp_path / "facilitator"
    package.mkdir()
    (package / "x.py").write_text(
        'def f(self, n):\n    self.tr(f"{n} items")\n    self.tr("a %s" % n)\n'
        '    QCoreApplication.translate("C", "b {}".format(n))\n    self.tr("fine {n}").format(n=n)\n',
        encoding="utf-8")
    bad = tools.formatted_tr_calls(tmp_path)
    assert len(bad) == 3 and all("x.py" in b for b in bad)
