"""The data layer: the canonical table (schema), loading every artifact format (load), downloads (fetch),
the load cache, the synthetic sample, GPU and model reference tables, and the words for configs (labels).
Imports only the root helpers (paths, fsutil, progress, plain)."""

__all__: list[str] = []
