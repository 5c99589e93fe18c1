"""The analysis layer: frontiers and iso-interactivity tables, prices, comparisons, physical bounds, decisions
(break-even, fleet, migration), run-to-run spread, trends and evaluations. Imports the data layer and the root
helpers, never presentation or reports."""

__all__: list[str] = []
