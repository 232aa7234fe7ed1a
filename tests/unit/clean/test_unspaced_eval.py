"""The character-bigram metric for scripts written without spaces."""

from __future__ import annotations

import pytest

from services.eval.unspaced_extraction import bigram_f1, bigrams


def test_bigrams_ignore_whitespace_and_count_repeats() -> None:
    assert bigrams("大桥 通车\n大桥") == {"大桥": 2, "桥通": 1, "通车": 1, "车大": 1}
    assert bigrams("") == {}
    assert bigrams("桥") == {"桥": 1}


def test_bigram_precision_recall_and_f1() -> None:
    assert bigram_f1("大桥通车", "大桥通车") == (1.0, 1.0, 1.0)
    assert bigram_f1("", "大桥通车") == (0.0, 0.0, 0.0)
    precision, recall, f1 = bigram_f1("大桥通车了", "大桥通车")  # 3 of 4 predicted bigrams are true
    assert (precision, recall) == (0.75, 1.0)
    assert f1 == pytest.approx(2 * 0.75 / 1.75)
