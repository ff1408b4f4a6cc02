"""The portfolio: every ward side by side, the checks across wards, the index and province pages.

A batch writes each ward's small summary next to its findings (:mod:`.summary`); the portfolio
phase reads the summaries and renders reports/index.html (national triage and roll-up), one page
per province and the findings exports (:func:`execute_portfolio`). The notebook
notebooks/portfolio.ipynb reads the full portfolio (:func:`load_portfolio`) and shows its tables
and charts.
"""
from wardaudit.rules.portfolio import OUTLIER_MIN_WARDS, OUTLIER_Z, load_targets, modified_z
from wardaudit.run.portfolio.charts import (
                                            heatmap_data,
                                            heatmap_figure,
                                            heatmap_severity,
                                            indicators_figure,
                                            trends_figure,
                                            trends_frame,
)
from wardaudit.run.portfolio.exports import FINDING_COLUMNS, findings_frame, port_checks_frame
from wardaudit.run.portfolio.indicators import indicator_value, indicators_frame, pick_fact, run_port_checks, ward_facts
from wardaudit.run.portfolio.model import Portfolio, WardRecord, load_portfolio
from wardaudit.run.portfolio.phase import execute_portfolio
from wardaudit.run.portfolio.summary import build_summary, score, write_summary
from wardaudit.run.portfolio.tables import (
                                            WARD_COLUMNS,
                                            export_findings,
                                            exports_html,
                                            figure_html,
                                            heatmap_html,
                                            indicators_html,
                                            port_checks_html,
                                            rule_precision,
                                            rule_precision_html,
                                            trends_html,
                                            wards_table,
                                            wards_table_html,
)

__all__ = ["FINDING_COLUMNS", "OUTLIER_MIN_WARDS", "OUTLIER_Z", "WARD_COLUMNS", "Portfolio", "WardRecord",
           "build_summary", "execute_portfolio", "export_findings", "exports_html", "figure_html", "findings_frame",
           "heatmap_data", "heatmap_figure", "heatmap_html", "heatmap_severity", "indicator_value",
           "indicators_figure", "indicators_frame", "indicators_html", "load_portfolio", "load_targets",
           "modified_z", "pick_fact", "port_checks_frame", "port_checks_html", "rule_precision",
           "rule_precision_html", "run_port_checks", "score", "trends_figure", "trends_frame", "trends_html",
           "ward_facts", "wards_table", "wards_table_html", "write_summary"]
