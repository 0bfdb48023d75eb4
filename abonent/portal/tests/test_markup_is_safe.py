"""Markdown-lite (W-8): staff text can never inject HTML or scripts into the website."""

from __future__ import annotations

from abonent.portal.markup import plain, render


def test_html_is_shown_as_text() -> None:
    assert render('<script>alert(1)</script> <b onclick="x">b</b>') == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=&quot;x&quot;&gt;b&lt;/b&gt;</p>"
    )


def test_only_safe_links_become_links() -> None:
    html = render(
        "[ok](https://kaspi.kz/pay) [site](/faq/?q=a&b=1) [js](javascript:alert(1)) "
        '[data](data:text/html,x) [proto](//evil.example) [quote](https://x.kz/"onmouseover=1)'
    )
    assert html == (
        '<p><a href="https://kaspi.kz/pay" rel="noopener noreferrer">ok</a> '
        '<a href="/faq/?q=a&amp;b=1">site</a> [js](javascript:alert(1)) '
        "[data](data:text/html,x) [proto](//evil.example) "
        "[quote](https://x.kz/&quot;onmouseover=1)</p>"
    )


def test_headings_lists_and_bold() -> None:
    text = "## Сроки\nпервый абзац\nвторая строка\n\n- один\n- **два**\n\n1. раз\n2. два\n\n#тег"
    assert render(text) == (
        "<h2>Сроки</h2>\n<p>первый абзац<br>вторая строка</p>\n"
        "<ul><li>один</li><li><strong>два</strong></li></ul>\n"
        "<ol><li>раз</li><li>два</li></ol>\n<p>#тег</p>"
    )


def test_link_text_is_escaped_too() -> None:
    assert render("[<img src=x>](/x/)") == '<p><a href="/x/">&lt;img src=x&gt;</a></p>'


def test_plain_drops_markup_and_cuts() -> None:
    assert plain("## A\n- [b](/x) **c**") == "A b c"
    assert plain("слово " * 10, limit=12) == "слово слово…"
