"""The tagger's cheaper paths decide exactly what the straightforward versions decided, on random text.

Each reference below is the plain form of the rule (a regex per document, every line counted, every
pair of names compared); the stage uses a faster form, and the two must agree everywhere.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter

import pytest

from services.tag.backend import Mention
from services.tag.canonical import _initials, _roots
from services.tag.consistency import _occurrences, harmonise_labels
from services.tag.places import PlaceCodes
from services.tag.salience import in_title
from services.tag.spaces import single_spaced
from services.tag.spans import tidy, tidy_by_passes
from services.tag.truecase import is_shouting

# Words that exercise the edges: word characters that are not letters (digits, "_"), non-ASCII letters,
# case pairs outside ASCII (Kelvin sign, long s, dotted I), punctuation glued to words, country names.
_WORDS = [
    "Sergey", "Lavrov", "Sergey Lavrov", "North", "Korea", "North Korea", "United", "States", "the", "The", "of",
    "U.S.", "US", "us", "UK", "EU", "European", "Union", "European Union", "Bank", "of", "France", "Banque",
    "Kim", "Kim.", "KIM", "LONDON", "MOSCOW", "Reuters", "said", "on", "Tuesday", "a_b", "x1", "42", "1996-08-30",
    "Zürich", "ZÜRICH", "Škoda", "İstanbul", "\u212aelvin", "ſtate", "Σ", "(", ")", "-", ",", ".", "'s", "Côte d'Ivoire",
    "Bosnia and Herzegovina", "Washington", "Washington Post", "Post", "Guinea", "Chad", "Jordan", "AB", "Alpha Beta",
]  # fmt: skip


def _text(rng: random.Random, words: int) -> str:
    pieces = []
    for _ in range(words):
        pieces.append(rng.choice(_WORDS))
        pieces.append(rng.choice([" ", " ", " ", "\n", "  ", "", ", "]))
    return "".join(pieces)


def _occurrences_by_regex(text: str, forms: list[str]) -> list[tuple[int, int]]:
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    if not ordered:
        return []
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, ordered))})(?!\w)")
    return [(m.start(), m.end()) for m in pattern.finditer(text) if not re.compile(r" [A-Z]").match(text, m.end())]


@pytest.mark.parametrize("seed", range(40))
def test_occurrences_are_the_alternation_regex_matches(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    text = _text(rng, 120)
    forms = list({rng.choice(_WORDS) for _ in range(rng.randint(0, 12))} | {"_b", "1", "ab"})
    assert list(_occurrences(text, forms)) == _occurrences_by_regex(text, forms)


def _shouting_by_counting(line: str) -> bool:
    letters = re.findall(r"[^\W\d_]", line)
    upper = sum(1 for ch in letters if ch.isupper())
    words = re.findall(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?", line)
    return len(letters) >= 5 and upper >= 0.9 * len(letters) and any(len(w) >= 4 for w in words)


@pytest.mark.parametrize("seed", range(40))
def test_shouting_lines_are_those_the_full_count_finds(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    for _ in range(50):
        line = _text(rng, rng.randint(1, 12)).replace("\n", " ")
        for candidate in (line, line.upper(), line.upper() + " said", line.title()):
            assert is_shouting(candidate) == _shouting_by_counting(candidate), candidate


@pytest.mark.parametrize("lower", range(6))
def test_shouting_at_the_threshold_is_decided_by_the_count(lower: int) -> None:
    # Near 90% upper case the quick test of common lower-case letters must leave the decision to the count.
    for upper in range(5, 40):
        for padding in ("", " ", " 12", "  -- 1996"):
            line = "REUTERS" + "A" * upper + "e" * lower + padding
            assert is_shouting(line) == _shouting_by_counting(line), line


def _in_title_by_regex(title: str | None, names: set[str]) -> bool:
    if not title:
        return False
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", title, 0 if len(name) <= 3 else re.IGNORECASE) for name in names)


@pytest.mark.parametrize("seed", range(40))
def test_names_in_a_title_are_those_the_regex_finds(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    for _ in range(30):
        title = _text(rng, rng.randint(0, 8)).replace("\n", " ")
        title = rng.choice([title, title.upper(), title.lower(), title.title()])
        names = {rng.choice(_WORDS) for _ in range(rng.randint(1, 4))}
        assert in_title(title, names) == _in_title_by_regex(title, names), (title, names)


def _contains(longer: str, shorter: str, kind: str) -> bool:
    long_words, short_words = longer.split(), shorter.split()
    if len(short_words) < len(long_words):
        span = len(short_words)
        if any(long_words[i : i + span] == short_words for i in range(len(long_words) - span + 1)):
            return kind in {"PERSON", "ORG"}
    return kind == "ORG" and shorter.isupper() and len(shorter) > 1 and _initials(long_words) == shorter


def _roots_by_every_pair(keys_in_order: list[str], kind: str) -> dict[str, str]:
    first_seen = {key: index for index, key in reversed(list(enumerate(keys_in_order)))}
    distinct = sorted(first_seen, key=lambda k: (-len(k.split()), first_seen[k]))
    root: dict[str, str] = {}
    for key in distinct:
        candidates = [other for other in root if root[other] == other and _contains(other, key, kind)]
        before = [c for c in candidates if first_seen[c] <= first_seen[key]]
        if before:
            root[key] = max(before, key=lambda c: first_seen[c])
        elif candidates:
            root[key] = min(candidates, key=lambda c: first_seen[c])
        else:
            root[key] = key
    return root


@pytest.mark.parametrize("kind", ["PERSON", "ORG", "PLACE", "NORP"])
@pytest.mark.parametrize("seed", range(25))
def test_each_name_gets_the_root_that_comparing_every_pair_gives(kind: str, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    names = [w for w in _WORDS if w.strip() and w not in {"(", ")", "-", ",", "."}] + ["Sergey Viktorovich Lavrov", "E U", "EUB"]
    keys = [rng.choice(names) for _ in range(rng.randint(1, 30))]
    assert _roots(keys, kind) == _roots_by_every_pair(keys, kind)


def _country_names_by_trying_every_span(places: PlaceCodes, text: str) -> list[tuple[int, int]]:
    ambiguous = {"jordan", "chad", "georgia", "jersey", "guinea", "niger", "dominica"}
    run_pattern = re.compile(r"(?<![\w.])[A-Z][\w'.-]*(?:[ ](?:(?:of|and|the)[ ])?[A-Z][\w'.-]*)*")
    spans: list[tuple[int, int]] = []
    for run in run_pattern.finditer(text):
        words = [(w.start() + run.start(), w.end() + run.start()) for w in re.finditer(r"\S+", run.group())]
        index = 0
        while index < len(words):
            for size in range(min(5, len(words) - index), 0, -1):
                start, end = words[index][0], words[index + size - 1][1]
                name = text[start:end].rstrip(".")
                if places.is_country_name(name) and name.lower() not in ambiguous:
                    spans.append((start, start + len(name)))
                    index += size
                    break
            else:
                index += 1
    return spans


@pytest.fixture(scope="module")
def places() -> PlaceCodes:
    return PlaceCodes()


@pytest.mark.parametrize("seed", range(40))
def test_country_names_are_those_every_span_finds(places: PlaceCodes, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    text = _text(rng, 150)
    found = places.find_country_names(text)
    assert found == _country_names_by_trying_every_span(places, text)
    assert Counter(text[start:end] for start, end in found)  # the vocabulary holds country names: some are found


def test_whitespace_a_printable_string_can_hold_is_the_space_alone() -> None:
    # single_spaced returns printable text without doubled or outer spaces as it is, on this ground.
    assert [hex(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) != " " and chr(c).isprintable()] == []


@pytest.mark.parametrize("seed", range(40))
def test_single_spaced_is_the_whitespace_regex(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    for _ in range(50):
        text = _text(rng, rng.randint(0, 6)) + rng.choice(["", " ", "\t", "\u00a0", "\n "])
        assert single_spaced(text) == re.sub(r"\s+", " ", text).strip(), text


@pytest.mark.parametrize("seed", range(40))
def test_plain_spans_are_tidied_as_the_passes_tidy_them(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    text = _text(rng, 80) + " the Union 's 12 - Škoda 3:1 tHe x"
    for _ in range(200):
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randint(0, 30))
        mention = Mention(text[start:end], rng.choice(["PERSON", "ORG", "PRODUCT", "DATE"]), start, end)
        assert tidy(mention, text) == tidy_by_passes(mention, text), mention


@pytest.mark.parametrize("seed", range(40))
def test_labels_are_harmonised_by_the_majority_counter_picks(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
    surfaces = ["Kim", "Paris", "Lyon", "EDF", "Pirelli SpA", "Sergey Lavrov", "Lavrov"]
    mentions = [Mention(rng.choice(surfaces), rng.choice(["PERSON", "ORG", "GPE"]), i, i + 1) for i in range(rng.randint(0, 25))]
    votes: dict[str, Counter[str]] = {}
    for mention in mentions:
        votes.setdefault(mention.text, Counter())[mention.label] += 1
    expected = {text: counts.most_common(1)[0][0] for text, counts in votes.items()}
    for mention in harmonise_labels(mentions):
        if mention.text in expected and mention.text not in {"Lavrov", "Pirelli", "Pirelli SpA"}:
            assert mention.label == expected[mention.text], (mentions, mention)
