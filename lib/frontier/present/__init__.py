"""The presentation layer: HTML tables and callouts, charts (theme, builders, export, JupyterLab rendering) and the
figures each analysis draws. Imports analysis, data and the root helpers."""

__all__: list[str] = []
