"""Keywords for typed answers to multiple-choice questions, in the five languages (matched folded).

Buttons are the main way to answer; these cover people who type instead (and LINE's button limit).
"""

from __future__ import annotations

from api.core import parse

PURPOSE = {
    "employment": ("employment", "work", "job", "就職", "仕事", "就労", "転職", "viec lam", "di lam", "lam viec", "काम",
                   "xin viec", "tim viec", "kiem viec",
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
    "all": ("all", "everything", "yes all", "全部", "すべて", "全て", "tat ca", "du", "day du", "du ca", "co du",
            "du het", "सबै", "todos", "tudo"),
    "some": ("some", "part", "a few", "一部", "いくつか", "mot so", "mot phan", "chi co", "केही", "alguns", "algumas",
             "parte"),
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
    "master": ("master", "masters", "master's", "修士", "thac si", "cao hoc", "स्नातकोत्तर", "मास्टर्स", "मास्टर",
               "masters gareko", "mestrado", "mestre"),
    "bachelor": ("bachelor", "bachelors", "bachelor's", "degree", "university", "学士", "大卒", "大学", "cu nhan",
                 "dai hoc", "ky su", "स्नातक", "bacharel", "licenciatura", "graduacao", "faculdade"),
    "none": ("none", "no degree", "no", "high school", "なし", "ない", "高校", "khong", "khong co", "cap 3", "छैन",
             "+2", "nenhum", "ensino medio"),
}  # fmt: skip

JAPANESE = {
    "N1": ("n1", "jlpt n1", "1級", "1kyu", "n1 pass"),
    "N2": ("n2", "jlpt n2", "2級", "2kyu", "n2 pass"),
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
    "bachelor": ("bachelor", "学士", "大学", "cu nhan", "dai hoc", "स्नातक", "ब्याचलर", "bacharel", "licenciatura",
                 "graduacao"),
    "master": ("master", "修士", "thac si", "स्नातकोत्तर", "मास्टर", "mestrado"),
    "doctorate": ("doctorate", "phd", "doctor", "博士", "tien si", "विद्यावारिधि", "पीएचडी", "पिएचडी", "doutorado"),
    "short_cycle": ("college", "associate", "短大", "cao dang", "डिप्लोमा"),
}  # fmt: skip

# "Other" / "not in the list" typed instead of pressed (country and credential questions).
OTHER = {"other": ("other", "something else", "not in the list", "none of these", "その他", "一覧にない", "ほか",
                   "khac", "khong co trong danh sach", "अन्य", "सूचीमा छैन",
                   "outro", "outra", "nao esta na lista")}  # fmt: skip

# Ways out of a form. The intent model decides first (stop, request_human); these confirm it when the
# text would also be a valid answer (a name, an institution), so "đi làm" or "Staff" stay answers.
STOP = parse.STOP_WORDS
PERSON = (
    "talk to", "speak to", "speak with", "real person", "a human", "an agent", "advisor", "adviser", "operator",
    "noi chuyen voi", "gap nguoi", "tu van vien", "nguoi that",
    "と話", "担当者", "オペレーター", "人間と",
    "मान्छेसँग", "कर्मचारीसँग", "कुरा गर्न", "manche sanga", "manchhe sanga", "kura garna",
    "falar com", "atendente", "pessoa real", "um humano",
)  # fmt: skip

# The pathway self-check (issue #7): which check, Japanese tests, fields typed in informal words.
MODE = {
    "points": ("points", "hsp", "hsp points", "calculate", "highly skilled", "ポイント", "高度人材", "計算", "diem",
               "tinh diem", "अंक", "बुँदा", "pontos", "pontuacao", "calcular"),
    "check": ("check", "status", "which status", "residence status", "visa", "which visa", "在留資格", "ビザ",
              "資格", "thi thuc", "tu cach luu tru", "loai visa", "भिसा", "कुन भिसा", "visto", "qual visto",
              "status de residencia"),
}  # fmt: skip

PATHWAY_JAPANESE = {
    "N1": ("n1", "jlpt n1", "1級", "1kyu"),
    "N2": ("n2", "jlpt n2", "2級", "2kyu"),
    "N3": ("n3", "jlpt n3", "3級", "3kyu"),
    "N4": ("n4", "jlpt n4", "4級", "4kyu"),
    "N5": ("n5", "jlpt n5", "5級", "5kyu"),
    "jft": ("jft", "jft basic", "jft-basic", "jftbasic", "a2"),
    "none": ("none", "no", "nothing", "no test", "なし", "ない", "ありません", "khong", "khong co", "chua", "छैन",
             "कुनै छैन", "nenhum", "nenhuma", "nao"),
}  # fmt: skip

# "No job offer" / "no test" typed instead of pressed.
NONE = {"none": ("none", "no", "not yet", "nothing", "no offer", "no job offer", "no test", "なし", "ない", "まだ",
                 "ありません", "khong", "khong co", "chua", "chua co", "छैन", "अहिले छैन", "nenhum", "nenhuma", "nao",
                 "ainda nao", "nao tenho")}  # fmt: skip

# Field ids of knowledge_base/data/pathways.yml by informal words; their names in the five languages
# are matched too (api/chat_flows/checks.py).
FIELD = {
    "it": ("it", "software", "programmer", "programming", "developer", "computer", "information technology",
           "ソフトウェア", "プログラマー", "エンジニア", "情報", "cntt", "lap trinh", "cong nghe thong tin",
           "phan mem", "सफ्टवेयर", "कम्प्युटर", "informatica", "computacao", "programador"),
    "engineering": ("engineering", "mechanical", "electrical", "civil engineering", "工学", "機械", "電気", "ky thuat",
                    "co khi", "dien", "इन्जिनियरिङ", "engenharia"),
    "natural_science": ("science", "physics", "chemistry", "biology", "理学", "物理", "化学", "khoa hoc", "विज्ञान",
                        "ciencias", "fisica", "quimica", "biologia"),
    "business_law_economics": ("business", "economics", "law", "accounting", "finance", "marketing", "経営", "経済",
                               "法律", "会計", "kinh te", "kinh doanh", "luat", "ke toan", "व्यवसाय", "अर्थशास्त्र",
                               "कानुन", "लेखा", "administracao", "economia", "direito", "contabilidade"),
    "languages_translation": ("translation", "interpreting", "interpreter", "language teaching", "teacher", "翻訳",
                              "通訳", "語学", "bien dich", "phien dich", "ngon ngu", "अनुवाद", "traducao", "interprete",
                              "letras"),
    "design_trade": ("design", "trade", "pr", "デザイン", "貿易", "thiet ke", "thuong mai", "डिजाइन", "comercio"),
    "management": ("management", "manager", "ceo", "経営者", "管理職", "quan ly", "व्यवस्थापन", "gestao", "gerente"),
    "research": ("research", "researcher", "研究", "nghien cuu", "अनुसन्धान", "pesquisa"),
    "nursing_care": ("nursing", "care", "caregiver", "kaigo", "介護", "dieu duong", "cham soc", "hộ lý", "हेरचाह",
                     "cuidador", "cuidados", "enfermagem"),
    "building_cleaning": ("cleaning", "清掃", "ve sinh", "सरसफाइ", "limpeza"),
    "industrial_products": ("manufacturing", "factory", "製造", "工場", "san xuat", "nha may", "कारखाना", "fabrica",
                            "fabricacao"),
    "construction": ("construction", "builder", "建設", "建築", "xay dung", "निर्माण", "construcao", "obra"),
    "automobile_repair": ("car repair", "mechanic", "自動車整備", "整備", "sua xe", "sua chua o to", "मर्मत",
                          "mecanico"),
    "accommodation": ("hotel", "accommodation", "ホテル", "宿泊", "khach san", "होटल", "hotelaria", "hospedagem"),
    "agriculture": ("agriculture", "farming", "farm", "農業", "nong nghiep", "कृषि", "खेती", "agricultura"),
    "fishery": ("fishery", "fishing", "fish", "漁業", "ngu nghiep", "माछा", "pesca"),
    "food_manufacturing": ("food manufacturing", "food factory", "food processing", "食品", "食品製造",
                           "che bien thuc pham", "खाद्य उत्पादन", "alimentos"),
    "food_service": ("restaurant", "cook", "chef", "food service", "外食", "飲食", "レストラン", "nha hang", "dau bep",
                     "रेस्टुरेन्ट", "भान्से", "restaurante", "cozinheiro"),
}  # fmt: skip

# "Not known yet" for the offer's salary.
NOT_KNOWN = {"-": ("not known", "not yet", "don't know", "dont know", "unknown", "not decided", "未定", "わからない",
                   "分からない", "まだ", "chua biet", "chua co", "khong biet", "थाहा छैन", "नाहा छैन", "nao sei",
                   "ainda nao sei", "a definir")}  # fmt: skip

# Highest education typed instead of pressed (pathways.yml's education levels).
LEVEL = {
    "lower_secondary": ("junior high", "middle school", "lower secondary", "中学", "中卒", "cap 2", "thcs", "एसईई",
                        "ensino fundamental"),
    "upper_secondary": ("high school", "secondary", "高校", "高卒", "cap 3", "thpt", "+2", "उच्च माध्यमिक",
                        "+2 सम्म", "+2 पास", "प्लस टु", "plus two", "कक्षा १२", "ensino medio"),
    "vocational": ("vocational", "diploma", "trung cap", "nghe", "प्राविधिक", "डिप्लोमा", "tecnico", "curso tecnico"),
    "senmonshi": ("senmonshi", "専門士", "専門学校", "semmon"),
    "associate": ("associate", "junior college", "短大", "短期大学", "cao dang", "tecnologo"),
    "kosen": ("kosen", "高専", "高等専門学校"),
    "bachelor": ("bachelor", "bachelors", "university", "学士", "大卒", "大学", "cu nhan", "dai hoc", "ky su",
                 "स्नातक", "bacharel", "licenciatura", "graduacao", "faculdade"),
    "koudo_senmonshi": ("koudo senmonshi", "高度専門士"),
    "master": ("master", "masters", "修士", "大学院", "thac si", "cao hoc", "स्नातकोत्तर", "मास्टर्स", "मास्टर",
               "mestrado", "mestre"),
    "mba_mot": ("mba", "mot", "経営学修士"),
    "doctorate": ("doctorate", "doctor", "phd", "博士", "tien si", "विद्यावारिधि", "पीएचडी", "doutorado", "doutor"),
}  # fmt: skip

# A request to change the conversation's language, typed in the middle of a form ("やっぱり日本語で
# 話してもいいですか"): one of our languages named (api/chat_flows/places.py) together with one of these.
LANGUAGE_REQUEST = (
    "speak", "talk", "switch", "change", "in english", "in japanese", "language", "please use",
    "で話", "語で", "語にして", "語に変え", "語でお願い",
    "noi tieng", "bang tieng", "doi sang", "chuyen sang", "doi ngon ngu", "ngon ngu",
    "मा कुरा", "मा बोल", "भाषा", "मा लेख", "ma kura", "bhasa",
    "falar em", "fala em", "em portugues", "mudar para", "trocar para", "idioma", "lingua",
)  # fmt: skip
# Our languages' names as people type them inside a sentence (the places index matches whole answers).
LANGUAGE_NAMES = {
    "ja": ("日本語", "japanese", "nihongo", "tieng nhat", "जापानी", "japones"),
    "en": ("英語", "english", "tieng anh", "अंग्रेजी", "ingles"),
    "vi": ("ベトナム語", "vietnamese", "tieng viet", "भियतनामी", "vietnamita"),
    "ne": ("ネパール語", "nepali", "tieng nepal", "नेपाली", "nepales"),
    "pt": ("ポルトガル語", "portuguese", "tieng bo dao nha", "पोर्चुगिज", "portugues"),
}

# Of Japanese descent, as people say it (the self-check then tells about the statuses for Nikkei).
NIKKEI = {
    "nikkei": (
        "nikkei", "nikkeijin", "nisei", "sansei", "yonsei", "japanese descent", "japanese ancestry",
        "japanese heritage",
        "日系", "日系人", "日系二世", "日系三世", "日系四世", "goc nhat", "nguoi goc nhat", "जापानी मूल", "जापानी वंश",
        "descendente de japones", "descendente de japoneses", "descendencia japonesa", "neto de japones",
        "neta de japones", "bisneto de japones",
    )
}  # fmt: skip
