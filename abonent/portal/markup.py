"""Markdown-lite: the few text forms staff need on public pages, rendered safely.

Everything typed is escaped first; the only markup the site produces is:

- blocks separated by an empty line; a block whose lines all start with ``- `` (or ``* ``) is
  a bulleted list, with ``1. `` a numbered list; ``## `` (or ``# ``) starts a heading (h2),
  ``### `` a sub-heading (h3); any other block is a paragraph (single line breaks kept);
- ``**bold**``; links ``[text](url)`` where url is https://, http://, mailto:, tel: or a
  site path starting with one ``/``; anything else is shown as plain text.

So the admin cannot inject HTML or scripts into the website (W-8)."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_INLINE = re.compile(
    r"\[(?P<text>[^\]\n]{1,300})\]\((?P<url>[^)\s]{1,500})\)|\*\*(?P<bold>[^*\n]{1,500})\*\*"
)
_SAFE_URL = re.compile(
    r"^(?:https?://[^\s\"'<>]+|mailto:[^\s\"'<>]+|tel:[+\d() -]+|/(?!/)[^\s\"'<>]*)$"
)
_HEADING = re.compile(r"^#{1,3}\s")
_BULLET = re.compile(r"^[-*]\s+")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+")


def _inline(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[pos : m.start()]))
        if m.group("bold") is not None:
            out.append(f"<strong>{escape(m.group('bold'))}</strong>")
        elif _SAFE_URL.match(m.group("url")):
            url = m.group("url")
            external = url.startswith(("http://", "https://"))
            rel = ' rel="noopener noreferrer"' if external else ""
            out.append(f'<a href="{escape(url)}"{rel}>{escape(m.group("text"))}</a>')
        else:
            out.append(escape(m.group(0)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _list(lines: list[str], marker: re.Pattern[str], tag: str) -> str:
    items = "".join(f"<li>{_inline(marker.sub('', line, count=1))}</li>" for line in lines)
    return f"<{tag}>{items}</{tag}>"


def render(text: str) -> SafeString:
    """Markdown-lite to HTML; every character of ``text`` that is not markup is escaped."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    html: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        while lines and _HEADING.match(lines[0]):
            head = lines.pop(0)
            level = "h3" if head.startswith("###") else "h2"
            html.append(f"<{level}>{_inline(head.lstrip('#').strip())}</{level}>")
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            html.append(_list(lines, _BULLET, "ul"))
        elif all(_NUMBERED.match(line) for line in lines):
            html.append(_list(lines, _NUMBERED, "ol"))
        else:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - built from escaped pieces only


def plain(text: str, limit: int = 200) -> str:
    """The text without markup, cut to ``limit`` characters (for summaries)."""
    flat = _INLINE.sub(lambda m: m.group("text") or m.group("bold") or "", text)
    flat = re.sub(r"^\s*(#+|[-*]|\d{1,3}[.)])\s+", "", flat, flags=re.MULTILINE)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
