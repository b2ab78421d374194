"""A typed request for one's own data, recognised in the five languages before the bot sees it.

"Delete my data", "erase my chat", "send me my data", "what do you keep about me", "xóa dữ liệu của
tôi", "meus dados, apague por favor": the api answers these itself (api/privacy/chat.py), in every
state of the conversation and on every channel, so the request never depends on what the intent model
makes of it. A request must name the person's own data (or chat) and ask for it to go or to come; a
question about the policy ("how long do you keep chats?", "データはいつ削除されますか") is no request
and stays a knowledge question, which the privacy article answers.

Like api/conversations/starts.py: folded text (api/core/parse.py), every part of one tuple present.
Erasure is tried first: "please send me nothing, delete my data" is an erasure.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from api.core import parse

Action = Literal["export", "erase"]
MAX_CHARS = 300

_ERASE: tuple[tuple[str, ...], ...] = (
    # en
    ("delete", "my data"), ("erase", "my data"), ("remove", "my data"), ("wipe", "my data"),
    ("delete", "my chat"), ("erase", "my chat"), ("delete", "my conversation"), ("erase", "my conversation"),
    ("delete", "my messages"), ("erase", "my messages"), ("delete", "my personal"), ("delete", "my information"),
    ("delete everything", "about me"), ("erase everything", "about me"), ("forget me",), ("forget about me",),
    ("my data", "deleted"), ("my data", "erased"), ("my data", "removed"),
    # ja
    ("データ", "削除"), ("データ", "消して"), ("データ", "消去"), ("データ", "消したい"),
    ("個人情報", "削除"), ("個人情報", "消して"), ("チャット", "削除"), ("チャット", "消して"),
    ("会話", "削除"), ("会話", "消して"), ("履歴", "削除"), ("履歴", "消して"), ("私の情報", "消"),
    ("rireki", "sakujo"), ("deta", "sakujo"),
    # vi (folded: xóa → xoa, dữ liệu → du lieu)
    ("xoa", "du lieu"), ("xoa", "thong tin cua toi"), ("xoa", "thong tin ca nhan"), ("xoa", "cuoc tro chuyen"),
    ("xoa", "tin nhan cua toi"), ("xoa", "lich su"), ("xoa", "doan chat"), ("xoa het", "ve toi"),
    # ne (Devanagari keeps its marks; romanised too)
    ("डाटा", "मेटा"), ("डेटा", "मेटा"), ("डाटा", "हटा"), ("डेटा", "हटा"), ("मेरो", "जानकारी", "मेटा"),
    ("मेरो", "जानकारी", "हटा"), ("कुराकानी", "मेटा"), ("च्याट", "मेटा"), ("mero data", "metau"),
    ("mero data", "hatau"), ("mero data", "delete"), ("data", "metaidinu"),
    # pt (folded: exclua, excluir, excluídos → exclu…)
    ("apag", "meus dados"), ("exclu", "meus dados"), ("delet", "meus dados"), ("remov", "meus dados"),
    ("elimin", "meus dados"), ("apag", "minha conversa"), ("apag", "meu chat"), ("apag", "minhas mensagens"),
    ("exclu", "minha conversa"), ("exclu", "meu chat"), ("exclu", "minhas mensagens"), ("esquec", "de mim"),
    ("apag", "tudo sobre mim"), ("exclu", "tudo sobre mim"),
)  # fmt: skip

_EXPORT: tuple[tuple[str, ...], ...] = (
    # en
    ("send me", "my data"), ("copy of", "my data"), ("export", "my data"), ("download", "my data"),
    ("give me", "my data"), ("show me my data",), ("can i see my data",), ("my data", "copy"),
    ("send me", "my chat"), ("copy of", "my chat"), ("export", "my chat"), ("download", "my chat"),
    ("copy of", "my conversation"), ("download", "my conversation"), ("what do you keep about me",),
    ("what do you store about me",), ("what do you have about me",), ("what do you hold about me",),
    ("what do you know about me",), ("what data do you have", "me"), ("what data do you keep", "me"),
    # ja
    ("データ", "送って"), ("データ", "コピー"), ("データ", "ダウンロード"), ("データ", "エクスポート"),
    ("データ", "写し"), ("個人情報", "写し"), ("データ", "開示"), ("個人情報", "開示"), ("データ", "見せて"),
    ("私について", "保存"),
    ("私について", "何を"), ("私の情報", "送って"), ("私の情報", "見せて"), ("チャット", "ダウンロード"),
    ("会話", "コピー"), ("履歴", "ダウンロード"), ("私の", "何が保存"),
    # vi
    (" gui ", "du lieu cua toi"), (" gui ", "du lieu cua minh"), ("ban sao", "du lieu"), (" tai ", "du lieu cua toi"),
    ("xuat", "du lieu"), ("luu gi ve toi",), ("giu gi ve toi",), ("thong tin gi ve toi",),
    ("du lieu gi ve toi",), ("ban sao", "cuoc tro chuyen"), ("xem", "du lieu cua toi"),
    # ne
    ("डाटा", "पठाउ"), ("डेटा", "पठाउ"), ("डाटा", "प्रतिलिपि"), ("डेटा", "प्रतिलिपि"), ("डाटा", "डाउनलोड"),
    ("डेटा", "डाउनलोड"), ("मेरो बारेमा", "के"), ("मेरो", "जानकारी", "पठाउ"), ("mero data", "pathau"),
    ("mero barema", "ke"),
    # pt
    ("copia", "meus dados"), ("envie", "meus dados"), ("enviar", "meus dados"), ("mande", "meus dados"),
    ("manda", "meus dados"), ("baixar", "meus dados"), ("exportar", "meus dados"), (" ver ", "meus dados"),
    ("o que", "guardam sobre mim"), ("o que", "guarda sobre mim"), ("o que", "sabem sobre mim"),
    ("que dados", "sobre mim"), ("copia", "minha conversa"), ("meus dados", "copia"),
)  # fmt: skip

# A question about the policy, not a request: when, how long, automatically, after how many months.
_ABOUT_THE_POLICY = (
    "how long", "when do", "when will", "when are", "when is", " after ", "automatic", "policy", "do you delete",
    "いつ", "どのくらい", "どれくらい", "期間", "自動", "ヶ月", "か月", "されますか", "されるの", "ポリシー",
    "bao lau", "khi nao", "bao gio", "tu dong", "chinh sach",
    "कति समय", "कहिले", "कति महिना", "नीति", "kati samaya", "kahile",
    "quanto tempo", "quando", "politica",
)  # fmt: skip


def _matches(folded: str, patterns: Iterable[tuple[str, ...]]) -> bool:
    return any(all(part in folded for part in pattern) for pattern in patterns)


def requested(text: str) -> Action | None:
    """ "erase" or "export" when the text asks for the person's own data to go or to come, else None."""
    if not text or len(text) > MAX_CHARS:
        return None
    folded = f" {' '.join(parse.fold(text).split())} "
    if any(marker in folded for marker in _ABOUT_THE_POLICY):
        return None
    if _matches(folded, _ERASE):
        return "erase"
    if _matches(folded, _EXPORT):
        return "export"
    return None
