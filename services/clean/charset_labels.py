"""Charset labels to Python codecs, the way browsers read them (the WHATWG Encoding standard)."""

from __future__ import annotations

import codecs

import webencodings

# Python codecs that are strict subsets of what pages labelled with them really hold. The WHATWG
# standard decodes these labels with the superset: pages declared gb2312 use GBK characters,
# Shift_JIS pages use Microsoft's cp932 extensions, EUC-KR pages use cp949 (UHC), and so on.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",  # the standard's GBK decoder is its gb18030 decoder
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    "latin_1": "cp1252",  # iso-8859-1 and us-ascii are labels of windows-1252
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
}


def _superset(codec_name: str) -> str:
    canonical = codecs.lookup(codec_name).name
    return _SUPERSETS.get(canonical.replace("-", "_"), _SUPERSETS.get(canonical, canonical))


def codec_for_label(label: str) -> str | None:
    """The Python codec that decodes text labelled `label` (a charset from HTTP, <meta> or a detector).

    A WHATWG label maps to its standard encoding; other names Python knows (cp949, utf_8) are taken
    as Python reads them. Either way the superset a label stands for in practice is returned, or
    None for a label nobody knows.
    """
    label = label.strip().strip("\"'").strip()
    if not label:
        return None
    encoding = webencodings.lookup(label) or webencodings.lookup(label.replace("_", "-"))
    if encoding is not None:
        # "replacement" stands for labels the standard refuses to decode (iso-2022-kr, ...);
        # x-user-defined maps bytes to private-use characters: neither is text.
        if encoding.name in {"replacement", "x-user-defined"}:
            return None
        return _superset(encoding.codec_info.name)
    try:
        return _superset(label)
    except LookupError:
        return None


def is_utf16(codec_name: str) -> bool:
    """Whether a codec reads UTF-16: a <meta> tag cannot be read in it, so such a declaration means UTF-8."""
    return codecs.lookup(codec_name).name.startswith("utf-16")
