"""Keywords for typed answers to multiple-choice questions, in the five languages (matched folded).

Buttons are the main way to answer; these cover people who type instead (and LINE's button limit).
"""

from __future__ import annotations

PURPOSE = {
    "employment": ("employment", "work", "job", "就職", "仕事", "就労", "転職", "viec lam", "di lam", "lam viec", "काम",
                   "रोजगार", "jagir", "kaam", "trabalho", "emprego", "trabalhar"),
    "university_admission": ("university", "admission", "study", "graduate school", "大学", "進学", "留学", "大学院",
                             "dai hoc", "du hoc", "hoc", "विश्वविद्यालय", "भर्ना", "पढाइ", "universidade", "faculdade",
                             "estudar", "mestrado"),
    "residence_application": ("visa", "residence", "immigration", "在留", "ビザ", "入管", "thi thuc", "visa", "cu tru",
                              "भिसा", "बसोबास", "visto", "residencia", "imigracao"),
    "professional_licence": ("licence", "license", "professional", "qualification exam", "資格", "免許", "chung chi",
                             "giay phep", "hanh nghe", "इजाजत", "लाइसेन्स", "licenca", "registro profissional"),
    "other": ("other", "something else", "その他", "他", "khac", "muc dich khac", "अरू", "अन्य", "outro", "outra"),
}  # fmt: skip

DOCUMENTS = {
    "all": ("all", "everything", "yes all", "全部", "すべて", "全て", "tat ca", "du", "day du", "सबै", "todos", "tudo"),
    "some": ("some", "part", "a few", "一部", "いくつか", "mot so", "mot phan", "केही", "alguns", "algumas", "parte"),
    "none": ("none", "no", "nothing", "no documents", "ない", "なし", "ありません", "khong co", "khong", "छैन", "केही छैन",
             "nenhum", "nada", "nao tenho"),
}  # fmt: skip

CATEGORY = {
    "a": ("a", "i a", "ia", "research", "academic", "研究", "学術", "nghien cuu", "अनुसन्धान", "pesquisa", "academico"),
    "b": ("b", "i b", "ib", "technical", "specialised", "specialized", "engineer", "it", "技術", "専門", "ky thuat",
          "chuyen mon", "प्राविधिक", "tecnico", "especializado"),
    "c": ("c", "i c", "ic", "business", "management", "manager", "経営", "管理", "quan ly", "kinh doanh", "व्यवस्थापन",
          "व्यापार", "gestao", "negocios", "administracao"),
}  # fmt: skip

EDUCATION = {
    "doctorate": ("doctorate", "doctor", "phd", "ph.d", "博士", "tien si", "विद्यावारिधि", "पीएचडी", "doutorado",
                  "doutor"),
    "mba_mot": ("mba", "mot", "mba or mot", "経営学修士"),
    "master": ("master", "masters", "master's", "修士", "thac si", "cao hoc", "स्नातकोत्तर", "mestrado", "mestre"),
    "bachelor": ("bachelor", "bachelors", "bachelor's", "degree", "university", "学士", "大卒", "大学", "cu nhan",
                 "dai hoc", "ky su", "स्नातक", "bacharel", "licenciatura", "graduacao", "faculdade"),
    "none": ("none", "no degree", "no", "high school", "なし", "ない", "高校", "khong", "khong co", "cap 3", "छैन",
             "+2", "nenhum", "ensino medio"),
}  # fmt: skip

JAPANESE = {
    "N1": ("n1", "jlpt n1", "1級", "1kyu"),
    "N2": ("n2", "jlpt n2", "2級", "2kyu"),
    "none": ("none", "no", "n3", "n4", "n5", "jlpt n3", "jlpt n4", "jlpt n5", "nothing", "なし", "ない", "khong",
             "khong co", "छैन", "nenhum", "nao"),
}  # fmt: skip

# "This chat is fine" typed instead of pressed.
CHAT = {"chat": ("chat", "this chat", "here", "no email", "ここ", "チャット", "このチャット", "o day", "chat nay",
                 "यहीँ", "यहाँ", "च्याट", "aqui", "neste chat", "sem email")}  # fmt: skip

# "Not finished yet" for the end year.
NOT_FINISHED = {"-": ("not finished", "still studying", "ongoing", "在学中", "未卒業", "dang hoc", "chua tot nghiep",
                      "पढ्दैछु", "सकिएको छैन", "cursando", "nao terminei", "em andamento")}  # fmt: skip

# Stages of the comparability data, for credentials typed rather than chosen.
STAGE = {
    "upper_secondary": ("high school", "secondary", "高校", "高等学校", "trung hoc pho thong", "cap 3", "+2",
                        "उच्च माध्यमिक", "ensino medio"),
    "bachelor": ("bachelor", "学士", "大学", "cu nhan", "dai hoc", "स्नातक", "bacharel", "licenciatura", "graduacao"),
    "master": ("master", "修士", "thac si", "स्नातकोत्तर", "mestrado"),
    "doctorate": ("doctorate", "phd", "doctor", "博士", "tien si", "विद्यावारिधि", "doutorado"),
    "short_cycle": ("college", "associate", "短大", "cao dang", "डिप्लोमा"),
}  # fmt: skip

# "Other" / "not in the list" typed instead of pressed (country and credential questions).
OTHER = {"other": ("other", "something else", "not in the list", "none of these", "その他", "一覧にない", "ほか",
                   "khac", "khong co trong danh sach", "अन्य", "सूचीमा छैन",
                   "outro", "outra", "nao esta na lista")}  # fmt: skip

# Ways out of a form. The intent model decides first (stop, request_human); these confirm it when the
# text would also be a valid answer (a name, an institution), so "đi làm" or "Staff" stay answers.
STOP = (
    "stop", "stop it", "stop please", "please stop", "cancel", "cancel it", "cancel this", "cancel that", "quit",
    "exit", "abort", "never mind", "forget it", "enough", "end",
    "やめる", "やめます", "やめたい", "やめて", "止めて", "とめて", "ストップ", "キャンセル", "キャンセルで",
    "キャンセルします", "中止", "中止して", "中止します", "終了", "終わり", "取り消し", "取り消して", "もういい",
    "yameru", "yamete", "yamemasu", "sutoppu", "kyanseru",
    "dung", "dung lai", "dung di", "dung nhe", "huy", "huy bo", "huy di", "thoat", "thoat ra", "ngung", "ngung lai",
    "ket thuc", "thoi",
    "रोक्नुहोस्", "रोक", "रोक्नुस्", "रोकौँ", "रद्द", "रद्द गर्नुहोस्", "बन्द गर्नुहोस्", "roknus", "rok", "roka",
    "rokau", "radda", "radda garnus", "banda garnus", "cancel garnus", "stop garnus",
    "parar", "pare", "para", "para por favor", "cancelar", "cancela", "sair", "desisto", "chega", "interromper",
    "encerrar", "esquece", "esquece isso",
)  # fmt: skip
PERSON = (
    "talk to", "speak to", "speak with", "real person", "a human", "an agent", "advisor", "adviser", "operator",
    "noi chuyen voi", "gap nguoi", "tu van vien", "nguoi that",
    "と話", "担当者", "オペレーター", "人間と",
    "मान्छेसँग", "कर्मचारीसँग", "कुरा गर्न", "manche sanga", "manchhe sanga", "kura garna",
    "falar com", "atendente", "pessoa real", "um humano",
)  # fmt: skip
