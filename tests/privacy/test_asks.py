"""Typed requests for one's own data, in five languages: a request is recognised, a question about the
policy is not (it stays a knowledge question), and neither is anything else."""

from __future__ import annotations

import pytest

from api.privacy.asks import requested

ERASE = {
    "en": ["Delete my data", "please erase my chat", "Can you remove my data?", "forget me", "I want my data deleted"],
    "ja": [
        "私のデータを削除してください",
        "チャットの履歴を消してほしい",
        "個人情報を消して",
        "会話を削除して",
        "chatto no rireki wo sakujo shite hoshii",
    ],
    "vi": [
        "Xóa dữ liệu của tôi",
        "làm ơn xoá cuộc trò chuyện này",
        "xoa thong tin ca nhan cua minh",
        "xoa du lieu cua toi duoc khong",
    ],
    "ne": ["मेरो डाटा मेटाउनुहोस्", "मेरो जानकारी हटाइदिनुहोस्", "mero data metaunus", "mero data delete garna milcha?"],
    "pt": ["Apague meus dados", "quero excluir minha conversa", "por favor, delete meus dados", "esqueça de mim"],
}
EXPORT = {
    "en": ["Send me my data", "I want a copy of my data", "what do you keep about me?", "download my chat"],
    "ja": ["私のデータを送ってください", "データのコピーがほしい", "私について何を保存していますか"],
    "vi": ["Gửi dữ liệu của tôi cho tôi", "cho tôi bản sao dữ liệu", "các bạn lưu gì về tôi?"],
    "ne": ["मेरो डाटा पठाउनुहोस्", "मेरो डेटाको प्रतिलिपि चाहियो", "मेरो बारेमा के के राख्नुहुन्छ?"],
    "pt": ["Envie meus dados", "quero uma cópia dos meus dados", "o que vocês guardam sobre mim?"],
}
QUESTIONS = [
    "How long do you keep chats?",
    "When do you delete my data?",
    "Is my data deleted automatically?",
    "チャットはどのくらい保存されますか",
    "データはいつ削除されますか",
    "Kakehashi lưu dữ liệu bao lâu?",
    "dữ liệu của tôi khi nào bị xóa?",
    "डाटा कति समय राखिन्छ?",
    "meus dados são apagados quando?",
    "Por quanto tempo vocês guardam as conversas?",
    "What is your privacy policy?",
    "Which visa fits me?",
    "hello",
    "",
]


@pytest.mark.parametrize(("language", "text"), [(lang, text) for lang, texts in ERASE.items() for text in texts])
def test_erasure_requests(language: str, text: str) -> None:
    assert requested(text) == "erase"


@pytest.mark.parametrize(("language", "text"), [(lang, text) for lang, texts in EXPORT.items() for text in texts])
def test_export_requests(language: str, text: str) -> None:
    assert requested(text) == "export"


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_about_the_policy_are_no_requests(text: str) -> None:
    assert requested(text) is None


def test_a_long_message_that_mentions_it_is_no_request() -> None:
    assert requested("delete my data " + "x" * 400) is None
    assert requested("<script>alert(1)</script> delete my data") == "erase"
