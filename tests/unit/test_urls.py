"""canonical_url: one spelling per page."""

from __future__ import annotations

import pytest

from services.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM/News/Story", "https://example.com/News/Story"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
    ],
)
def test_normalises_scheme_host_port_and_fragment(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_drops_tracking_parameters_and_keeps_the_rest_in_order() -> None:
    url = "https://example.com/a?utm_source=x&id=7&UTM_Medium=y&fbclid=abc&page=2&gclid=z"
    assert canonical_url(url) == "https://example.com/a?id=7&page=2"


def test_keeps_the_exact_spelling_of_other_parameters() -> None:
    url = "https://example.com/search?q=a%20b+c&tag=%C3%A9&utm_campaign=x"
    assert canonical_url(url) == "https://example.com/search?q=a%20b+c&tag=%C3%A9"


def test_query_of_only_tracking_parameters_disappears() -> None:
    assert canonical_url("https://example.com/a?utm_source=x&utm_medium=y") == "https://example.com/a"


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a", "/relative/path", "example.com/a", "", "http://[::1/a", "http://example.com:99999/"]
)
def test_returns_none_for_what_is_not_an_absolute_http_url(url: str) -> None:
    assert canonical_url(url) is None
