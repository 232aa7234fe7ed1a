"""Mojibake repair both ways: correct text in every script passes unchanged, its mis-decoded copies come back."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.clean.mojibake import fix_mojibake
from services.clean.normalize import repair
from services.eval.mojibake import DROPPED, VARIANTS, data_paragraphs, evaluate_mojibake, is_recoverable_when_dropped

# Written for these tests: news sentences in every script, and Latin text with the letters and signs
# that mojibake is made of ("â", "Ã", "Â", "€") used as they should be.
CORRECT = [
    "国务院周三宣布，将在明年投入三百亿元用于农村公路建设。",
    "東京都は月曜日、新しい自転車専用道路の建設計画を発表した。「安全第一」と知事は語った。",
    "サッカーＪリーグ、川崎フロンターレが３－１で勝利",
    "서울시는 월요일 새로운 자전거 전용 도로 건설 계획을 발표했다.",
    "กรุงเทพมหานครประกาศแผนสร้างทางจักรยานใหม่ในวันจันทร์",
    "أعلنت وزارة الصحة يوم الاثنين عن افتتاح مستشفى جديد في مدينة الإسكندرية.",
    "स्वास्थ्य मंत्रालय ने सोमवार को नए अस्पताल के उद्घाटन की घोषणा की।",
    "Министерство здравоохранения в понедельник объявило об открытии новой больницы.",
    "Υπουργείο Υγείας ανακοίνωσε τη Δευτέρα το άνοιγμα νέου νοσοκομείου.",
    "משרד הבריאות הודיע ביום שני על פתיחת בית חולים חדש בחיפה.",
    "Le château de Pâquerette rouvre après des travaux ; « c'est une fête », a dit l'élue.",
    "La pâte à crêpes coûte 3,50 € ; le billet d'entrée est à €30 et l'âge minimum est de 12 ans.",
    "Die Straße in Köln wird für 2,3 Mio. € saniert – „endlich“, sagen Anwohner über die Maßnahme.",
    "O governo de São Paulo anunciou a construção de três hospitais; João Ã. Silva não comentou.",
    "NÃO HÁ VAGAS: o estádio do Grêmio está lotado, informou a administração.",
    "İstanbul'da çarşamba günü şiddetli yağış nedeniyle ağaçlar devrildi; ışıklar söndü.",
    "W Łodzi otwarto nowy most; źdźbło trawy, żółć i gęś to trudne słowa dla obcokrajowców.",
    "Thủ tướng Nguyễn Xuân Phúc đến Hà Nội hôm thứ Hai; ông nói: “Chúng tôi sẽ cố gắng hết sức.”",
    "România: pâinea s-a scumpit în câteva orașe, iar câinii fără stăpân sunt o problemă.",
    "ÂGE MOYEN DES ÉLUS : 58 ANS, selon l'étude publiée à Genève.",
    "JOÃO ALVES and ÂNGELA SÃO MIGUEL write their names in capitals; the euro sign is €, as in €30.",
    "The £20 and ¥3,000 notes, ©2026 Reuters™ — all rights reserved…",
    "He said: “We simply do not know.” She added, ‘Nor do we.’",
    "Preço médio do litro: R$ 6,29 — alta de 3% no mês.",
]


def test_the_reported_case_comes_back_whole() -> None:
    assert repair("â€œWe simply do not know ...,â€ he said") == "“We simply do not know ...,” he said"


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("He said: â€œyes.â€", "He said: “yes.”"),  # at the end of the text
        ("â€œQuote.â€\nNext line", "“Quote.”\nNext line"),  # at the end of a line
        ("Câ€™est lâ€™Ã©tÃ©, â€œdit-ilâ€ .", "C’est l’été, “dit-il” ."),
        ("â€œGood,â€ he said, â€œvery good.â€", "“Good,” he said, “very good.”"),
    ],
)
def test_a_closing_quote_that_lost_its_last_byte_is_restored(broken: str, fixed: str) -> None:
    assert fix_mojibake(broken) == fixed


def test_every_correct_text_passes_unchanged_and_every_mojibake_copy_is_repaired() -> None:
    report = evaluate_mojibake(CORRECT)
    assert report.unchanged == report.texts == len(CORRECT), report.damaged_examples
    for score in report.variants:
        assert score.texts > 0, score.name
        assert score.repaired == score.texts, (score.name, report.render())


def test_dropped_bytes_are_restored_only_where_they_can_be() -> None:
    drop = VARIANTS[DROPPED]
    quoted = "Elle a dit : “oui”, puis elle est partie."
    assert drop(quoted) != quoted
    assert fix_mojibake(drop(quoted)) == quoted
    assert is_recoverable_when_dropped(quoted)
    # 村 is E6 9D 91: which byte was lost after E6 cannot be known, so such texts are not counted as repairable.
    assert not is_recoverable_when_dropped("农村公路")


@pytest.mark.data
def test_the_repair_on_real_article_bodies(shared_data: Path) -> None:
    """Bodies people marked in extraction-dev (English) and extraction-zh-dev (Chinese): measured 2565/2565 unchanged,
    latin-1 1544/1544, windows-1252 1543/1544 (a ₩ sign ftfy will not call mojibake), bytes dropped 728/729."""
    report = evaluate_mojibake(data_paragraphs(shared_data))
    assert report.texts > 2_000
    assert report.unchanged == report.texts, report.damaged_examples
    shares = {score.name: score.share for score in report.variants}
    assert shares["latin-1"] == 1.0
    assert shares["windows-1252"] >= 0.999
    assert shares["windows-1252 twice"] >= 0.999
    assert shares[DROPPED] >= 0.998


@pytest.mark.parametrize(
    "text",
    [
        "Сегодня в Москве открылась выставка «Россия», сообщил мэр.",
        "Ёлка, съезд и Љубљана: Ђорђе рассказал о Ћирилице и джазе «Џез».",
    ],
)
def test_cyrillic_read_as_windows_1251_is_repaired_and_correct_cyrillic_is_left_alone(text: str) -> None:
    assert fix_mojibake(text.encode("utf-8").decode("cp1251")) == text
    assert fix_mojibake(text) == text
