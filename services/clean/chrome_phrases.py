"""Page-chrome vocabulary that survives flattening, in the languages news pages are commonly written in.

Two kinds: SECTION_END headings start what follows an article (comments, related stories, tags);
CHROME lines are navigation, sharing and legal boilerplate anywhere on the page. Matching is on
the whole lower-cased line (or its start for the prefix lists), so article sentences that merely
mention a word like "comments" are not affected.
"""

from __future__ import annotations

import re

SECTION_END_LINES = frozenset(
    {
        # English
        "comments", "comment", "leave a comment", "leave a reply", "add a comment", "post a comment", "join the conversation",
        "top rated comments", "no comments yet", "no comments yet...", "show comments", "view comments", "discussion",
        "related articles", "related", "related stories", "related posts", "related news", "related content", "related coverage",
        "related topics", "read more", "read next", "more stories", "more news", "more from", "you may also like",
        "you might also like", "recommended", "recommended for you", "recommended stories", "trending", "trending now",
        "most popular", "most read", "popular", "latest news", "latest stories", "more on this story", "also read",
        "hashtags", "tags", "topics", "share this article", "share this", "share", "about the author", "sponsored content",
        "around the web", "what to read next", "don't miss", "editor's picks", "also on", "further reading",
        # German
        "kommentare", "ähnliche artikel", "weitere artikel", "mehr zum thema", "das könnte sie auch interessieren",
        "meistgelesen", "auch interessant", "themen", "artikel teilen",
        # French
        "commentaires", "articles similaires", "à lire aussi", "lire aussi", "sur le même sujet", "les plus lus",
        "articles liés", "partager", "à voir aussi",
        # Spanish
        "comentarios", "artículos relacionados", "noticias relacionadas", "te puede interesar", "lo más leído",
        "más noticias", "compartir", "también te puede interesar",
        # Italian
        "commenti", "articoli correlati", "potrebbe interessarti", "leggi anche", "i più letti", "condividi",
        # Portuguese
        "comentários", "artigos relacionados", "notícias relacionadas", "leia também", "veja também", "mais lidas",
        "posts relacionados", "compartilhe", "você também pode gostar",
        # Dutch
        "reacties", "gerelateerde artikelen", "lees ook", "meest gelezen", "delen",
        # Indonesian
        "artikel terkait", "berita terkait", "baca juga", "komentar", "terpopuler",
        # Russian, Polish, Turkish
        "комментарии", "похожие статьи", "читайте также", "популярное", "komentarze", "czytaj także",
        "yorumlar", "ilgili haberler",
        # Chinese, Japanese, Korean, Thai, Arabic, Hindi
        "评论", "評論", "网友评论", "網友評論", "发表评论", "發表評論", "相关新闻", "相關新聞", "相关文章", "相關文章",
        "相关阅读", "相關閱讀", "延伸阅读", "延伸閱讀", "コメント", "関連記事", "関連ニュース", "댓글", "관련기사", "관련 기사",
        "ความคิดเห็น", "ข่าวที่เกี่ยวข้อง", "التعليقات", "تعليقات", "اقرأ أيضا", "اقرأ أيضاً", "مواضيع ذات صلة",
        "टिप्पणियाँ", "यह भी पढ़ें", "संबंधित खबरें",
    }
)  # fmt: skip

CHROME_LINES = frozenset(
    {
        "home", "menu", "search", "close", "log in", "login", "sign in", "sign up", "log out", "register", "subscribe",
        "newsletter", "newsletters", "advertisement", "advertising", "sponsored", "skip to content", "skip to main content",
        "back to top", "privacy policy", "terms of use", "terms of service", "cookie policy", "contact us", "about us",
        "site map", "sitemap", "help", "facebook", "twitter", "instagram", "linkedin", "youtube", "pinterest", "whatsapp",
        "email", "print", "more", "next", "previous", "loading...", "loading", "try our ai features", "follow us",
        "all rights reserved", "advert", "photos", "videos", "video", "watch", "listen", "gallery",
        "startseite", "suche", "anmelden", "impressum", "datenschutz", "werbung", "accueil", "rechercher", "connexion",
        "publicité", "inicio", "buscar", "publicidad", "iniciar sesión", "cerca", "accedi", "pubblicità", "início",
        "pesquisar", "entrar", "publicidade", "zoeken", "inloggen", "beranda", "cari", "главная", "поиск", "войти",
        "首页", "首頁", "登录", "登錄", "注册", "註冊", "搜索", "ホーム", "ログイン", "検索", "홈", "로그인", "검색", "หน้าแรก",
        "เข้าสู่ระบบ", "ค้นหา", "الرئيسية", "بحث", "تسجيل الدخول", "होम", "लॉग इन", "खोजें",
    }
)  # fmt: skip

# Line starts that mark boilerplate whatever follows (legal lines, share prompts, bylines of photos).
_CHROME_PREFIXES = (
    "copyright", "©", "(c) ", "all rights reserved", "log in ", "login ", "sign in ", "follow us", "sign up for",
    "subscribe to", "share on",
    "share this", "click here", "read more:", "related:", "tags:", "tag:", "filed under", "posted in", "image:",
    "photo:", "credit:", "getty images", "(image:", "explore what", "download the", "get the app", "advertisement",
    "this article was", "this website uses cookies", "this site uses cookies", "we use cookies",
    "más información", "leia mais", "mehr zum thema", "lire la suite", "weiterlesen",
)  # fmt: skip
_CHROME_PREFIX = re.compile("|".join(re.escape(p) for p in _CHROME_PREFIXES))
# Headings that open a comment thread: whatever follows is readers' text, never the article.
_COMMENT_HEADINGS = frozenset(
    {
        "comments", "comment", "leave a comment", "leave a reply", "add a comment", "post a comment", "join the conversation",
        "top rated comments", "no comments yet", "show comments", "view comments", "kommentare", "commentaires",
        "comentarios", "commenti", "comentários", "reacties", "komentar", "комментарии", "komentarze", "yorumlar",
        "评论", "評論", "网友评论", "網友評論", "发表评论", "發表評論", "コメント", "댓글", "ความคิดเห็น", "التعليقات", "تعليقات",
        "टिप्पणियाँ",
    }
)  # fmt: skip
# "[ 167 comments ]", "12 Comments", "Comments (3)": comment counters open the comment thread.
_COMMENT_COUNTER = re.compile(r"^\W*(\d+\s+)?(comments?|kommentare?|commentaires?|comentários?|comentarios?|commenti)\W*(\(\d+\)|\d+)?\W*$")
# "More in Space", "More from CBS News", "More Great WIRED Stories", "Top Stories", "Latest News".
_MORE_HEADING = re.compile(
    r"^(more (in|from) \S.{0,40}|(more|other|latest|top|popular|trending)\b.{0,30}\b(stories|news|articles|posts|videos|reads))$"
)
_TRAILING_PUNCT = " \t:.\u2026\u00bb>|\u203a-\u2013\u2014"


def normalise_phrase(line: str) -> str:
    """Lower-case, without trailing colons, arrows and ellipses ("Related Articles:" -> "related articles")."""
    return line.casefold().rstrip(_TRAILING_PUNCT).strip()


def is_section_end(line: str) -> bool:
    """A heading after which the page stops being the article (comments, related stories, tags)."""
    return phrase_kinds(line.casefold())[1]


# Ad slots inside the article: chrome, but a pause in the article rather than evidence against it.
AD_MARKERS = frozenset(
    {
        "advertisement", "advertising", "advert", "ad", "ads", "sponsored", "continue reading below",
        "story continues below", "article continues below", "story continues below advertisement", "anzeige",
        "werbung", "publicité", "publicidad", "pubblicità", "publicidade", "advertentie", "iklan", "реклама", "广告",
        "廣告", "広告", "광고", "โฆษณา", "إعلان", "विज्ञापन",
    }
)  # fmt: skip


def phrase_kinds(folded_line: str) -> tuple[bool, bool, bool]:
    """(is_chrome, is_section_end, is_ad_marker) of an already case-folded line, for the per-line hot path."""
    phrase = folded_line.rstrip(_TRAILING_PUNCT).strip()
    in_section_ends = phrase in SECTION_END_LINES
    section_end = in_section_ends or bool(_MORE_HEADING.match(phrase)) or bool(_COMMENT_COUNTER.match(phrase))
    ad_marker = phrase in AD_MARKERS
    chrome = ad_marker or in_section_ends or phrase in CHROME_LINES or bool(_CHROME_PREFIX.match(phrase))
    return chrome, section_end, ad_marker


def is_comment_heading(line: str) -> bool:
    """A heading or counter that opens the readers' comments."""
    phrase = normalise_phrase(line)
    return phrase in _COMMENT_HEADINGS or bool(_COMMENT_COUNTER.match(phrase))


def is_chrome(line: str) -> bool:
    """Navigation, sharing, legal boilerplate, section headings or an ad slot's label."""
    return phrase_kinds(line.casefold())[0]


# Headings above teasers of other articles; what follows them is parsed into `related`.
RELATED_HEADINGS = frozenset(
    {
        "related articles", "related", "related stories", "related posts", "related news", "related content",
        "related coverage", "read more", "read next", "more stories", "more news", "you may also like",
        "you might also like", "recommended", "recommended for you", "recommended stories", "more on this story",
        "also read", "what to read next", "further reading", "ähnliche artikel", "weitere artikel",
        "das könnte sie auch interessieren", "articles similaires", "à lire aussi", "lire aussi", "sur le même sujet",
        "articles liés", "artículos relacionados", "noticias relacionadas", "te puede interesar", "articoli correlati",
        "leggi anche", "artigos relacionados", "notícias relacionadas", "leia também", "veja também",
        "posts relacionados", "gerelateerde artikelen", "lees ook", "artikel terkait", "berita terkait", "baca juga",
        "похожие статьи", "читайте также", "czytaj także", "ilgili haberler", "相关新闻", "相關新聞", "相关文章", "相關文章",
        "相关阅读", "相關閱讀", "延伸阅读", "延伸閱讀", "関連記事", "関連ニュース", "관련기사", "관련 기사", "ข่าวที่เกี่ยวข้อง",
        "اقرأ أيضا", "اقرأ أيضاً", "مواضيع ذات صلة", "यह भी पढ़ें", "संबंधित खबरें",
    }
)  # fmt: skip


def is_related_heading(line: str) -> bool:
    """A heading above teasers of other articles ("Related Articles", "Lesen Sie auch", ...)."""
    phrase = normalise_phrase(line)
    return phrase in RELATED_HEADINGS or bool(_MORE_HEADING.match(phrase))
