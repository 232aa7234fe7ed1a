"""The chains find exactly the entries linked to a bucket, through bulk links, single links and unlinks."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from services.dedup.chains import Chains, bucket_of, buckets_of


def test_chains_match_a_dict_of_sets_under_random_links_and_unlinks() -> None:
    rng = np.random.default_rng(3)
    chains = Chains(buckets=64, entries=16)
    reference: defaultdict[int, set[int]] = defaultdict(set)
    bucket_by_entry: dict[int, int] = {}
    entries = np.arange(5000, dtype=np.int64)
    buckets = rng.integers(0, 64, size=entries.size).astype(np.int64)  # many entries a bucket: long chains
    chains.reserve(entries.size)
    chains.link(entries[:3000], buckets[:3000])  # in bulk (rounds of one entry per bucket)
    for entry in range(3000, 5000):
        chains.link(entries[entry : entry + 1], buckets[entry : entry + 1])  # one by one
    for entry, bucket in zip(entries.tolist(), buckets.tolist(), strict=True):
        reference[bucket].add(entry)
        bucket_by_entry[entry] = bucket
    for entry in rng.choice(5000, size=1500, replace=False).tolist():
        chains.unlink(entry, bucket_by_entry[entry])
        reference[bucket_by_entry[entry]].discard(entry)
    for bucket in range(64):
        assert sorted(chains.entries_at(bucket)) == sorted(reference[bucket])
    asked = np.array([5, 9, 5], dtype=np.int64)
    assert sorted(chains.walk(asked).tolist()) == sorted([*reference[5], *reference[9], *reference[5]])


def test_a_walk_with_a_stride_keeps_the_entries_of_each_position() -> None:
    chains = Chains(buckets=8, entries=64)
    bands = 4  # entries are row x bands + band
    rows = np.array([0, 1, 2], dtype=np.int64)
    for band in range(bands):
        chains.link(rows * bands + band, np.full(rows.size, 3, dtype=np.int64))  # every band of every row in bucket 3
    found = chains.walk(np.array([3, 3, 7, 3], dtype=np.int64), stride=bands)
    # position 0 keeps band 0, position 1 band 1, position 3 band 3; bucket 7 is empty
    assert sorted(found.tolist()) == sorted([0, 4, 8, 1, 5, 9, 3, 7, 11])


def test_one_key_lands_in_the_same_bucket_scalar_or_vectorised() -> None:
    keys = np.random.default_rng(5).integers(0, 2**63, size=200, dtype=np.uint64) * np.uint64(2)
    for buckets in (1, 1000, 3 * 2**20):
        assert buckets_of(keys, buckets).tolist() == [bucket_of(int(key), buckets) for key in keys.tolist()]
        assert buckets_of(keys, buckets).min() >= 0
        assert buckets_of(keys, buckets).max() < buckets
