"""models/ is plain Python: it never imports Textual (the screens depend on it, not the reverse)."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import models


def test_models_never_import_textual():
    modules = [f"models.{info.name}" for info in pkgutil.iter_modules(models.__path__) if info.name != "migrations"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(modules) >= 10
    assert result.stdout.strip() == ""


def test_imports_point_one_way():
    """The import-linter contracts in pyproject.toml: tui.app/cli → screens → tui.kit → models."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, timeout=300,
                            cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "4 kept, 0 broken" in result.stdout
