"""Offline check: every external reference (http(s) or protocol-relative) an HTML/SVG page would load."""

from __future__ import annotations

import base64
import binascii
import re
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["check_offline", "find_external_refs"]

_URL_ATTRS = {
    "src",
    "href",
    "xlink:href",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "manifest",
    "codebase",
    "cite",
    "longdesc",
    "icon",
    "ping",
    "archive",
    "lowsrc",
    "dynsrc",
}
_EXTERNAL_RE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)\s*([^'")\s]+)""", re.IGNORECASE)
_CSS_IMPORT_RE = re.compile(r"""@import\s+(?:url\(\s*)?['"]?\s*([^'");\s]+)""", re.IGNORECASE)
_JS_ATTR_RE = re.compile(r"""\b(?:src|href)\s*=\s*\\?['"]?\s*((?:https?:)?//[^\s'"\\>]+)""", re.IGNORECASE)
_DATA_URI_RE = re.compile(r"^\s*data:([^;,]+)((?:;[^;,]+)*),(.*)$", re.IGNORECASE | re.DOTALL)


def _is_external(url: str) -> bool:
    u = url.strip().lower()
    if not _EXTERNAL_RE.match(u):
        return False
    return not u.startswith(("data:", "javascript:", "about:", "blob:", "mailto:"))


def _css_refs(css: str) -> list[str]:
    found = [m.group(2) for m in _CSS_URL_RE.finditer(css)]
    found += [m.group(1) for m in _CSS_IMPORT_RE.finditer(css)]
    return [u for u in found if _is_external(u)]


class _RefParser(HTMLParser):
    def __init__(self, include_links: bool, depth: int):
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.include_links = include_links
        self.depth = depth
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag in ("style", "script"):
            self._in = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.refs += [f"<style> url {u}" for u in _css_refs(data)]
        elif self._in == "script":
            self.refs += [f"<script> text {m.group(1)}" for m in _JS_ATTR_RE.finditer(data)]
            self.refs += [f"<script> text url {u}" for u in _css_refs(data) if "//" in u]

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            name = name.lower()
            if name == "style":
                self.refs += [f"<{tag} style> url {u}" for u in _css_refs(value)]
            elif name in ("srcset", "imagesrcset"):
                for part in value.split(","):
                    u = part.strip().split(" ")[0]
                    if u and _is_external(u):
                        self.refs.append(f"<{tag} {name}> {u}")
            elif name == "content" and tag == "meta" and "url=" in value.lower():
                u = value.lower().split("url=", 1)[1]
                if _is_external(u):
                    self.refs.append(f"<meta refresh> {value.split('=', 1)[-1].strip()}")
            elif name in _URL_ATTRS:
                if tag == "a" and name == "href" and not self.include_links:
                    continue
                if _is_external(value):
                    self.refs.append(f"<{tag} {name}> {value.strip()}")
                elif self.depth < 3:
                    self.refs += [f"<{tag} {name}> data URI -> {r}" for r in self._data_uri_refs(value)]

    def _data_uri_refs(self, value: str) -> list[str]:
        m = _DATA_URI_RE.match(value)
        if not m:
            return []
        mime, params, payload = m.group(1).lower(), m.group(2).lower(), m.group(3)
        if not ("svg" in mime or "html" in mime or "css" in mime):
            return []
        try:
            if ";base64" in params:
                text = base64.b64decode(payload, validate=False).decode("utf-8", "replace")
            else:
                from urllib.parse import unquote

                text = unquote(payload)
        except (binascii.Error, ValueError):
            return []
        if "css" in mime:
            return _css_refs(text)
        return find_external_refs(text, include_links=True, _depth=self.depth + 1)


def find_external_refs(text: str, *, include_links: bool = True, _depth: int = 0) -> list[str]:
    """External references (http(s) or protocol-relative ``//``) in HTML/SVG text: ``src``/``href``/... attributes,
    ``url(...)`` and ``@import`` in CSS, and inside SVG/HTML/CSS ``data:`` URIs. ``include_links=False`` ignores
    plain ``<a href>`` hyperlinks (navigation, not something the page loads)."""
    parser = _RefParser(include_links, _depth)
    parser.feed(text)
    parser.close()
    return parser.refs


def check_offline(html_path: str | Path, *, include_links: bool = True) -> list[str]:
    """Every external reference in an HTML file (empty list: it renders with no network). See
    :func:`find_external_refs`; the report runner calls it with ``include_links=False``."""
    return find_external_refs(
        Path(html_path).read_text(encoding="utf-8", errors="replace"), include_links=include_links
    )
