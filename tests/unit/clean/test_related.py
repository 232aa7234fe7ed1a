"""related: teasers under a related-articles heading, with their source."""

from __future__ import annotations

from services.clean.related import find_related
from services.messages import RelatedItem

_SUMMARY = "The minister said on Tuesday that the talks would continue next week despite the objections raised by several members."


def test_teasers_with_source_and_time_lines() -> None:
    lines = [
        "Related Articles",
        "Russia Today",
        "2 hours ago",
        "- Russia Today",
        "Talks to continue next week",
        _SUMMARY,
        "Example Wire",
        "3 hours ago",
        "Bridge reopens after repairs",
        _SUMMARY,
    ]
    assert find_related(lines) == [
        RelatedItem(title="Talks to continue next week", source="Russia Today"),
        RelatedItem(title="Bridge reopens after repairs", source="Example Wire"),
    ]


def test_teaser_without_source() -> None:
    assert find_related(["Read more", "Talks to continue next week", _SUMMARY]) == [RelatedItem(title="Talks to continue next week")]


def test_no_heading_means_no_related_items() -> None:
    assert find_related(["Talks to continue next week", _SUMMARY]) == []


def test_heading_before_start_is_ignored_and_comments_end_the_list() -> None:
    lines = [
        "Related Articles",
        "An old teaser about the port",
        _SUMMARY,
        "Body.",
        "Related",
        "A new teaser about the port",
        _SUMMARY,
        "Comments",
        "A reader's view of the port",
        _SUMMARY,
    ]
    assert find_related(lines, start=3) == [RelatedItem(title="A new teaser about the port")]


def test_chrome_dates_and_forms_under_the_heading_are_not_teasers() -> None:
    lines = [
        "Related",
        "Log in Privacy Policy",
        _SUMMARY,
        "November 16, 2016",
        _SUMMARY,
        "Media Kit",
        _SUMMARY,
        "- November 20, 2019",
        "Join our newsletter",
    ]
    assert find_related(lines) == []


def test_a_carousel_repeating_its_teasers_gives_each_once() -> None:
    lines = ["Read more", "Talks to continue next week", _SUMMARY, "Talks to continue next week", _SUMMARY]
    assert find_related(lines) == [RelatedItem(title="Talks to continue next week")]
