"""The band table finds exactly the entries paired with a key, through growth, shared keys and removals."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from services.dedup.band_table import BandTable


def test_band_table_matches_a_dict_of_sets_under_random_adds_and_removes() -> None:
    rng = np.random.default_rng(7)
    table = BandTable()
    reference: defaultdict[int, set[int]] = defaultdict(set)
    live: dict[int, np.ndarray] = {}
    for slot in range(3000):
        if live and rng.random() < 0.3:
            gone = int(rng.choice(list(live)))
            keys = live.pop(gone)
            table.remove(keys, gone)
            for key in keys.tolist():
                reference[key].discard(gone)
        else:
            keys = rng.integers(0, 2000, size=16, dtype=np.uint32)  # small key space: many shared keys
            table.add(keys, slot)
            live[slot] = keys
            for key in keys.tolist():
                reference[key].add(slot)
        if slot % 100 == 0:
            query = rng.integers(0, 2000, size=16, dtype=np.uint32)
            expected = set().union(*(reference[key] for key in query.tolist()))
            assert set(table.find(query).tolist()) == expected


def test_removed_entry_is_not_found_and_the_next_one_under_its_key_is() -> None:
    table = BandTable()
    keys = np.array([1, 2, 3], dtype=np.uint32)
    table.add(keys, 10)
    table.add(keys, 11)
    table.remove(keys, 10)
    assert table.find(np.array([2], dtype=np.uint32)).tolist() == [11]
    table.remove(keys, 11)
    assert table.find(keys).size == 0


def test_a_bulk_load_pairs_keys_and_entries_as_repeated_adds_do() -> None:
    rng = np.random.default_rng(1)
    keys = rng.integers(0, 2**12, size=(3000, 8), dtype=np.uint32)  # a small key space: many keys shared by entries
    slots = np.arange(3000, dtype=np.int32) * 3
    added, loaded = BandTable(), BandTable()
    for row, slot in zip(keys, slots, strict=True):
        added.add(row, int(slot))
    loaded.load(keys, slots)
    for row in keys[:500]:
        assert loaded.find(row).tolist() == added.find(row).tolist()
    missing = np.array([2**12 + 5, 2**20], dtype=np.uint32)
    assert loaded.find(missing).size == 0
