"""The article columns keep ids and values through appends, growth, journal frames and renumbering."""

from __future__ import annotations

import numpy as np

from services.dedup.columns import NONE, ArticleColumns


def _filled(count: int) -> ArticleColumns:
    table = ArticleColumns(num_perm=8, capacity=4)  # a small capacity: grows many times
    for row in range(count):
        assert table.append(f"id-{row}-é" * (1 + row % 3)) == row
        table.story[row] = row - row % 5  # stories of five
        table.earliest[row] = table.representative[row] = row - row % 5
        table.event_time[row] = float(row)
        table.signatures[row] = row
    return table


def test_ids_and_values_survive_growth() -> None:
    table = _filled(1000)
    assert table.size == 1000
    assert table.article_id(0) == "id-0-é"
    assert table.article_id(998) == "id-998-é" * 3
    assert table.signatures[998].tolist() == [998] * 8


def test_a_frame_of_changed_and_new_rows_applied_to_an_older_copy_gives_the_same_table() -> None:
    table = _filled(300)
    copy = ArticleColumns.from_arrays(table.arrays(), num_perm=8)
    for row in range(300, 340):
        table.append(f"late-{row}")
        table.event_time[row] = float(row)
        table.story[row] = table.earliest[row] = table.representative[row] = row
        table.signatures[row] = 7
    table.event_time[10] = -1.0
    changed = np.array([10, *range(300, 340)], dtype=np.int64)
    copy.apply(table.arrays(changed))
    assert copy.size == 340
    assert [copy.article_id(row) for row in range(340)] == [table.article_id(row) for row in range(340)]
    for name, values in table.arrays().items():
        assert np.array_equal(values, copy.arrays()[name]), name


def test_keeping_some_rows_renumbers_them_and_their_story_references() -> None:
    table = _filled(20)
    keep = np.zeros(20, dtype=bool)
    keep[10:20] = True  # stories 10 and 15 stay
    kept, renumbered = table.kept(keep)
    assert kept.size == 10
    assert renumbered[:10].tolist() == [NONE] * 10
    assert renumbered[10:].tolist() == list(range(10))
    assert [kept.article_id(row) for row in range(10)] == [table.article_id(row) for row in range(10, 20)]
    assert kept.story[:10].tolist() == [0] * 5 + [5] * 5
