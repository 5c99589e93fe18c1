"""``python -m frontier.report`` runs ``frontier report``."""

from frontier.report.cli import main_report

raise SystemExit(main_report())
