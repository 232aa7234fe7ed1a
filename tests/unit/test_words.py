"""Words of any script: spaced scripts by letter runs, unspaced scripts by ICU's dictionary breaks."""

from __future__ import annotations

import random

import pytest
import regex

from services.words import has_unspaced, without_unspaced, word_count, words

_SPACED = {
    "en": "The council voted on Tuesday to extend the tram line.",
    "ru": "Городской совет во вторник проголосовал за продление трамвайной линии.",
    "ar": "صوت المجلس البلدي يوم الثلاثاء على تمديد خط الترام.",
    "hi": "नगर परिषद ने मंगलवार को ट्राम लाइन बढ़ाने के पक्ष में मतदान किया।",
    "ko": "시의회는 화요일 트램 노선을 연장하는 안을 통과시켰다.",
}
_UNSPACED = {
    "zh": "市议会周二投票决定将有轨电车线路延伸到北部郊区。",
    "ja": "市議会は火曜日、路面電車の路線を北部の郊外まで延長することを決めた。",
    "th": "สภาเทศบาลลงมติเมื่อวันอังคารให้ขยายเส้นทางรถรางไปยังชานเมืองทางเหนือ",
    "lo": "ສະພາເມືອງລົງມະຕິໃຫ້ຂະຫຍາຍເສັ້ນທາງລົດລາງ",
    "km": "ក្រុមប្រឹក្សាក្រុងបានបោះឆ្នោតពង្រីកផ្លូវរថភ្លើង",
    "my": "မြို့တော်ကောင်စီသည်ဓာတ်ရထားလမ်းကိုတိုးချဲ့ရန်မဲပေးခဲ့သည်",
}


@pytest.mark.parametrize("text", _SPACED.values(), ids=_SPACED.keys())
def test_spaced_scripts_count_letter_runs(text: str) -> None:
    assert not has_unspaced(text)
    # Every space-separated token is one word, vowel signs and points included ("किया" is not cut in two).
    assert words(text) == [token.strip(".\u0964") for token in text.split()]
    assert word_count(text) == len(text.split())


@pytest.mark.parametrize("text", _UNSPACED.values(), ids=_UNSPACED.keys())
def test_unspaced_scripts_are_cut_into_words_that_rebuild_the_text(text: str) -> None:
    found = words(text)
    letters = "".join(regex.findall(r"\w", text))
    assert "".join(found) == letters  # nothing lost, nothing invented
    # A word is more than one character on average, and a sentence is more than one word.
    assert 3 <= len(found) < len(letters) / 1.3
    assert word_count(text) == len(found)


def test_chinese_and_thai_words_are_dictionary_words() -> None:
    assert {"议会", "周二", "投票", "有轨电车", "郊区"} <= set(words(_UNSPACED["zh"]))
    assert {"สภา", "เทศบาล", "ขยาย", "ชานเมือง"} <= set(words(_UNSPACED["th"]))


def test_mixed_latin_digits_and_han_keep_each_part() -> None:
    found = words("苹果公司发布iPhone 17，售价999美元")
    assert "iPhone" in found
    assert "17" in found
    assert "999" in found
    assert "美元" in found


def test_korean_is_spaced_and_its_words_are_its_space_separated_tokens() -> None:
    assert words(_SPACED["ko"]) == ["시의회는", "화요일", "트램", "노선을", "연장하는", "안을", "통과시켰다"]


def test_without_unspaced_leaves_only_the_spaced_part() -> None:
    assert without_unspaced("aGk3x9 中文内容 abc") == "aGk3x9   abc"
    assert without_unspaced("plain text") == "plain text"


def test_empty_and_punctuation_only() -> None:
    assert word_count("") == 0
    assert word_count("。，！？ — …") == 0
    assert words("") == []


def test_spaced_text_of_any_characters_gets_the_words_of_unicode_word_characters() -> None:
    # Most lines take a faster path than the `regex` module; whatever characters a line holds, the
    # words must be those of `regex`'s Unicode \w (combining marks, superscripts, letters newer than
    # Python's Unicode, symbols, unassigned code points and astral planes included).
    rng = random.Random(11)  # noqa: S311 - reproducible test text, not security
    pools = [
        range(0x20, 0x7F),  # ASCII
        range(0xA0, 0x250),  # Latin-1 and Latin Extended: "²", "½", "é"
        range(0x300, 0x370),  # combining marks
        range(0x370, 0x800),  # Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Thaana
        range(0x900, 0xE00),  # Indic scripts with their vowel signs
        range(0x1E00, 0x2200),  # Latin Extended Additional, Greek Extended, punctuation, letterlike symbols
        range(0xAC00, 0xAD00),  # Hangul
        range(0xFE00, 0xFF00),  # variation selectors, presentation forms
        range(0x10000, 0x10400),  # Linear B and other astral letters
        range(0x1F300, 0x1F400),  # emoji
        range(0xE0000, 0xE0080),  # tags
    ]
    spaces = " ,.\n"
    for _ in range(3000):
        chosen = rng.sample(pools, rng.randint(1, 3))
        text = "".join(
            rng.choice(spaces) if rng.random() < 0.15 else chr(rng.choice(rng.choice(chosen))) for _ in range(rng.randint(0, 40))
        )
        if has_unspaced(text):
            continue
        assert words(text) == regex.findall(r"\w+", text), ascii(text)
