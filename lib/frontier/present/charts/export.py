"""Figure export: Vega-Lite specs, SVG and PNG (with DPI) through vl-convert, light and dark files."""

from __future__ import annotations

import copy
import inspect
import re
import struct
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import altair as alt

from .theme import MAX_ROWS, THEMES, Theme, _check_theme, spec_with_theme

__all__ = [
    "png_dpi",
    "png_with_dpi",
    "save_figure",
    "to_spec",
    "vl_png",
    "vl_svg",
    "xml_safe",
    "xml_safe_text",
    "write_figure",
]

#: characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF)
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe_text(text: str) -> str:
    """``text`` with every character XML cannot hold replaced by U+FFFD."""
    return _NOT_XML_RE.sub("\ufffd", text)


def xml_safe(obj: Any) -> Any:
    """A spec (dicts, lists, strings, numbers) with ``xml_safe_text`` applied to every string, keys included (a new
    structure; numbers and other leaves are shared)."""
    if isinstance(obj, str):
        return _NOT_XML_RE.sub("\ufffd", obj)
    if isinstance(obj, Mapping):
        return {xml_safe(k): xml_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [xml_safe(v) for v in obj]
    return obj


def vl_svg(spec: Mapping[str, Any]) -> str:
    """SVG text of a Vega-Lite spec (made XML-safe first), rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(xml_safe(dict(spec)), vl_version=_vl_version(), allowed_base_urls=[])


def vl_png(spec: Mapping[str, Any], scale: float = 1) -> bytes:
    """PNG bytes of a Vega-Lite spec at ``scale`` x (made XML-safe first), rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(xml_safe(dict(spec)), vl_version=_vl_version(), scale=scale, allowed_base_urls=[])


def _vl_version() -> str | None:
    import vl_convert as vlc

    v = alt.SCHEMA_VERSION.lstrip("v")
    mm = ".".join(v.split(".")[:2])
    return mm if mm in vlc.get_vegalite_versions() else None


def to_spec(chart: Any, *, max_rows: int = MAX_ROWS) -> dict[str, Any]:
    """A Vega-Lite spec dict from an Altair chart or a dict, XML-safe (:func:`xml_safe`); frames passed straight to
    Altair get ``max_rows`` for this conversion only (Altair's data transformer is restored afterwards)."""
    if isinstance(chart, Mapping):
        return cast(dict[str, Any], xml_safe(copy.deepcopy(dict(chart))))
    if not isinstance(chart, alt.TopLevelMixin):
        raise TypeError(f"expected an Altair chart or a spec dict, got {type(chart).__name__}")
    with alt.data_transformers.enable("default", max_rows=max_rows):
        return cast(dict[str, Any], xml_safe(chart.to_dict()))


def _themed_spec(chart_or_builder: Any, theme: str, max_rows: int) -> dict[str, Any]:
    if isinstance(chart_or_builder, (alt.TopLevelMixin, Mapping)):
        return spec_with_theme(to_spec(chart_or_builder, max_rows=max_rows), theme)  # type: ignore[arg-type]
    if callable(chart_or_builder):
        params: Mapping[str, Any]
        try:
            params = inspect.signature(chart_or_builder).parameters
        except (TypeError, ValueError):
            params = {}
        chart = chart_or_builder(theme=theme) if "theme" in params else chart_or_builder(theme)
        return spec_with_theme(to_spec(chart, max_rows=max_rows), _check_theme(theme))
    raise TypeError("save_figure needs an Altair chart, a spec dict or a callable theme -> chart")


def render_svg(chart: Any, theme: Theme | None = None, *, max_rows: int = MAX_ROWS) -> str:
    """SVG text of a chart (optionally re-themed), rendered offline with vl-convert."""
    spec = to_spec(chart, max_rows=max_rows)
    if theme is not None:
        spec = spec_with_theme(spec, theme)
    return vl_svg(spec)


#: CSS pixels per inch: a PNG rendered at ``scale`` x carries ``scale`` x 72 dpi, so it pastes at its CSS size
CSS_DPI = 72


def png_with_dpi(data: bytes, dpi: float) -> bytes:
    """PNG bytes with a pHYs chunk stating ``dpi`` (pixels per metre, rounded), replacing any existing one."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    ppm = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    phys = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    out, pos = [data[:8]], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos : pos + 12 + length]
        pos += 12 + length
        if kind == b"pHYs":
            continue
        out.append(chunk)
        if kind == b"IHDR":
            out.append(phys)
    return b"".join(out)


def png_dpi(data: bytes) -> float | None:
    """The dpi a PNG's pHYs chunk states (None without one, or when its unit is not the metre)."""
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"pHYs":
            x, _, unit = struct.unpack(">IIB", data[pos + 8 : pos + 17])
            return x * 0.0254 if unit == 1 else None
        pos += 12 + length
    return None


_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def save_figure(
    chart_or_builder: Any,
    name: str,
    out_dir: str | Path,
    *,
    scale: float = 2,
    themes: Sequence[str] = THEMES,
    formats: Sequence[str] = ("png", "svg"),
    max_rows: int = MAX_ROWS,
) -> list[Path]:
    """Write ``<name>-<theme>.png`` (``scale`` x, default 2x, with ``scale`` x 72 dpi in its metadata so it pastes at
    its CSS size) and ``<name>-<theme>.svg`` for each theme.

    ``chart_or_builder``: a callable ``theme -> chart`` (called as ``f(theme=...)`` when it has a ``theme``
    parameter, e.g. ``functools.partial(frontier_chart, pts, fr)``, else ``f(theme)``), or an Altair chart / spec
    dict, which is re-themed for each variant. Returns the written paths in order.
    """
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '.', '_' and '-' only")
    bad = [f for f in formats if f not in ("png", "svg")]
    if bad:
        raise ValueError(f"unsupported figure format(s) {bad}; use 'png' and/or 'svg'")
    for t in themes:
        _check_theme(t)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for theme in themes:
        spec = _themed_spec(chart_or_builder, theme, max_rows)
        for fmt in formats:
            path = out / f"{name}-{theme}.{fmt}"
            if fmt == "png":
                path.write_bytes(png_with_dpi(vl_png(spec, scale), CSS_DPI * scale))
            else:
                path.write_text(vl_svg(spec), encoding="utf-8")
            written.append(path)
    return written


def write_figure(
    name: str, out_dir: str | Path, theme: str, *, svg: str, png: bytes | None = None, scale: float = 2
) -> list[Path]:
    """Write an already rendered figure as ``<name>-<theme>.png`` when ``png`` is given (rendered at ``scale`` x;
    its metadata set to ``scale`` x 72 dpi, as :func:`save_figure` does) and ``<name>-<theme>.svg``. Returns the
    paths written."""
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '.', '_' and '-' only")
    _check_theme(theme)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if png is not None:
        written.append(out / f"{name}-{theme}.png")
        written[-1].write_bytes(png_with_dpi(png, CSS_DPI * scale))
    written.append(out / f"{name}-{theme}.svg")
    written[-1].write_text(svg, encoding="utf-8")
    return written
