"""Template source rules a page cannot check for itself."""

from __future__ import annotations

import re

from django.conf import settings

TEMPLATES = settings.BASE_DIR / "templates"
# Django's {# … #} comment ends on its own line; one that runs on is shown to the reader.
UNCLOSED_COMMENT = re.compile(r"\{#(?![^\n]*#\})")


def unclosed_comments(source: str) -> list[int]:
    """The lines where a {# comment opens without closing on the same line."""
    return [source.count("\n", 0, match.start()) + 1 for match in UNCLOSED_COMMENT.finditer(source)]


def test_no_template_has_a_comment_that_runs_over_lines():
    found = {
        str(path.relative_to(TEMPLATES)): lines
        for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
        if (lines := unclosed_comments(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "use {% comment %} for comments over several lines"


def test_the_check_sees_an_unclosed_comment_and_passes_a_closed_one():
    assert unclosed_comments("a\n{# one line #}\n{# two\nlines #}\n") == [3]
    assert unclosed_comments("{% comment %}\nx\n{% endcomment %}") == []
