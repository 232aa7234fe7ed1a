"""The tag stage: named entities with canonical names, salience and ISO codes.

`TagStage(load_backends(["en", "fr"]))` is the stage (languages: which model reads which language,
with its labels mapped onto the output labels); `worker` holds the process-pool entry points.

Per batch of bodies, per language: all-caps lines truecased (truecase) -> one batched model call
(backend, spacy_backend) -> person names made whole and spans tidied (spans), country names
labelled GPE (places), dateline places added (datelines) -> clubs in score lines made ORG (teams),
people the gazetteer knows as places made places (gazetteer) -> labels made consistent and missed
recurrences added (name_evidence, consistency) -> mentions merged under canonical names
(canonical) -> salience (salience) and the summary (summary). Each correction can be switched off
in TagOptions to measure it (`newsflow eval entities --without NAME`).
"""

from services.tag.backend import Mention, TaggerBackend
from services.tag.options import NAMED_LABELS, TagOptions
from services.tag.places import PlaceCodes
from services.tag.spacy_backend import DEFAULT_MODEL, SpacyBackend
from services.tag.stage import TagStage
from services.tag.worker import init_worker, process_batch, tag_texts

__all__ = [
    "DEFAULT_MODEL",
    "NAMED_LABELS",
    "Mention",
    "PlaceCodes",
    "SpacyBackend",
    "TagOptions",
    "TagStage",
    "TaggerBackend",
    "init_worker",
    "process_batch",
    "tag_texts",
]
