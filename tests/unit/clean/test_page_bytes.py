"""Pages served as bytes: every legacy encoding read right, wrong declarations overruled, bad bytes refused with a reason."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from services.clean import CleanStage
from services.clean.charset_labels import codec_for_label
from services.clean.page_bytes import DecodedPage, Undecodable, decode_page, html_of, meta_charset, page_bytes
from services.messages import CleanArticle, RawArticle
from services.stage import Rejection

# Written for these tests: short news paragraphs in the scripts whose legacy encodings are still served.
JAPANESE = "東京都は月曜日、新しい自転車専用道路の建設計画を発表した。完成は二〇二八年の予定で、通勤時間の短縮が期待されている。"
KOREAN = "서울시는 월요일 새로운 자전거 전용 도로 건설 계획을 발표했다. 완공은 2028년 예정이며 출퇴근 시간 단축이 기대된다."
RUSSIAN = "Городской совет в понедельник объявил о строительстве новых велосипедных дорожек. Работы завершатся в 2028 году."
# 镕 and 喆 are GBK characters outside GB2312: pages declared gb2312 carry them all the time.
CHINESE = "市政府周一宣布新建自行车专用道的计划，朱镕基和陈喆出席了发布会。工程预计于二〇二八年完工，有望缩短通勤时间。"


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>News</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "codec", "label"),
    [
        (JAPANESE, "shift_jis", "Shift_JIS"),
        (JAPANESE + "①髙", "cp932", "shift_jis"),  # NEC and IBM extensions that pages labelled Shift_JIS carry
        (KOREAN + "똠", "cp949", "euc-kr"),  # a UHC syllable outside EUC-KR proper
        (RUSSIAN, "cp1251", "windows-1251"),
        (CHINESE, "gbk", "gb2312"),
        (CHINESE, "gb18030", "GBK"),
    ],
)
def test_the_http_charset_reads_legacy_pages_with_the_superset_the_label_stands_for(body: str, codec: str, label: str) -> None:
    html = _page(body)
    decoded = decode_page(html.encode(codec), f"text/html; charset={label}")
    assert isinstance(decoded, DecodedPage)
    assert decoded.html == html
    assert decoded.evidence == "http"


@pytest.mark.parametrize(
    ("body", "codec", "tag"),
    [
        (JAPANESE, "cp932", '<meta charset="shift_jis">'),
        (KOREAN, "cp949", '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'),
        (RUSSIAN, "cp1251", "<META HTTP-EQUIV='content-type' CONTENT='text/html; charset=windows-1251'>"),
        (CHINESE, "gbk", '<meta http-equiv="content-type" content="text/html; charset=gb2312">'),
    ],
)
def test_a_meta_declaration_reads_the_page_without_an_http_charset(body: str, codec: str, tag: str) -> None:
    html = _page(body, tag)
    decoded = decode_page(html.encode(codec), "text/html")
    assert isinstance(decoded, DecodedPage)
    assert (decoded.html, decoded.evidence) == (html, "meta")


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8")])
def test_a_byte_order_mark_outranks_every_declaration(bom: bytes, codec: str) -> None:
    html = _page(CHINESE, '<meta charset="gb2312">')
    decoded = decode_page(bom + html.encode(codec), "text/html; charset=iso-8859-1")
    assert isinstance(decoded, DecodedPage)
    assert (decoded.html, decoded.evidence) == (html, "bom")


@pytest.mark.parametrize(
    ("body", "codec", "wrong_label"),
    [
        (CHINESE, "utf-8", "iso-8859-1"),  # the server default: UTF-8 bytes overrule a legacy claim
        (RUSSIAN, "utf-8", "windows-1251"),
        (CHINESE, "gbk", "utf-8"),  # GBK bytes are not UTF-8: the <meta> tag is next
        (JAPANESE, "cp932", "windows-1251"),  # decodes without error, but into a mess
        (KOREAN, "cp949", "gbk"),  # both decode cleanly: the detector decides between the two declarations
    ],
)
def test_a_wrong_http_charset_is_overruled_by_the_bytes(body: str, codec: str, wrong_label: str) -> None:
    right_label = {"utf-8": "utf-8", "gbk": "gbk", "cp932": "shift_jis", "cp949": "euc-kr"}[codec]
    html = _page(body * 3, f'<meta charset="{right_label}">')
    decoded = decode_page(html.encode(codec), f"text/html; charset={wrong_label}")
    assert isinstance(decoded, DecodedPage)
    assert decoded.html == html
    assert decoded.evidence != "http"


@pytest.mark.parametrize(
    ("body", "codec"),
    [(CHINESE, "gb18030"), (CHINESE, "utf-8"), (JAPANESE, "cp932"), (KOREAN, "cp949"), (RUSSIAN, "cp1251"), (KOREAN, "utf-8")],
)
def test_without_any_charset_the_encoding_is_detected(body: str, codec: str) -> None:
    html = _page(body * 4)
    decoded = decode_page(html.encode(codec), None)
    assert isinstance(decoded, DecodedPage)
    assert decoded.html == html
    assert decoded.evidence in {"utf-8", "detected"}


def test_a_utf8_page_with_one_broken_byte_is_still_read() -> None:
    html = _page(CHINESE * 3, '<meta charset="utf-8">')
    data = html.encode("utf-8")
    cut = data.index("发布会".encode())
    decoded = decode_page(data[:cut] + data[cut + 1 :], "text/html; charset=utf-8")
    assert isinstance(decoded, DecodedPage)
    assert decoded.evidence.endswith("(lenient)")
    assert "\ufffd" in decoded.html
    assert decoded.html.count("发布会") == 2  # of 3: the rest of the page is intact


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 40,  # binary noise
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200)) * 10,
        b"<html>" + b"\x00\x01\x02\x03" * 500,
    ],
)
def test_bytes_that_are_no_text_are_undecodable_with_a_reason(data: bytes) -> None:
    result = decode_page(data, "text/html; charset=utf-8")
    assert isinstance(result, Undecodable)
    assert "not text in any encoding" in result.detail
    assert "utf-8 (http)" in result.detail


def test_invalid_base64_is_undecodable_and_says_why() -> None:
    assert isinstance(page_bytes("PGh0bWw+"), bytes)
    assert page_bytes("PGh0\nbWw+\n") == b"<html>"  # MIME-style line breaks are allowed
    for bad in ("PGh0bWw", "<html>", "PGh0bWw+é"):
        result = page_bytes(bad)
        assert isinstance(result, Undecodable), bad
        assert result.detail.startswith("html_base64 is not base64")


def test_html_and_html_base64_must_hold_the_same_page() -> None:
    html = _page(CHINESE, '<meta charset="gbk">')
    encoded = base64.b64encode(html.encode("gbk")).decode()
    assert html_of(html, encoded, None) == html
    assert html_of(html.replace("\n", "\r\n"), encoded, None) == html.replace("\n", "\r\n")
    assert html_of(None, encoded, None) == html
    assert html_of(html, None, None) == html
    conflict = html_of(_page(JAPANESE), encoded, None)
    assert isinstance(conflict, Undecodable)
    assert "html and html_base64" in conflict.detail
    assert "gb18030" in conflict.detail


def test_charset_labels_follow_the_web_standard() -> None:
    assert codec_for_label("ISO-8859-1") == codec_for_label("us-ascii") == "cp1252"
    assert codec_for_label(" gb2312 ") == codec_for_label("x-gbk") == "gb18030"
    assert codec_for_label("ks_c_5601-1987") == "cp949"
    assert codec_for_label("utf_8") == "utf-8"
    assert codec_for_label("iso-2022-kr") is None  # the standard's "replacement": never decoded
    assert codec_for_label("no-such-charset") is None
    assert meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GBK">') == "GBK"
    assert meta_charset(b"<p>charset=gbk</p>") is None


def _raw(**fields: str) -> RawArticle:
    return RawArticle.model_validate({"id": "p1", "fetched_at": "2026-11-20T08:00:00Z", **fields})


RUSSIAN_STORY = " ".join(
    [
        "Городской совет в понедельник одобрил план строительства новых велосипедных дорожек в центре города.",
        "По словам мэра, работы начнутся весной и завершатся к концу 2028 года, а стоимость составит два миллиарда рублей.",
        "Жители северных районов давно просили о безопасных маршрутах до станций метро и школ.",
        "Противники проекта считают, что дорожки сократят число мест для парковки на главных улицах.",
    ]
)


def test_the_clean_stage_reads_a_base64_page_like_the_same_html() -> None:
    head = "<meta charset='windows-1251'><title>Велодорожки</title>"
    html = f"<html><head>{head}</head><body><article><p>{RUSSIAN_STORY}</p></article></body></html>"
    stage = CleanStage(site_learning=False)
    from_bytes, from_text = stage.process(
        [_raw(html_base64=base64.b64encode(html.encode("cp1251")).decode(), content_type="text/html"), _raw(html=html)]
    )
    assert isinstance(from_bytes, CleanArticle), from_bytes
    assert isinstance(from_text, CleanArticle), from_text
    assert from_bytes.body == from_text.body
    assert "велосипедных дорожек" in from_bytes.body


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"html_base64": "not base64!"}, "html_base64 is not base64"),
        ({"html_base64": base64.b64encode(bytes(range(256)) * 8).decode()}, "not text in any encoding"),
        ({"html_base64": base64.b64encode(b"<p>one page</p>").decode(), "html": "<p>another page</p>"}, "hold different pages"),
    ],
)
def test_the_clean_stage_dead_letters_undecodable_pages(fields: dict[str, str], detail: str) -> None:
    (result,) = CleanStage().process([_raw(**fields)])
    assert isinstance(result, Rejection)
    assert result.reason == "undecodable"
    assert detail in result.detail


@pytest.mark.data
def test_the_served_bytes_of_every_chinese_page_decode_to_the_event_html(shared_data: Path) -> None:
    """extraction-zh-dev's original/ holds the pages as served (GB2312/GBK declared, UTF-8, some with no declaration)."""
    folder = shared_data / "extraction-zh-dev"
    events = [json.loads(line) for line in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(events) == 20
    for content_type in (None, "text/html; charset=iso-8859-1", "text/html; charset=utf-8"):
        for event in events:
            decoded = decode_page((folder / "original" / f"{event['id']}.html").read_bytes(), content_type)
            assert isinstance(decoded, DecodedPage), (event["id"], decoded)
            assert decoded.html == event["html"], (event["id"], content_type, decoded.codec, decoded.evidence)


def test_the_encoded_seed_pages_come_out_in_their_own_script(seeds_dir: Path) -> None:
    lines = (seeds_dir / "encoded-pages.jsonl").read_text(encoding="utf-8").splitlines()
    raws = [RawArticle.model_validate(json.loads(line)) for line in lines]
    results = dict(zip([raw.id for raw in raws], CleanStage().process(raws), strict=True))
    rejected = results.pop("image-not-page")
    assert isinstance(rejected, Rejection)
    assert rejected.reason == "undecodable"
    expected = {"zarechye-bridge": "пешеходный мост", "busan-coastal-walk": "해안 산책로", "annecy-piscine": "rénovation énergétique"}
    expected["weissenfels-cafe"] = "„Ich bin froh, dass das Café in der Stadt bleibt“"
    expected["linjiang-old-town"] = "副市长陈喆在新闻发布会上表示"  # 喆 is GBK, outside the declared GB2312
    expected["kanazawa-bus"] = "運転手不足で減便が続く中"
    for event_id, phrase in expected.items():
        article = results[event_id]
        assert isinstance(article, CleanArticle), (event_id, article)
        assert phrase in article.body, event_id
        assert "\ufeff" not in article.body


def test_any_bytes_and_any_content_type_give_a_page_or_a_reason() -> None:
    import random  # noqa: PLC0415 - only this test needs a generator

    rng = random.Random(7)  # noqa: S311 - reproducible inputs, not a secret
    labels = [None, "", "text/html", "text/html; charset=", "text/html; charset=utf-16", "charset=x-user-defined"]
    labels.append('text/html; charset="gbk')
    samples = [JAPANESE.encode("cp932"), KOREAN.encode("cp949"), RUSSIAN.encode("utf-16"), CHINESE.encode("gb18030")]
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
        if rng.random() < 0.5:
            sample = rng.choice(samples)
            cut = rng.randrange(len(sample))
            tag = b"<meta charset=" + rng.choice([b"utf-8", b"gbk", b"shift_jis", b"bogus"]) + b">"
            data = tag + sample[:cut] + data[:8] + sample[cut:]
        result = decode_page(data, rng.choice(labels))
        assert isinstance(result, DecodedPage | Undecodable)
        if isinstance(result, DecodedPage):
            assert "\x00" not in result.html
        else:
            assert result.detail
