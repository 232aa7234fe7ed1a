"""headline: the page title on the first line and its repeat above the body."""

from __future__ import annotations

from services.clean.headline import find_repeat, headline_core, matches_headline, reads_as_headline


def test_reads_as_headline() -> None:
    assert reads_as_headline("Council approves new bridge over the Elbe")
    assert not reads_as_headline("The council approved a new bridge, officials said.")
    assert not reads_as_headline("Menu")


def test_headline_core_drops_the_site_name() -> None:
    assert headline_core("Council approves new bridge over the Elbe | City News") == "Council approves new bridge over the Elbe"
    assert headline_core("Council approves bridge - The Daily Example") == "Council approves bridge"


def test_matches_allow_small_edits_but_not_other_headlines() -> None:
    assert matches_headline("Council approves new bridge over the Elbe river", "Council approves new bridge over the Elbe")
    assert not matches_headline("Council rejects new budget", "Council approves new bridge over the Elbe")


def test_find_repeat_returns_the_first_repeat_after_start() -> None:
    lines = ["Council approves new bridge - City News", "Home", "Politics", "Council approves new bridge", "The council voted..."]
    assert find_repeat(lines, lines[0]) == 3
    assert find_repeat(lines, lines[0], start=4) is None
