"""Rule precision means something only with enough decisions: a dismissal rate is shown (and highlighted
above 20%) once a rule has at least 5 decided findings; below that the index says "chưa đủ quyết định"."""
from __future__ import annotations

import pytest

from wardaudit.render.templating import macros
from wardaudit.review.stats import MIN_DECISIONS, rate_text
from wardaudit.run.portfolio.views import precision_view
from wardaudit.run.portfolio.words import word


def _summary(slug: str, rule: str, **counts: int) -> dict:
    decided = sum(counts.values())
    return {"slug": slug, "rules": {rule: {"findings": decided + 1, **counts}}}


@pytest.mark.parametrize("decided, rate, shown, high", [
    (0, None, "", False), (1, 1.0, "", False), (4, 0.75, "", False),
    (5, 0.2, "20%", False), (5, 0.4, "40%", True), (12, 0.25, "25%", True),
])
def test_a_rate_is_shown_from_five_decisions_and_highlighted_above_a_fifth(decided, rate, shown, high):
    assert MIN_DECISIONS == 5
    assert rate_text(decided, rate) == (shown, high)


def test_the_index_table_says_too_few_decisions_instead_of_a_rate():
    summaries = [_summary("xa-a", "FOOT001", dismissed=1),  # one dismissal: was "100%" in red
                 _summary("xa-a", "RATE001", dismissed=2, confirmed=2, query=1),
                 _summary("xa-b", "RATE001", confirmed=1)]
    view = precision_view(summaries, {"FOOT001": "Tổng", "RATE001": "Tỷ lệ"})
    rows = {r["rule"]: r for r in view["rows"]}
    assert rows["FOOT001"]["too_few"] and not rows["FOOT001"]["high"] and rows["FOOT001"]["cells"]["decided"] == 1
    assert rows["RATE001"]["cells"]["dismissal_rate"] == "33%" and rows["RATE001"]["high"]
    html = str(macros("portfolio_macros.html.j2").precision(view, lambda key, **fmt: word(key, "vi", **fmt)))
    foot = html.split('data-rule="FOOT001"', 1)[1].split("</tr>", 1)[0]
    rate = html.split('data-rule="RATE001"', 1)[0].rsplit("<tr", 1)[1] + html.split('data-rule="RATE001"', 1)[1]
    assert "chưa đủ quyết định" in foot and "100%" not in foot and "high-dismissal" not in foot
    assert "33%" in rate.split("</tr>", 1)[0] and "high-dismissal" in rate.split("</tr>", 1)[0]
