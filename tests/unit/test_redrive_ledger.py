"""Ledger keys name one dead letter; the choice skips what was redriven and applies the filters."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from services.messages import DeadLetter, Lineage
from services.ops.redrive import RedriveFilter, Redriven, RedriveReport, choose, ledger_key, ledger_topic, parse_ledger_key


def _letter(reason: str, failed_at: datetime, stage: str = "clean", key: bytes | None = b"k1") -> bytes:
    return (
        DeadLetter(
            stage=stage,
            reason=reason,
            detail="d",
            original_key=base64.b64encode(key).decode() if key is not None else None,
            original_value=base64.b64encode(b"\xff raw bytes").decode(),
            lineage=Lineage(topic="p.articles.raw", partition=2, offset=7),
            failed_at=failed_at,
        )
        .model_dump_json()
        .encode()
    )


T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_ledger_keys_round_trip() -> None:
    assert ledger_key(2, 40) == "2/40"
    assert parse_ledger_key("2/40") == (2, 40)
    assert ledger_topic("p.articles.dlq") == "p.articles.dlq.redriven"


@pytest.mark.parametrize("key", ["2", "2/", "/4", "a/4", "2/4/5", "-1/4"])
def test_malformed_ledger_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="ledger key"):
        parse_ledger_key(key)


def test_negative_positions_have_no_key() -> None:
    with pytest.raises(ValueError, match="no dead letter"):
        ledger_key(-1, 0)


def test_distinct_letters_have_distinct_keys() -> None:
    keys = {ledger_key(partition, offset) for partition in range(12) for offset in range(120)}
    assert len(keys) == 12 * 120, "no (partition, offset) pairs collide, e.g. 1/11 vs 11/1"


def test_choose_skips_the_ledger_then_filters() -> None:
    records = [
        ("0/0", _letter("invalid_json", T0)),
        ("0/1", _letter("empty_body", T0)),
        ("1/0", _letter("invalid_json", T1)),
        ("1/1", b"{"),
    ]
    report = RedriveReport(dry_run=True)
    chosen = choose(records, {"0/0"}, RedriveFilter(reasons=frozenset({"invalid_json"})), report)
    assert [item.key for item in chosen] == ["1/0"]
    assert (report.already_redriven, report.filtered_out, report.unreadable) == (1, 1, 1)


def test_time_filters_are_since_inclusive_until_exclusive() -> None:
    records = [("0/0", _letter("x", T0)), ("0/1", _letter("x", T1))]
    assert [i.key for i in choose(records, set(), RedriveFilter(since=T1), RedriveReport(dry_run=True))] == ["0/1"]
    assert [i.key for i in choose(records, set(), RedriveFilter(until=T1), RedriveReport(dry_run=True))] == ["0/0"]


def test_stage_filter() -> None:
    records = [("0/0", _letter("x", T0, stage="clean")), ("0/1", _letter("x", T0, stage="tag"))]
    assert [i.key for i in choose(records, set(), RedriveFilter(stage="tag"), RedriveReport(dry_run=True))] == ["0/1"]


def test_a_redriven_letter_gives_back_its_original_key_and_bytes() -> None:
    item = Redriven("0/0", DeadLetter.model_validate_json(_letter("x", T0)))
    assert item.target == "p.articles.raw"
    assert item.original() == (b"k1", b"\xff raw bytes")
    keyless = Redriven("0/1", DeadLetter.model_validate_json(_letter("x", T0, key=None)))
    assert keyless.original() == (None, b"\xff raw bytes")


def test_the_report_counts_by_reason() -> None:
    report = RedriveReport(dry_run=False)
    report.redriven = [Redriven(f"0/{n}", DeadLetter.model_validate_json(_letter(r, T0))) for n, r in enumerate(["a", "b", "a"])]
    lines = report.lines(verbose=True)
    assert lines[0] == "redrove 3 dead letter(s)"
    assert "  a: 2" in lines
    assert "  b: 1" in lines
    assert any(line.startswith("  0/2 a clean -> p.articles.raw") for line in lines)
