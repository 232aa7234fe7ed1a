"""body_check: articles pass; short text, code, JSON and encoded blobs do not."""

from __future__ import annotations

import base64
import json

from services.clean.body_check import is_scripts_only, rejection_detail

_ARTICLE = (
    "The council voted on Tuesday to extend the tram line to the northern suburbs by 2028. Supporters said the "
    "extension would cut commuting times, while critics said the cost of $400 million was far too high.\n\n"
    "| Line | Stops | Opening |\n| 4 | 12 | 2028 |"
)


def test_article_with_prices_and_a_table_passes() -> None:
    assert rejection_detail(_ARTICLE, min_words=20) is None


def test_too_few_words() -> None:
    assert rejection_detail("Home News Sport", min_words=20) == "3 words of article text (< 20)"


def test_minified_javascript_is_code() -> None:
    script = 'function(e,t){"object"==typeof exports&&(module.exports=t())};var n={a:1,b:[2,3]};if(n.a>0){n.b=[];}' * 10
    detail = rejection_detail(script, min_words=20)
    assert detail is not None
    assert "code" in detail


def test_json_document_is_code() -> None:
    document = json.dumps([{"id": number, "name": f"item {number}", "tags": ["a", "b"]} for number in range(50)])
    assert rejection_detail(document, min_words=20) == "looks like JSON or code (a bracketed document)"


def test_base64_and_hex_blobs_are_blobs() -> None:
    encoded = base64.b64encode(bytes(range(256)) * 20).decode()
    hexes = " ".join(f"{number:032x}" for number in range(1, 200))
    for blob in (encoded, hexes):
        detail = rejection_detail(blob, min_words=20)
        assert detail is not None
        assert "blob" in detail


def test_markdown_links_urls_and_drawn_tables_are_not_code_or_blobs() -> None:
    markdown = " ".join(
        f"See [the report][{n}] at https://www.example.com/reports/2019/annual-budget-report-{n}.html today." for n in range(20)
    )
    drawn = "The standings after the race:\n" + "\n".join("────────┬────────────┬──────────" for _ in range(10)) + "\n" + _ARTICLE
    assert rejection_detail(markdown, min_words=20) is None
    assert rejection_detail(drawn, min_words=20) is None


def test_html_of_scripts_alone_is_scripts_only() -> None:
    page = "<html><head><script>var a = 1;</script><style>p {color: red}</style></head><body><script src='x.js'></script></body></html>"
    assert is_scripts_only(page)


def test_html_with_visible_words_or_without_scripts_is_not_scripts_only() -> None:
    assert not is_scripts_only("<html><body><script>x()</script><p>Hello</p></body></html>")
    assert not is_scripts_only("<html><body></body></html>")


_CHINESE = (
    "云溪县跨江大桥于本周一正式通车。大桥全长1200米，双向四车道，并设有人行道和自行车道。此前，两岸居民只能依靠渡船往来，"
    "单程需要四十多分钟，遇到汛期还常常停航。县交通局负责人介绍，大桥总投资约8亿元，其中一半来自省级财政补助。"
)


def test_chinese_prose_is_counted_in_words_and_is_no_blob() -> None:
    # Unspaced lines are one long token each: a blob in a spaced script, prose here.
    assert rejection_detail(_CHINESE, min_words=20) is None
    assert rejection_detail(_CHINESE[:12], min_words=20) is not None  # a dozen characters is a few words


def test_a_blob_among_chinese_is_still_a_blob() -> None:
    encoded = base64.b64encode(bytes(range(256)) * 8).decode()
    detail = rejection_detail(f"{_CHINESE[:20]}\n{encoded}", min_words=20)
    assert detail is not None
    assert "blob" in detail
