"""The core, the export layer and the CLI's non-GUI commands never import Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import facilitator.core
import facilitator.core.schema
import facilitator.export


def test_core_imports_without_pyside6():
    modules = [f"facilitator.core.{m.name}" for m in pkgutil.iter_modules(facilitator.core.__path__)]
    modules += [f"facilitator.core.schema.{m.name}"
                for m in pkgutil.iter_modules(facilitator.core.schema.__path__)]
    modules += [f"facilitator.export.{m.name}"
                for m in pkgutil.iter_modules(facilitator.export.__path__)]
    modules += ["facilitator.demo", "facilitator.commands.merge", "facilitator.commands.export"]
    assert "facilitator.core.store" in modules and "facilitator.core.pack" in modules
    assert "facilitator.core.merge" in modules and "facilitator.export.pdf_report" in modules
    code = (
        "import sys, importlib\n"
        f"for name in {modules!r} + ['facilitator.cli']:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, f"Qt imported: {result.stdout} {result.stderr}"
