"""Cross-validation folds grouped by site: every page of a site falls in the same fold.

A site is the registered domain of the page's URL (`www.nbcnews.com` and `news.nbcnews.com` are one
site; `bbc.co.uk` is one site, not `co.uk`), so nothing fitted on a site's pages scores that site.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit

# Second-level labels under which country domains register names ("example.co.uk", "globo.com.br").
# A grouping key, not a public-suffix list: a miss only splits one site into subdomains.
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "gob", "go", "ne", "net", "or", "org", "nic", "mil", "ltd", "plc", "nom"})


def registered_domain(url: str | None) -> str:
    """The name a site registered ("https://edition.cnn.com/x" -> "cnn.com"); "" without a host."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [label for label in host.rstrip(".").split(".") if label]
    if len(labels) <= 2 or labels[-1].isdigit():
        return ".".join(labels)
    keep = 3 if len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _stable(site: str) -> int:
    return int.from_bytes(hashlib.blake2b(site.encode("utf-8"), digest_size=8).digest(), "big")


def site_folds(urls: Sequence[str | None], folds: int) -> list[int]:
    """The fold (0..folds-1) of each page: sites whole, folds as even in pages as sites allow.

    Deterministic: sites go, largest first and then in a fixed hash order, to the fold with the
    fewest pages so far. A page without a URL is a site of its own.
    """
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    sites = [registered_domain(url) or f"page-{index}" for index, url in enumerate(urls)]
    sizes = Counter(sites)
    if len(sizes) < folds:
        raise ValueError(f"{len(sizes)} sites cannot fill {folds} folds")
    pages_in = [0] * folds
    fold_of: dict[str, int] = {}
    for site in sorted(sizes, key=lambda name: (-sizes[name], _stable(name))):
        fold = min(range(folds), key=lambda number: (pages_in[number], number))
        fold_of[site] = fold
        pages_in[fold] += sizes[site]
    return [fold_of[site] for site in sites]
