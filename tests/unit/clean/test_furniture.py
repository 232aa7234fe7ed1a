"""furniture: captions, bylines, datelines and calls to action, but not prose or tables."""

from __future__ import annotations

import re

import pytest

from services.clean.furniture import is_dateline, is_furniture

_WORD = re.compile(r"\w+")


def _furniture(line: str) -> bool:
    folded = line.casefold()
    return is_furniture(folded, _WORD.findall(folded), sentence_end=line.rstrip().endswith((".", "!", "?")))


@pytest.mark.parametrize(
    "line",
    [
        "Vicente Aguiar loads garage door trims outside a Home Depot in Hialeah, Fla. (AP Photo/Alan Diaz, File)",
        "Roughly 13,000 US troops remain in Afghanistan [File: Reuters]",
        "A cyclist rides next to a blocked plant in La Paz. \u00a9 Reuters / David Mercado",
        "Image copyright Getty Images",
        "Natalie Naccache | Bloomberg | Getty Images",
        "By Phil Helsel",
        "Von Anna Schmidt und Peter Braun",
        "Nov. 19, 2019, 8:41 AM UTC",
        "Updated 20 Nov 2019 08:00 GMT",
        "Get breaking news alerts delivered to your inbox every morning.",
        "Subscribe to our newsletter and never miss a story.",
        "Click here to turn on notifications.",
        "Clique na imagem acima e veja o ranking dos pilotos.",
    ],
)
def test_recognises_furniture(line: str) -> None:
    assert _furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "By the time the ferry arrived, most of the passengers had already left the harbour.",
        "Reuters reported on Tuesday that the talks had stalled.",
        "Die elektronische Patientenakte (ePA)",
        "The streaming service now has 10 million subscribers, the company said.",
        "1 Kyle Busch 5040 5 1 17 27",
    ],
)
def test_leaves_prose_and_tables_alone(line: str) -> None:
    assert not _furniture(line)


def test_dateline_needs_a_calendar_word() -> None:
    assert is_dateline(["20", "nov", "2019"])
    assert not is_dateline(["20", "30", "2019"])
    assert not is_dateline([])
