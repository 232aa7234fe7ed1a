"""A compact multimap from LSH band keys to entry numbers: numpy open addressing plus an overflow dict.

A Python dict of band keys costs ~170 bytes per band per article (key object, list, slot); with 64
bands that dominated the in-process state. Here a band key is 4 bytes (a 32-bit mix of band number
and band values) and its first entry number 4 more, at a load factor between 1/3 and 1/2. Further
entries under a key already present (copies of one story share most keys) go to a small dict, so
the probe runs stay short. A 32-bit key can collide; that only adds a candidate, which the
signature comparison then rejects.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from services.dedup.minhash import distinct

_EMPTY = -1
_TOMBSTONE = -2  # a removed key: lookups probe past it, inserts may reuse it
_MIN_CAPACITY = 1024
_WINDOW = 8  # positions examined per key per numpy step

Keys = npt.NDArray[np.uint32]
Slots = npt.NDArray[np.int32]
Positions = npt.NDArray[np.intp]


class BandTable:
    """Pairs (band key, entry number); several entries may share a key (similar articles)."""

    def __init__(self, capacity: int = _MIN_CAPACITY) -> None:
        self._keys: Keys = np.zeros(capacity, dtype=np.uint32)
        self._slots: Slots = np.full(capacity, _EMPTY, dtype=np.int32)
        self._used = 0  # positions not EMPTY: live keys and tombstones
        self._live = 0
        self._overflow: dict[int, list[int]] = {}  # key -> entries after the first, in insertion order

    @property
    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._slots.nbytes)

    def add(self, keys: Keys, slot: int) -> None:
        """Pair entry `slot` with each of `keys`."""
        keys = distinct(keys)
        present = self._positions(keys) >= 0
        for key in keys[present].tolist():
            self._overflow.setdefault(key, []).append(slot)
        fresh = keys[~present]
        if (self._used + fresh.size) * 2 > self._keys.size:
            self._rebuild(self._live + fresh.size)
        self._place(fresh, np.full(fresh.size, slot, dtype=np.int32))
        self._live += fresh.size

    def load(self, keys: npt.NDArray[np.uint32], slots: Slots) -> None:
        """Pair every entry `slots[i]` with the keys of row `keys[i]`, into an empty table, in one vectorised pass.

        Entries are paired in the order given, as repeated `add` calls would: the first entry under a key
        takes the table position, later ones go to the overflow in order.
        """
        rows = np.repeat(np.arange(slots.size, dtype=np.uint64), keys.shape[1])
        pairs = distinct((keys.ravel().astype(np.uint64) << np.uint64(32)) | rows)  # sorted by key, then entry order
        flat_keys = (pairs >> np.uint64(32)).astype(np.uint32)
        flat_slots = slots[(pairs & np.uint64(0xFFFFFFFF)).astype(np.intp)]
        first = np.ones(flat_keys.size, dtype=bool)
        first[1:] = flat_keys[1:] != flat_keys[:-1]
        fresh = flat_keys[first]
        self._rebuild(fresh.size)
        self._place(fresh, flat_slots[first].astype(np.int32))
        self._live += fresh.size
        for key, slot in zip(flat_keys[~first].tolist(), flat_slots[~first].tolist(), strict=True):
            self._overflow.setdefault(key, []).append(slot)

    def find(self, keys: Keys) -> Slots:
        """Entry numbers paired with any of `keys` (repeats possible, in no particular order)."""
        keys = distinct(keys)
        positions = self._positions(keys)
        present = positions >= 0
        found = self._slots[positions[present]].tolist()
        for key in keys[present].tolist():
            found.extend(self._overflow.get(key, ()))
        return np.array(found, dtype=np.int32)

    def remove(self, keys: Keys, slot: int) -> None:
        """Unpair entry `slot` from `keys`."""
        keys = distinct(keys)
        positions = self._positions(keys)
        for key, position in zip(keys.tolist(), positions.tolist(), strict=True):
            if position < 0:
                continue
            more = self._overflow.get(key)
            if self._slots[position] == slot:
                if more:
                    self._slots[position] = more.pop(0)  # the next entry under the key moves into the table
                else:
                    self._slots[position] = _TOMBSTONE
                    self._live -= 1
            elif more and slot in more:
                more.remove(slot)
            if more is not None and not more:
                del self._overflow[key]

    def _home(self, keys: Keys) -> Positions:
        return (keys.astype(np.intp) * 0x9E3779B1) % self._keys.size

    def _window(self, start: Positions) -> Positions:
        return (start[:, None] + np.arange(_WINDOW)) % self._keys.size

    def _positions(self, keys: Keys) -> Positions:
        """Per key, the position holding it, or -1: probe each key's run up to its first EMPTY."""
        result = np.full(keys.size, -1, dtype=np.intp)
        key_index = np.arange(keys.size)
        start = self._home(keys)
        while key_index.size:
            window = self._window(start)
            slots = self._slots[window]
            hit = (slots >= 0) & (self._keys[window] == keys[key_index][:, None])
            found = hit.any(axis=1)
            result[key_index[found]] = window[found, hit[found].argmax(axis=1)]
            going_on = ~found & ~(slots == _EMPTY).any(axis=1)
            key_index, start = key_index[going_on], start[going_on] + _WINDOW
        return result

    def _place(self, keys: Keys, slots: Slots) -> None:
        """Put keys that are not in the table yet into the first free position of their runs."""
        start = self._home(keys)
        while keys.size:
            window = self._window(start)
            free = self._slots[window] < 0
            has_free = free.any(axis=1)
            target = window[np.arange(keys.size), free.argmax(axis=1)]
            candidates = np.flatnonzero(has_free)
            order = np.argsort(target[candidates], kind="stable")  # one key per free position per round: the first
            runs = target[candidates][order]
            starts = np.ones(runs.size, dtype=bool)
            starts[1:] = runs[1:] != runs[:-1]
            chosen = candidates[order[starts]]
            self._used += int(np.count_nonzero(self._slots[target[chosen]] == _EMPTY))
            self._keys[target[chosen]] = keys[chosen]
            self._slots[target[chosen]] = slots[chosen]
            rest = np.ones(keys.size, dtype=bool)
            rest[chosen] = False
            # a key that lost a free position to another retries from it; one with no free position skips the window
            start = np.where(has_free, target, start + _WINDOW)[rest]
            keys, slots = keys[rest], slots[rest]

    def _rebuild(self, live: int) -> None:
        """Re-insert the live keys into a table sized for a load of 1/3 (it grows again at 1/2), dropping tombstones."""
        capacity = max(_MIN_CAPACITY, live * 3)
        alive = self._slots >= 0
        keys, slots = self._keys[alive], self._slots[alive]
        self._keys = np.zeros(capacity, dtype=np.uint32)
        self._slots = np.full(capacity, _EMPTY, dtype=np.int32)
        self._used = 0
        self._place(keys, slots)
