"""Reading pages the way a browser does: what an HTML form would submit."""

from __future__ import annotations

import lxml.html
from django.contrib.messages import get_messages


def form_data(html: str, *, containing: str, **typed: str | list[str]) -> dict[str, list[str]]:
    """The values the page's POST form that has a field named `containing` would submit.

    `typed` replaces fields as a person would type into them. Checkboxes that
    are not ticked and unselected options are left out, as browsers do.
    """
    page = lxml.html.fromstring(html)
    (form,) = page.xpath(f'//form[@method="post"][.//*[@name="{containing}"]]')
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    for name, value in typed.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def field_value(html: str, name: str) -> str:
    """The value a field shows on the page (input value or textarea text)."""
    page = lxml.html.fromstring(html)
    (element,) = page.xpath(f'//*[@name="{name}"]')
    return element.value or ""


def messages_of(response) -> list[str]:
    """The messages the response's request left for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]
