"""`--from`/`--to` positions, their offsets per partition, the replay plan kept in commit metadata, and naming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.ops.replay_naming import input_stage, output_topics, replay_group, stage_chain
from services.ops.replay_positions import BEGINNING, END, Position, Span, parse_position, plan_metadata, resolve, stop_from_metadata


@pytest.mark.parametrize("text", ["beginning", "earliest", " Beginning "])
def test_beginning_forms(text: str) -> None:
    assert parse_position(text) == BEGINNING


@pytest.mark.parametrize("text", ["end", "latest", "END"])
def test_end_forms(text: str) -> None:
    assert parse_position(text) == END


def test_an_integer_is_an_offset_in_every_partition() -> None:
    assert parse_position("1234") == Position("offset", offset=1234)
    assert parse_position("0") == Position("offset", offset=0)


def test_an_iso_time_with_a_zone_keeps_it() -> None:
    position = parse_position("2026-11-20T08:00:00+02:00")
    assert position.kind == "time"
    assert position.time == datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    assert position.timestamp_ms() == int(datetime(2026, 11, 20, 6, 0, tzinfo=UTC).timestamp() * 1000)


def test_z_suffix_and_naive_times_are_utc() -> None:
    assert parse_position("2026-11-20T08:00:00Z").time == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    naive = parse_position("2026-11-20T08:00:00").time
    assert naive is not None
    assert naive.utcoffset() == timedelta(0)
    assert parse_position("2026-11-20").time == datetime(2026, 11, 20, tzinfo=UTC)
    assert parse_position("2026-11-20T08:00:00-05:00").time == datetime(2026, 11, 20, 8, tzinfo=timezone(timedelta(hours=-5)))


@pytest.mark.parametrize("text", ["-5", "yesterday", "12abc", ""])
def test_anything_else_is_an_error_naming_the_forms(text: str) -> None:
    with pytest.raises(ValueError, match="beginning, end, an offset"):
        parse_position(text)


def test_only_a_time_position_has_a_timestamp() -> None:
    with pytest.raises(ValueError, match="no time"):
        BEGINNING.timestamp_ms()


def test_positions_resolve_within_the_partition() -> None:
    assert resolve(BEGINNING, 5, 20, None) == 5
    assert resolve(END, 5, 20, None) == 20
    assert resolve(Position("offset", offset=12), 5, 20, None) == 12
    assert resolve(Position("offset", offset=2), 5, 20, None) == 5, "below the earliest offset: the earliest"
    assert resolve(Position("offset", offset=99), 5, 20, None) == 20, "beyond the end: the end"


def test_a_time_resolves_to_the_first_offset_at_or_after_it_or_the_end() -> None:
    moment = parse_position("2026-11-20T08:00:00Z")
    assert resolve(moment, 0, 20, 7) == 7
    assert resolve(moment, 0, 20, None) == 20, "no record that late: nothing from this partition"


def test_the_plan_round_trips_through_commit_metadata() -> None:
    assert stop_from_metadata(plan_metadata(Span(3, 42))) == 42


@pytest.mark.parametrize("metadata", ["", "{}", '{"stop": "x"}', "not json", "[1]"])
def test_foreign_commit_metadata_is_refused(metadata: str) -> None:
    with pytest.raises(ValueError, match="not a replay plan"):
        stop_from_metadata(metadata)


def test_a_base_topic_name_gets_the_prefix_and_its_stage() -> None:
    assert input_stage("articles.raw", "p.", None) == ("p.articles.raw", "clean")
    assert input_stage("articles.clean", "p.", None) == ("p.articles.clean", "dedup")
    assert input_stage("articles.unique", "", None) == ("articles.unique", "tag")
    assert input_stage("p.articles.unique", "p.", None) == ("p.articles.unique", "tag"), "a full name is taken as is"


def test_stage_overrides_and_names_the_stage_of_other_topics() -> None:
    assert input_stage("p.articles.clean.v2", "p.", "dedup") == ("p.articles.clean.v2", "dedup")
    with pytest.raises(ValueError, match="--stage"):
        input_stage("articles.enriched", "p.", None)
    with pytest.raises(ValueError, match="unknown stage"):
        input_stage("articles.raw", "", "nope")


def test_through_runs_the_stages_in_between() -> None:
    assert stage_chain("clean", None) == ["clean"]
    assert stage_chain("clean", "tag") == ["clean", "dedup", "tag"]
    assert stage_chain("dedup", "tag") == ["dedup", "tag"]
    with pytest.raises(ValueError, match="comes before"):
        stage_chain("tag", "clean")


def test_versioned_outputs() -> None:
    topics = output_topics("p.", "v2")
    assert topics.name("articles.enriched") == "p.articles.enriched.v2"
    assert topics.input_of("dedup") == "p.articles.clean.v2"
    assert output_topics("p.", None).name("articles.dlq") == "p.articles.dlq"
    with pytest.raises(ValueError, match="output-version"):
        output_topics("p.", "v2/../x")


def test_group_names() -> None:
    now = datetime(2026, 11, 20, 8, 1, 2, tzinfo=UTC)
    assert replay_group("nf", "clean", None, now) == "nf.replay.clean.20261120T080102Z"
    assert replay_group("nf", "tag", "fix-42", now) == "nf.replay.tag.fix-42"
