"""A typed request to start the self-check, the HSP points or a credential evaluation, recognised in
the five languages.

Issue #20 defect 6: "quero fazer a verificação de qual status de residência serve pra mim", a natural
Vietnamese request and even the button's own label typed out did not start the self-check (one
attempt started a handoff); "how many points would I get?" did not start the points (#14). The intent
model decides most messages; these requests are recognised here first, outside a form, so that they
start the check whatever the model makes of them. A request must name the check and ask it for the
person themself: "what is the HSP points system?" stays a knowledge question.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from api.conversations import secrets
from api.core import parse
from api.core.i18n import Catalogs
from knowledge_base.language import LANGUAGES

Check = Literal["check", "points", "fce", "case", "advice", "advice_status"]
# The buttons of the question "which check?" (api/chat_flows/asks.py): typed out, they are that choice.
BUTTON_KEYS: dict[Check, str] = {"check": "flow.button.mode_check", "points": "flow.button.mode_points"}

# (all of these, folded) in one request. Several tuples per check: any one of them matching is enough.
_CHECK: tuple[tuple[str, ...], ...] = (
    ("which visa", "fit"), ("which visa", "suit"), ("which visa", "can i get"), ("which visa", "right for me"),
    ("which status", "fit"), ("which residence status", "me"), ("self-check",), ("self check",),
    ("visa", "check", "my profile"),
    ("どの在留資格",), ("自分に合う", "在留資格"), ("自分に合う", "ビザ"), ("在留資格", "診断"), ("ビザ", "診断"),
    ("tu cach luu tru nao",), ("visa nao", "hop"), ("loai visa nao", "toi"), ("loai visa nao", "minh"),
    ("kiem tra", "tu cach luu tru"), ("kiem tra", "visa", "hop"),
    ("कुन भिसा", "मिल्छ"), ("कुन भिसा", "पाउन"), ("कुन बसोबास", "मिल्छ"), ("kun visa", "milchha"),
    ("मलाई", "मिल्ने भिसा"), ("malai", "milne visa"),
    ("qual visto", "serve"), ("qual visto", "combina"), ("qual visto", "consigo"), ("qual visto", "posso"),
    ("qual status", "serve"), ("qual status", "residencia", "mim"), ("verificacao", "status de residencia"),
    ("verificacao", "qual visto"), ("verificar", "qual visto"), ("que visto", "combina"),
    ("verificar visto",), ("verificacao de visto",),
    ("status", "fits me"), ("status", "fit me"), ("visa", "fits me"), ("visa", "fit me"), ("visa", "suits me"),
    ("which residence status",), ("which status of residence",), ("what status of residence",),
    ("what visa", "should i"), ("which visa", "should i"),
    ("कुन भिसा", "सक्छु"), ("कुन भिसा", "सकिन्छ"), ("कुन भिसा", "काम"), ("भिसामा", "सक्छु"), ("भिसा", "जाँच"),
    ("स्व-जाँच",), ("qual visto", "melhor"), ("que visto", "preciso"), ("qual visto", "preciso"),
    ("nen xin visa",), ("xin visa gi",), ("xin visa nao",), ("nen lam visa",),
    ("check my options", "japan"), ("my options", "work", "japan"), ("minhas opcoes", "japao"),
)  # fmt: skip
# The status of an application already made, asked in words the intent model misses.
_CASE: tuple[tuple[str, ...], ...] = (
    ("आवेदनको स्थिति",), ("आवेदन स्थिति",), ("आवेदन", "कहाँ पुग्यो"), ("मूल्याङ्कन", "कहाँ पुग्यो"),
    ("मूल्याङ्कनको स्थिति",),
    ("審査状況",), ("申請状況",), ("審査", "進捗"), ("申請", "進捗"), ("審査", "どうなって"), ("申請", "どうなって"),
    ("where is it", "appl"), ("where is it", "evaluat"), ("where is my", "application"),
    ("where is my", "evaluation"), ("status of my", "application"), ("status of my", "evaluation"),
    ("kiem tra ho so",), ("tinh trang ho so",), ("ho so", "den dau"),
    ("andamento", "avaliacao"), ("andamento", "pedido"), ("acompanhar", "avaliacao"), ("situacao", "avaliacao"),
)  # fmt: skip
# A question about a case already opened is no request for a new evaluation ("hồ sơ đánh giá bằng
# của em thế nào rồi": how is my evaluation case doing).
_CASE_STATUS = (
    "the nao roi", "tinh trang", "ho so", "status of my", "my case", "my application", "状況", "進捗", "どうなって",
    "अवस्था", "कहाँ पुग्यो", "situacao", "andamento", "meu processo", "meu caso", "fce-", "fce ",
)  # fmt: skip
# A credential evaluation asked for: "what is my diploma worth in Japan", "海外の学位が日本で何に相当するか".
_FCE: tuple[tuple[str, ...], ...] = (
    ("diploma", "worth"), ("degree", "worth"), ("degree", "recogni"), ("diploma", "recogni"),
    ("evaluat", "degree"), ("evaluat", "diploma"), ("credential", "evaluat"), ("degree", "equivalent"),
    ("学位", "相当"), ("卒業証書", "評価"), ("学歴", "評価"), ("学位", "評価"), ("学位", "認定"),
    ("学士", "評価"), ("修士", "評価"), ("博士", "評価"),
    ("danh gia", "bang"), ("bang", "tuong duong"), ("cong nhan", "bang"),
    ("डिग्री", "मूल्याङ्कन"), ("प्रमाणपत्र", "मूल्याङ्कन"), ("डिग्री", "बराबर"), ("degree", "mulyankan"),
    ("avaliar", "diploma"), ("avaliacao", "diploma"), ("diploma", "equivale"), ("diploma", "vale"),
    ("reconhec", "diploma"), ("avaliar", "formacao"),
    ("योग्यता", "मूल्याङ्कन"), ("शैक्षिक", "मूल्याङ्कन"),
    ("avaliacao", "graduacao"), ("avaliar", "graduacao"), ("avaliacao", "faculdade"), ("avaliar", "faculdade"),
    ("avaliacao", "formacao"),
)  # fmt: skip
_POINTS: tuple[tuple[str, ...], ...] = (
    ("how many points", "i "), ("how many points", "would i"), ("my points",), ("calculate", "points"),
    ("何点",), ("ポイント", "計算"), ("ポイント", "何"),
    ("bao nhieu diem", "toi"), ("bao nhieu diem", "minh"), ("bao nhieu diem", "em"), ("tinh diem",),
    ("कति अंक",), ("कति अङ्क",), ("अंक", "गणना"), ("अंक", "जाँच"), ("kati ank",),
    ("quantos pontos", "eu"), ("quantos pontos", "faco"), ("quantos pontos", "tenho"), ("meus pontos",),
    ("calcular", "pontos"), ("minha pontuacao",),
    ("अंक", "हिसाब"), ("अङ्क", "हिसाब"), ("उच्च दक्ष", "अंक"),
)  # fmt: skip


# Career advice for oneself (issue #17): asked for, or a session booked. "What is a learning path?" or
# "what does an advisor do?" names no request and stays a knowledge question.
_ADVICE: tuple[tuple[str, ...], ...] = (
    ("career advice", " i "), ("career advice", " me "), ("career advice", " me."), ("advice", "my career"),
    ("advise me",), ("career counsel",), ("career consultation",), ("learning path", "for me"),
    ("learning path", " my "), ("book", "advisor"), ("book", "advice"), ("book", "career"),
    ("appointment", "advisor"), ("session", "advisor", " i "), ("advice", "my future"),
    ("キャリア相談",), ("キャリア", "相談したい"), ("進路", "相談したい"), ("学習", "相談したい"),
    ("相談", "予約したい"), ("相談を予約",), ("アドバイザー", "予約"), ("キャリア", "アドバイス", "ほしい"),
    ("キャリア", "アドバイス", "欲しい"), ("自分", "学習経路"), ("私の", "学習経路"), ("キャリアについて", "相談"),
    ("tu van nghe nghiep", "toi"), ("tu van nghe nghiep", "em"), ("tu van nghe nghiep", "minh"),
    ("dat lich", "tu van"), ("muon", "tu van", "hoc tap"), ("muon", "tu van", "nghe nghiep"),
    ("lo trinh hoc", "cho toi"), ("lo trinh hoc", "cua toi"), ("lo trinh hoc", "cho em"), ("hen", "chuyen vien tu van"),
    ("करियर सल्लाह", "चाहियो"), ("करियर सल्लाह", "चाहन्छु"), ("करियर परामर्श", "चाहियो"), ("करियर परामर्श", "चाहन्छु"),
    ("परामर्श", "बुक"), ("सल्लाहकार", "बुक"), ("मेरो", "सिकाइ मार्ग"), ("मलाई", "करियर सल्लाह"), ("career salah",),
    ("orientacao", "carreira", "quero"), ("orientacao", "carreira", "preciso"), ("orientacao", "carreira", "gostaria"),
    ("aconselhamento", "carreira"), ("agendar", "orientador"), ("agendar", "sessao"), ("agendar", "orientacao"),
    ("marcar", "sessao"), ("marcar", "orientador"), ("trilha de aprendizagem", "para mim"),
    ("meu", "caminho de aprendizagem"), ("conselho", "minha carreira"), ("orientacao", "minha carreira"),
)  # fmt: skip
# The request already made: its state and session ("how is my advice request?", "my appointment").
_ADVICE_STATUS: tuple[tuple[str, ...], ...] = (
    ("my advice request",), ("my appointment",), ("my advice appointment",), ("my advice session",),
    ("my advisor session",), ("advice request", "status"), ("when is my", "session"), ("when is my", "appointment"),
    ("相談", "状況"), ("相談", "どうなって"), ("予約", "確認"), ("私の予約",), ("相談の予約は",), ("相談はいつ",),
    ("lich hen cua toi",), ("lich tu van cua toi",), ("yeu cau tu van", "the nao"), ("yeu cau tu van", "tinh trang"),
    ("lich hen", "khi nao"), ("lich tu van", "khi nao"),
    ("मेरो अपोइन्टमेन्ट",), ("मेरो परामर्श",), ("परामर्श", "अवस्था"), ("परामर्श", "कहिले"), ("परामर्श अनुरोध", "स्थिति"),
    ("meu agendamento",), ("minha sessao",), ("meu pedido de orientacao",), ("orientacao", "status"),
    ("aconselhamento", "como esta"), ("quando e", "minha sessao"),
)  # fmt: skip


# "hsp points pls", "pontos HSP", "HSP अंक": the two terms alone, no question about them, ask for the
# calculation; "what are HSP points?" stays a knowledge question.
_HSP_TERMS = (
    "hsp", "highly skilled", "高度専門職", "高度人材", "koudo", "हाइली स्किल्ड", "altamente qualificad", "chat luong cao",
)  # fmt: skip
_POINT_TERMS = (" point", "pontos", "pontuacao", "diem", "अंक", "अङ्क", "पोइन्ट", "ポイント", "点数")
_QUESTION_MARKS = (
    "?", "？", "what", "how ", "why", "which", "when", "explain", "o que", "como", "por que", "qual", "explica",
    "la gi", "the nao", "tai sao", "giai thich", "के हो", "कसरी", "किन", "とは", "何", "なぜ", "どう", "ですか", "説明",
)  # fmt: skip
TERSE_WORDS = 6


def _terse_points(folded: str) -> bool:
    return (
        len(folded.split()) <= TERSE_WORDS
        and any(parse.fold(term) in folded for term in _HSP_TERMS)
        and any(parse.fold(term) in folded for term in _POINT_TERMS)
        and not any(parse.fold(mark) in folded for mark in _QUESTION_MARKS)
    )


def _matches(folded: str, patterns: Iterable[tuple[str, ...]]) -> bool:
    return any(all(part in folded for part in pattern) for pattern in patterns)


def requested_check(text: str, catalogs: Catalogs) -> Check | None:
    """ "check" or "points" when the text asks to run that check (or is its button's label), else None."""
    if len(text) > 300:
        return None
    key = parse.compact(text)
    for check, button in BUTTON_KEYS.items():
        if any(parse.compact(catalogs.gettext(button, language)) == key for language in LANGUAGES):
            return check
    # A case reference with its access code (masked by then: api/conversations/secrets.py) can only be a
    # request for that case's status, whatever words surround it and whatever the intent model makes of
    # a reference's random digits.
    if secrets.REFERENCE.search(text) and secrets.MASKED_CODE in text:
        return "case"
    folded = f" {parse.fold(text)} "
    if _matches(folded, _CASE):
        return "case"
    if _matches(folded, _ADVICE_STATUS):
        return "advice_status"
    if _matches(folded, _ADVICE):
        return "advice"
    if _matches(folded, _CHECK):
        return "check"
    if _matches(folded, _POINTS) or _terse_points(folded):
        return "points"
    if _matches(folded, _FCE) and not any(marker in folded for marker in _CASE_STATUS):
        return "fce"
    return None
