"""``python -m frontier.report`` runs ``frontier report``."""

from .cli import main_report

raise SystemExit(main_report())
