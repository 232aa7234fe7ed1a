"""SiteMemory: template lines after repeated sightings, forgetting, and bounded size."""

from __future__ import annotations

from services.clean.site_memory import SiteMemory, trustworthy_template

_FRAME = ["Home", "Sport", "Subscribe to our newsletter for the best stories of the week."]


def _observe_pages(memory: SiteMemory, site: str, pages: int) -> None:
    for number in range(pages):
        memory.observe(site, [*_FRAME, f"Article {number} says something new about topic {number}."])


def test_line_becomes_template_only_after_min_pages() -> None:
    memory = SiteMemory(min_pages=2)
    _observe_pages(memory, "example.com", 1)
    assert memory.template_lines("example.com", _FRAME) == set()
    _observe_pages(memory, "example.com", 1)
    assert memory.template_lines("example.com", [*_FRAME, "A brand new line."]) == set(_FRAME)


def test_template_is_per_site() -> None:
    memory = SiteMemory(min_pages=2)
    _observe_pages(memory, "a.example", 5)
    assert memory.template_lines("b.example", _FRAME) == set()


def test_line_seen_on_few_of_the_recent_pages_is_not_template() -> None:
    memory = SiteMemory(min_pages=2, min_share=0.3)
    memory.observe("example.com", ["Rare line."])
    memory.observe("example.com", ["Rare line."])
    for number in range(20):
        memory.observe("example.com", [f"Line {number}."])
    assert memory.template_lines("example.com", ["Rare line."]) == set()


def test_old_template_decays_away() -> None:
    memory = SiteMemory(min_pages=2, half_life_pages=5.0, min_share=0.0)
    _observe_pages(memory, "example.com", 3)
    assert "Home" in memory.template_lines("example.com", ["Home"])
    for number in range(30):  # the site's frame changed
        memory.observe("example.com", [f"New frame line {number}."])
    assert memory.template_lines("example.com", ["Home"]) == set()


def test_sites_are_capped_least_recently_seen_first() -> None:
    memory = SiteMemory(max_sites=3)
    for site in ["a", "b", "c", "a", "d"]:
        memory.observe(site, ["x"])
    assert len(memory) == 3
    assert memory.lines_known("b") == 0
    assert memory.lines_known("a") == 1


def test_lines_per_site_are_capped_keeping_the_frequent_ones() -> None:
    memory = SiteMemory(max_lines_per_site=40, min_pages=2, min_share=0.0)
    for number in range(100):
        memory.observe("example.com", ["Frame line.", f"Unique line {number}."])
    assert memory.lines_known("example.com") <= 40
    assert memory.template_lines("example.com", ["Frame line."]) == {"Frame line."}


def test_template_then_observe_matches_the_two_calls() -> None:
    one, two = SiteMemory(min_pages=2), SiteMemory(min_pages=2)
    for number in range(4):
        page = [*_FRAME, f"Story {number}."]
        expected = one.template_lines("example.com", page)
        one.observe("example.com", page)
        assert two.template_then_observe("example.com", page) == expected
    assert expected == set(_FRAME)


def test_known_article_is_not_treated_as_template() -> None:
    """A re-crawl of an article already seen keeps its prose; only short known lines go."""
    body = [
        "The harbour authority approved a plan on Tuesday to rebuild the northern breakwater after the storms.",
        "Engineers say the new structure will be two metres higher and built from heavier rock than before.",
    ]
    page = ["Home", "Sport", *body]
    assert trustworthy_template({*body, "Home"}, page) == {"Home"}
    assert trustworthy_template({"Home", "Sport"}, page) == {"Home", "Sport"}
    assert trustworthy_template(set(), page) == set()
