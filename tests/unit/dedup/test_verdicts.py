"""What a consumer can rely on: one representative per story, no duplicate_of chains, resends and updates told apart.

Every case runs on the in-process state and on Redis: both must give the same verdicts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta

import pytest
from pydantic import BaseModel

from services.dedup import DedupStage, DedupState
from services.dedup.decision import DedupStore
from services.dedup.redis_state import RedisDedupState
from services.messages import DuplicateArticle, Lineage, UniqueArticle
from services.stage import Held, Rejection
from tests.unit.dedup.conftest import T0, article
from tests.unit.dedup.test_stage import OTHER, STORY

TWO_HOURS = timedelta(hours=2)


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[Callable[[], DedupStore]]:
    """A factory of empty stores of one kind (Redis: a fresh namespace each)."""
    if request.param == "memory":
        yield lambda: DedupState.open(None)
        return
    url = request.getfixturevalue("redis_url")
    opened: list[RedisDedupState] = []

    def make() -> DedupStore:
        state = RedisDedupState.open(url, namespace=f"test-{uuid.uuid4().hex}")
        opened.append(state)
        return state

    yield make
    for state in opened:
        state.drop()
        state.close()


def _published(results: Sequence[BaseModel | Rejection]) -> list[UniqueArticle | DuplicateArticle]:
    return [result for result in results if isinstance(result, UniqueArticle | DuplicateArticle)]


def test_copies_arriving_latest_fetched_first_are_decided_for_the_earliest_with_a_grace(store: Callable[[], DedupStore]) -> None:
    stage = DedupStage(store(), grace=TWO_HOURS)
    mirror = article("mirror", STORY, at=timedelta(hours=1, minutes=14))  # fetched 09:15 (T0 is 08:01 here)
    original = article("original", STORY.replace("tram", "Tram"), at=timedelta(0))
    first = stage.process([mirror])
    second = stage.process([original])
    assert first == [Held()]  # both wait: the watermark has not passed 08:01 + 2 h
    assert second == [Held()]
    later = stage.process([article("other", OTHER, at=timedelta(hours=3, minutes=20))])
    released = _published([*later, *stage.release()])
    verdicts = {result.id: result for result in released}
    assert isinstance(verdicts["original"], UniqueArticle)
    assert verdicts["original"].cluster_id == "original"
    copy = verdicts["mirror"]
    assert isinstance(copy, DuplicateArticle)
    assert (copy.duplicate_of, copy.cluster_id, copy.kind) == ("original", "original", "exact")
    assert later == [Held()]  # "other" waits in turn: its verdict comes with a later batch


def test_without_a_grace_the_first_arrival_represents_the_story(store: Callable[[], DedupStore]) -> None:
    stage = DedupStage(store())
    [mirror] = stage.process([article("mirror", STORY, at=timedelta(hours=1))])
    [original] = stage.process([article("original", STORY, at=timedelta(0))])
    assert isinstance(mirror, UniqueArticle)
    assert isinstance(original, DuplicateArticle)
    assert original.duplicate_of == "mirror"


def test_copies_in_one_batch_are_decided_against_each_other_earliest_first(store: Callable[[], DedupStore]) -> None:
    stage = DedupStage(store())
    results = stage.process([article("late", STORY, at=timedelta(minutes=30)), article("early", STORY, at=timedelta(0))])
    by_id = {result.id: result for result in _published(results)}
    assert isinstance(by_id["early"], UniqueArticle)
    assert isinstance(by_id["late"], DuplicateArticle)
    assert by_id["late"].duplicate_of == "early"


def test_duplicate_of_names_the_representative_never_another_copy(store: Callable[[], DedupStore]) -> None:
    """`c` only resembles `b` (a partial copy), `b` resembles `a`: `c` still points at `a`."""
    sentences = STORY.split(". ")
    b_body = ". ".join(sentences[:4]) + ". " + OTHER
    c_body = OTHER + " " + ". ".join(sentences[:2])
    stage = DedupStage(store())
    results = stage.process(
        [
            article("a", STORY, url="https://a.example/1"),
            article("b", b_body, at=timedelta(minutes=1), url="https://a.example/1"),
            article("c", c_body, at=timedelta(minutes=2), url="https://a.example/1"),
        ]
    )
    duplicates = [result for result in results if isinstance(result, DuplicateArticle)]
    assert [result.id for result in duplicates] == ["b", "c"]
    assert all(result.duplicate_of == "a" and result.cluster_id == "a" for result in duplicates)


def test_a_resend_is_published_once_and_goes_to_duplicates_as_a_resend(store: Callable[[], DedupStore]) -> None:
    stage = DedupStage(store())
    first = article("a", STORY).model_copy(update={"lineage": Lineage(topic="articles.raw", partition=0, offset=1)})
    resend = article("a", STORY.upper(), at=timedelta(minutes=5)).model_copy(
        update={"lineage": Lineage(topic="articles.raw", partition=0, offset=2)}
    )
    [one] = stage.process([first])
    [two] = stage.process([resend])
    assert isinstance(one, UniqueArticle)
    assert isinstance(two, DuplicateArticle)
    assert (two.kind, two.duplicate_of, two.cluster_id, two.revision) == ("resend", "a", "a", 1)
    assert stage.process([first]) == [one]  # a redelivery of the first event is not a resend: same verdict


def test_an_update_comes_out_as_revision_2_with_the_previous_hash(store: Callable[[], DedupStore]) -> None:
    stage = DedupStage(store())
    first = article("a", STORY).model_copy(update={"lineage": Lineage(topic="articles.raw", partition=0, offset=1)})
    corrected = article("a", STORY.replace("1.2 billion", "1.4 billion"), at=timedelta(hours=1)).model_copy(
        update={"lineage": Lineage(topic="articles.raw", partition=0, offset=2)}
    )
    [one] = stage.process([first])
    [two] = stage.process([corrected])
    assert isinstance(one, UniqueArticle)
    assert isinstance(two, UniqueArticle)
    assert (one.revision, one.previous_content_hash) == (1, None)
    assert (two.revision, two.previous_content_hash, two.cluster_id) == (2, one.content_hash, "a")
    assert two.content_hash != one.content_hash
    [three] = stage.process([article("b", STORY.replace("1.2 billion", "1.4 billion"), at=timedelta(hours=2))])
    assert isinstance(three, DuplicateArticle)
    assert (three.kind, three.duplicate_of) == ("exact", "a")  # later copies match the corrected text


def test_an_update_of_a_held_article_waits_behind_it(store: Callable[[], DedupStore]) -> None:
    stage = DedupStage(store(), grace=TWO_HOURS)
    first = article("a", STORY).model_copy(update={"lineage": Lineage(topic="articles.raw", partition=0, offset=1)})
    corrected = article("a", STORY + " Corrected.", at=timedelta(minutes=10)).model_copy(
        update={"lineage": Lineage(topic="articles.raw", partition=0, offset=2)}
    )
    assert stage.process([first, corrected]) == [Held(), Held()]
    drained = _published(stage.drain())
    assert [(result.id, result.revision) for result in drained] == [("a", 1), ("a", 2)]
    assert all(isinstance(result, UniqueArticle) for result in drained)


def test_unique_count_does_not_depend_on_batch_boundaries(store: Callable[[], DedupStore]) -> None:
    bodies = [STORY, STORY.upper(), OTHER, OTHER + " More.", STORY + " Reporting by the city desk."]
    stream = [article(f"x{index}", body, at=timedelta(minutes=index)) for index, body in enumerate(bodies)]
    whole = DedupStage(store()).process(stream)
    one_stage = DedupStage(store())
    singles = [result for item in stream for result in one_stage.process([item])]
    assert whole == singles
    assert sum(isinstance(result, UniqueArticle) for result in whole) == 2


def test_replayed_offsets_keep_their_verdicts_after_an_update(store: Callable[[], DedupStore]) -> None:
    stage = DedupStage(store())
    events = [
        article("a", STORY).model_copy(update={"lineage": Lineage(topic="articles.raw", partition=0, offset=1)}),
        article("a", STORY + " Corrected.", at=timedelta(hours=1)).model_copy(
            update={"lineage": Lineage(topic="articles.raw", partition=0, offset=2)}
        ),
    ]
    first = stage.process(events)
    assert stage.process(events) == first
    assert [getattr(result, "revision", None) for result in first] == [1, 2]


def test_origin_time_prefers_published_at_but_never_after_the_fetch(store: Callable[[], DedupStore]) -> None:
    stage = DedupStage(store(), grace=TWO_HOURS)
    syndicated = article("wire", STORY, at=timedelta(minutes=5)).model_copy(update={"published_at": T0 - timedelta(hours=1)})
    site = article("site", STORY, at=timedelta(0)).model_copy(update={"published_at": T0 + timedelta(days=1)})  # a clock error
    stage.process([site, syndicated])
    by_id = {result.id: result for result in _published(stage.drain())}
    assert isinstance(by_id["wire"], UniqueArticle)  # published an hour before the site's copy was fetched
    assert isinstance(by_id["site"], DuplicateArticle)
