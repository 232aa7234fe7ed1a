"""A page served as bytes, back to text: base64, then the charset the bytes prove or declare.

The order follows the WHATWG encoding sniffing algorithm, with the evidence of the bytes checked
at each step: a byte order mark; the HTTP charset; a <meta charset> or <meta http-equiv> declaration;
else detection (valid UTF-8, then charset-normalizer). A declaration is taken only when the bytes
decode under it without error into text that is not a mess (wrong declarations are common: servers
and templates claim iso-8859-1 or utf-8 by default); a legacy declaration is also overruled when the
bytes are valid UTF-8 with multi-byte characters (legacy text of any length is practically never
valid UTF-8 by chance).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from email.message import Message

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from services.clean.charset_labels import codec_for_label, is_utf16

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Browsers read declarations in the first 1,024 bytes; real pages put long scripts, styles or
# comments before their <meta>, so more of the head is read.
_META_SCAN_BYTES = 8192
# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x"> alike.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:+-]+)", re.IGNORECASE)
# Tolerated when nothing decodes cleanly: a page with a stray broken byte is still the page.
_MAX_REPLACED_SHARE = 0.01
# Text has no NUL and few C0 controls; binary data (an image, a PDF, UTF-16 read as bytes) has many.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_MAX_CONTROL_SHARE = 0.01
_WHITESPACE = re.compile(rb"\s+")
# charset-normalizer's "mess" of a decoding (odd symbols, mixed scripts, accents in odd places): a page
# read in the wrong legacy encoding scores above 1, the right one near 0 (measured on
# extraction-zh-dev); 0.2 is the detector's own cut-off.
_MAX_MESS = 0.2


@dataclass(frozen=True)
class DecodedPage:
    """The page's text, the codec that read it and the evidence that chose it."""

    html: str
    codec: str
    evidence: str  # "bom", "http", "meta", "utf-8" (valid UTF-8), "detected", or one of them + " (lenient)"


@dataclass(frozen=True)
class Undecodable:
    """Why the bytes are not a page we can read."""

    detail: str


def page_bytes(html_base64: str) -> bytes | Undecodable:
    """The bytes of a base64 page (standard alphabet, padded; line breaks allowed)."""
    try:
        return base64.b64decode(_WHITESPACE.sub(b"", html_base64.encode("ascii")), validate=True)
    except UnicodeEncodeError as error:
        return Undecodable(f"html_base64 is not base64: non-ASCII character at index {error.start}")
    except binascii.Error as error:
        return Undecodable(f"html_base64 is not base64: {error}")


def http_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, as written."""
    if not content_type:
        return None
    header = Message()
    header["content-type"] = content_type
    charset = header.get_param("charset")
    return charset if isinstance(charset, str) and charset.strip() else None


def meta_charset(data: bytes) -> str | None:
    """The charset a <meta> tag in the page's head declares, as written."""
    match = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _looks_like_text(text: str) -> bool:
    return "\x00" not in text and len(_CONTROL.findall(text)) <= _MAX_CONTROL_SHARE * max(1, len(text))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if _looks_like_text(text) else None


def _is_multibyte_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _declared(data: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """(codec, evidence) of every usable declaration, in the order they count."""
    declared: list[tuple[str, str]] = []
    if (label := http_charset(content_type)) and (codec := codec_for_label(label)):
        declared.append((codec, "http"))
    if (label := meta_charset(data)) and (codec := codec_for_label(label)):
        # A page that can carry an ASCII <meta> tag is not UTF-16, whatever the tag says.
        declared.append(("utf-8" if is_utf16(codec) else codec, "meta"))
    return declared


def _detected(data: bytes) -> tuple[str, str] | None:
    if _is_multibyte_utf8(data):
        return "utf-8", "utf-8"
    best = from_bytes(data).best()
    if best is None or (codec := codec_for_label(best.encoding)) is None:
        return None
    return codec, "detected"


def _lenient(data: bytes, codec: str) -> str | None:
    text = data.decode(codec, errors="replace")
    replaced = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
    return text if replaced <= _MAX_REPLACED_SHARE * max(1, len(text)) and _looks_like_text(text) else None


def decode_page(data: bytes, content_type: str | None = None) -> DecodedPage | Undecodable:
    """The page's text, decoded by the best evidence the bytes and their declarations give."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _by_bom(data[len(bom) :], codec)
    declared = _declared(data, content_type)
    good: list[DecodedPage] = []
    fits: list[tuple[float, DecodedPage]] = []
    for codec, evidence in declared:
        text = _strict(data, codec)
        if text is None or (codec != "utf-8" and _is_multibyte_utf8(data)):
            continue
        mess = mess_ratio(text, _MAX_MESS)
        if mess < _MAX_MESS:
            good.append(DecodedPage(text, codec, evidence))
        else:
            fits.append((mess, DecodedPage(text, codec, f"{evidence} (poor fit)")))
    if good:
        return _arbitrated(data, good)
    detected = _detected(data)
    if detected is not None and (text := _strict(data, detected[0])) is not None:
        return DecodedPage(text, *detected)
    if fits:
        return min(fits, key=lambda fit: fit[0])[1]
    for codec, evidence in [*declared, *([detected] if detected else [])]:
        if (text := _lenient(data, codec)) is not None:
            return DecodedPage(text, codec, f"{evidence} (lenient)")
    tried = [f"{codec} ({evidence})" for codec, evidence in declared]
    tried.append(f"{detected[0]} (detected)" if detected else "detection (no text encoding fits)")
    return Undecodable(f"{len(data)} bytes are not text in any encoding tried: {', '.join(tried)}")


def _arbitrated(data: bytes, declared: list[DecodedPage]) -> DecodedPage:
    """The first declaration, unless another one disagrees and also reads cleanly (GBK and EUC-KR
    bytes both decode under either): then the detector, limited to the declared codecs, decides."""
    if len({page.codec for page in declared}) == 1:
        return declared[0]
    best = from_bytes(data, cp_isolation=[page.codec for page in declared]).best()
    chosen = codec_for_label(best.encoding) if best is not None else None
    return next((page for page in declared if page.codec == chosen), declared[0])


def _by_bom(data: bytes, codec: str) -> DecodedPage | Undecodable:
    """A byte order mark is proof of the encoding (it outranks every declaration)."""
    if (text := _strict(data, codec)) is not None:
        return DecodedPage(text, codec, "bom")
    if (text := _lenient(data, codec)) is not None:
        return DecodedPage(text, codec, "bom (lenient)")
    return Undecodable(f"the bytes start with a {codec} byte order mark but are not {codec}")


def _same_page(left: str, right: str) -> bool:
    """Equal up to a byte order mark and line-break style, which a crawler's own decoding may change."""

    def canonical(text: str) -> str:
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    return canonical(left) == canonical(right)


def html_of(html: str | None, html_base64: str | None, content_type: str | None) -> str | Undecodable | None:
    """The page's HTML from an event's `html` and `html_base64`; None when it has neither.

    Given both, they must be the same page: which one is right cannot be known, so a disagreement
    is refused rather than one of them silently dropped.
    """
    if not (html_base64 and html_base64.strip()):
        return html
    data = page_bytes(html_base64)
    if isinstance(data, Undecodable):
        return data
    decoded = decode_page(data, content_type)
    if isinstance(decoded, Undecodable):
        return decoded
    if not (html and html.strip()):
        return decoded.html
    if not _same_page(html, decoded.html):
        return Undecodable(f"html and html_base64 (read as {decoded.codec}, by {decoded.evidence}) hold different pages")
    return html
