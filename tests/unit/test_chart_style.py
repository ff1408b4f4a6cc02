"""The ward charts are drawn in seaborn's theme, read from the package, without importing seaborn."""
from __future__ import annotations

import json
import subprocess
import sys

from wardaudit.render.chart_style import THEME, seaborn_theme


def test_the_kept_theme_is_what_the_installed_seaborn_gives():
    """If seaborn changes its theme, this fails: write the file again from seaborn_theme() (the charts' bytes
    change with it, and the golden pages say so)."""
    kept = json.loads(THEME.read_text(encoding="utf-8"))
    assert kept == seaborn_theme()
    assert kept["rc"]["axes.grid"] is True and len(kept["palette"]) == 10


def test_a_chart_is_drawn_without_importing_seaborn():
    code = ("import sys\nfrom wardaudit.render.charts import dossiers_chart, png_bytes\n"
            "fig = dossiers_chart([{'metric': 'dossiers.received', 'value': 12, 'unit': 'hồ sơ'}])\n"
            "png = png_bytes(fig)\n"
            "grid = fig.axes[0].xaxis.get_gridlines()[0].get_visible()\n"
            "print(png[:4] == b'\\x89PNG', 'seaborn' in sys.modules, grid)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["True", "False", "True"]  # drawn, seaborn not loaded, its grid still there
