"""Career advice in the chat (issue #17 item 2): the advice_form's questions and answer checks, the
booking question, and what the finished form, a booking and "my appointment" show.

The request is the web's (api/advice/service.py AdviceService: one implementation): the form collects
AdviceRequestIn's answers (status of residence now, Japanese level, goal status and field, education and
the field's qualifications, time zone, consent); the chat is the contact, so no e-mail is asked and the
reminder comes back to this conversation. The person's time zone is suggested from what they said
(in Japan: Asia/Tokyo; abroad: their language's home country) and can be typed as a city, a country, an
IANA name or a UTC offset; every time shown names its zone.

asks.py and checks.py register the questions and checks below (ASKS, CHECKS; consent is checked as an
evaluation's, checks.fce_consent); this module imports neither, so they can.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date

from api.advice.path import path_field
from api.advice.schemas import JAPANESE_LEVELS, FreeSlot, check_time_zone, time_zones
from api.advice.service import local_time
from api.chat_flows import slots as s
from api.chat_flows import words
from api.chat_flows.context import Ctx, ask, choice
from api.chat_flows.outcome import Outcome, bad, ok
from api.chat_flows.places import find_country
from api.conversations.responses import Reply
from api.core import parse
from api.fce.web.apply_page import privacy_url
from api.pathways.data import framework_qualifications, localised, pathway_rules
from knowledge_base.languages import LANGUAGES, REGISTRY

Slots = Mapping[str, s.Value]
ABROAD, OTHER_STATUS = "abroad", "other"
# The soonest free times offered as buttons (LINE shows 13 with Cancel; the list stays readable).
MAX_OFFERED = 8
SLOT_PREFIX = "slot"  # a button's value: "slot17" (slot id 17); a typed "2" is the second time offered
JAPAN_ZONE = "Asia/Tokyo"
# A country's zone where it has one (several zones: the city is asked for instead).
COUNTRY_ZONES = {
    "JP": "Asia/Tokyo", "VN": "Asia/Ho_Chi_Minh", "NP": "Asia/Kathmandu", "BR": "America/Sao_Paulo",
    "PH": "Asia/Manila", "ID": "Asia/Jakarta", "MM": "Asia/Yangon", "CN": "Asia/Shanghai", "IN": "Asia/Kolkata",
    "LK": "Asia/Colombo", "BD": "Asia/Dhaka", "MN": "Asia/Ulaanbaatar", "KR": "Asia/Seoul", "TH": "Asia/Bangkok",
    "PE": "America/Lima", "GB": "Europe/London", "TW": "Asia/Taipei", "KH": "Asia/Phnom_Penh",
    "UZ": "Asia/Tashkent", "PK": "Asia/Karachi", "LA": "Asia/Vientiane", "PT": "Europe/Lisbon",
}  # fmt: skip
ZONE_BUTTONS = ("Asia/Tokyo", "Asia/Ho_Chi_Minh", "Asia/Kathmandu", "America/Sao_Paulo", "Asia/Manila", "UTC")
# Cities people name, in the five languages (folded); country names are found by places.find_country.
CITY_ZONES = {
    "Asia/Tokyo": ("tokyo", "osaka", "nagoya", "fukuoka", "東京", "大阪", "名古屋", "日本時間", "jst", "टोकियो"),
    "Asia/Ho_Chi_Minh": ("hanoi", "ha noi", "ho chi minh", "saigon", "sai gon", "da nang", "ハノイ", "ホーチミン"),
    "Asia/Kathmandu": ("kathmandu", "pokhara", "काठमाडौं", "काठमाडौँ", "पोखरा", "カトマンズ", "npt"),
    "America/Sao_Paulo": ("sao paulo", "rio de janeiro", "brasilia", "curitiba", "サンパウロ", "horario de brasilia"),
    "Asia/Manila": ("manila", "cebu", "マニラ"),
    "Asia/Jakarta": ("jakarta", "ジャカルタ"),
    "UTC": ("utc", "gmt"),
}
_JLPT = re.compile(r"(?<![a-z0-9])n\s?([1-5])(?![0-9])")
_OFFSET = re.compile(r"(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?")

# Typed answers besides the names in the five languages (folded when matched).
STATUS_WORDS = {
    ABROAD: ("abroad", "outside japan", "not in japan", "overseas", "海外", "日本にいない", "日本国外", "nuoc ngoai",
             "chua sang nhat", "o viet nam", "विदेश", "नेपालमा", "जापान बाहिर", "exterior", "fora do japao",
             "no brasil"),
    OTHER_STATUS: ("other", "another", "something else", "その他", "技能実習", "家族滞在", "khac", "thuc tap sinh",
                   "अन्य", "अरू", "outro", "outra", "estagiario tecnico"),
    "ssw1": ("ssw1", "ssw 1", "ssw i", "特定技能1号", "tokutei ginou 1", "ky nang dac dinh 1", "dac dinh 1"),
    "ssw2": ("ssw2", "ssw 2", "ssw ii", "特定技能2号", "tokutei ginou 2", "ky nang dac dinh 2", "dac dinh 2"),
    "engineer_humanities": ("gijinkoku", "技人国", "技術・人文知識", "engineer visa", "ky su", "engenheiro"),
    "student": ("student", "留学", "留学生", "学生", "du hoc", "sinh vien", "विद्यार्थी", "estudante"),
    "nursing_care": ("nursing care visa", "介護ビザ", "在留資格介護", "visa dieu duong", "visto de cuidador"),
    "esd": ("esd", "育成就労", "ikusei shuro", "skill development"),
    "hsp": ("hsp", "highly skilled", "高度専門職", "高度人材", "tay nghe cao"),
    "j_find": ("j-find", "j find", "jfind"),
    "j_skip": ("j-skip", "j skip", "jskip"),
    "designated_46": ("designated activities 46", "特定活動46", "tokutei katsudo 46", "46"),
}  # fmt: skip
UNDECIDED = ("not decided", "undecided", "don't know", "dont know", "any", "未定", "決めていない", "わからない",
             "chua biet", "chua quyet dinh", "thaha chhaina", "थाहा छैन", "निश्चित छैन", "nao sei", "indeciso",
             "ainda nao decidi")  # fmt: skip
EDUCATION_WORDS = {
    "lower_secondary": ("junior high", "middle school", "中学", "中学校", "thcs", "cap 2", "ensino fundamental"),
    "upper_secondary": ("high school", "高校", "高等学校", "thpt", "cap 3", "+2", "ensino medio"),
    "associate_degree": ("junior college", "短大", "cao dang", "associate"),
    "senmonshi": ("senmon", "専門学校", "vocational school", "trung cap", "curso tecnico"),
    "bachelor": ("bachelor", "degree", "university", "大学", "大卒", "学士", "cu nhan", "dai hoc", "स्नातक",
                 "bacharel", "graduacao", "licenciatura", "faculdade"),
    "master": ("master", "masters", "大学院", "修士", "thac si", "cao hoc", "स्नातकोत्तर", "mestrado"),
    "doctorate": ("phd", "doctor", "doctorate", "博士", "tien si", "विद्यावारिधि", "doutorado"),
}  # fmt: skip
# Several qualifications in one typed answer.
_LIST_SEPARATORS = re.compile(r"\s*[,、，;/+&]\s*|\s+(?:and|e|va|y|र)\s+")


# -- the choices -------------------------------------------------------------------------------------


def statuses() -> tuple[str, ...]:
    return tuple(pathway_rules()["statuses"])


def current_choices() -> tuple[str, ...]:
    return (ABROAD, *statuses(), OTHER_STATUS)


def status_label(ctx: Ctx, status: str) -> str:
    key = f"advice.current.{status}" if status in (ABROAD, OTHER_STATUS) else f"pathways.status.{status}"
    return ctx.t(key)


def _groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = framework_qualifications()["occupational"]
    return groups


def _academic() -> list[dict[str, Any]]:
    academic: list[dict[str, Any]] = framework_qualifications()["academic"]
    return academic


def fields() -> tuple[str, ...]:
    return tuple(g["field"] for g in _groups())


def field_label(ctx: Ctx, field: str) -> str:
    group = next(g for g in _groups() if g["field"] == field)
    return localised(group["name"], ctx.language)


def ladder_field(slots: Slots) -> str | None:
    """The ladder whose qualifications are asked: the chosen field, else the one the goal status names."""
    goal, chosen = slots.get("advice_goal"), slots.get("advice_field")
    if not isinstance(goal, str):
        return None
    return path_field(goal, chosen if isinstance(chosen, str) and chosen in fields() else None)


def _rungs(field: str | None) -> list[dict[str, Any]]:
    group = next((g for g in _groups() if g["field"] == field), None)
    return list(group["qualifications"]) if group else []


def _names(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names = entry.get("name")
    return tuple(str(n) for n in names.values()) if isinstance(names, dict) else ()


def _catalog_names(ctx: Ctx, key: str) -> tuple[str, ...]:
    return tuple(ctx.catalogs.gettext(key, language) for language in LANGUAGES)


# -- questions -----------------------------------------------------------------------------------------


def _listed(slot: str, values: Callable[[Slots], tuple[str, ...]], label: Callable[[Ctx, str], str]) -> Any:
    def render(ctx: Ctx, slots: Slots) -> Reply:
        return ask(ctx, ctx.t(f"advice.chat.ask.{slot}"), [choice(slot, v, label(ctx, v)) for v in values(slots)])

    return render


def _ask_field(ctx: Ctx, slots: Slots) -> Reply:
    buttons = [choice("advice_field", f, field_label(ctx, f)) for f in fields()]
    buttons.append(choice("advice_field", s.SKIPPED, ctx.t("advice.no_field")))
    return ask(ctx, ctx.t("advice.chat.ask.advice_field"), buttons)


def _ask_education(ctx: Ctx, slots: Slots) -> Reply:
    buttons = [choice("advice_education", q["id"], localised(q["name"], ctx.language)) for q in _academic()]
    buttons.append(choice("advice_education", s.NONE, ctx.t("flow.button.none")))
    return ask(ctx, ctx.t("advice.chat.ask.advice_education"), buttons)


def _ask_qualification(ctx: Ctx, slots: Slots) -> Reply:
    field = ladder_field(slots)
    buttons = [choice("advice_qualification", q["id"], localised(q["name"], ctx.language)) for q in _rungs(field)]
    buttons.append(choice("advice_qualification", s.NONE, ctx.t("flow.button.none")))
    text = ctx.t("advice.chat.ask.advice_qualification", field=field_label(ctx, field) if field else "")
    return ask(ctx, text, buttons)


def suggested_zone(ctx: Ctx, slots: Slots) -> str:
    """In Japan (any status but "abroad"): Japan's time; abroad, the home country of the language."""
    if slots.get("advice_current") != ABROAD:
        return JAPAN_ZONE
    home = next((lang.home_country for lang in REGISTRY if lang.code == ctx.language), None)
    return COUNTRY_ZONES.get(home or "", "UTC")


def zone_label(zone: str, moment: datetime | None = None) -> str:
    """ "Asia/Tokyo (UTC+09:00)": the zone's offset now (or at `moment`)."""
    local = (moment or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")
    return f"{zone} (UTC{offset[:3]}:{offset[3:]})"


def _ask_time_zone(ctx: Ctx, slots: Slots) -> Reply:
    suggested = suggested_zone(ctx, slots)
    zones = dict.fromkeys((suggested, *ZONE_BUTTONS))
    buttons = [choice("advice_time_zone", zone, zone_label(zone)) for zone in zones]
    return ask(ctx, ctx.t("advice.chat.ask.advice_time_zone", zone=zone_label(suggested)), buttons)


def _ask_consent(ctx: Ctx, slots: Slots) -> Reply:
    url = f"{ctx.base_url}{privacy_url(ctx.language)}"
    buttons = [
        choice("advice_consent", "yes", ctx.t("flow.button.agree")),
        choice("advice_consent", "no", ctx.t("flow.button.disagree")),
    ]
    return ask(ctx, ctx.t("advice.chat.ask.advice_consent", privacy_url=url), buttons)


def request_zone(ctx: Ctx) -> tuple[int | None, str]:
    """The conversation's latest request and the zone its times are shown in."""
    if ctx.advice is None or not ctx.conversation_id:
        return None, "UTC"
    request_id = ctx.advice.of_conversation(ctx.conversation_id)
    if request_id is None:
        return None, "UTC"
    return request_id, ctx.advice.status(request_id).time_zone or "UTC"


def offered_slots(ctx: Ctx, zone: str) -> list[FreeSlot]:
    return ctx.advice.free_slots(zone)[:MAX_OFFERED] if ctx.advice is not None else []


def slot_label(ctx: Ctx, starts_at: datetime, zone: str) -> str:
    """A session time on the person's clock: "8 Dec 2026 (Tue) 10:00" in their language."""
    local = local_time(starts_at, zone)
    day = babel_format_date(local.date(), format="medium", locale=ctx.language)
    weekday = babel_format_date(local.date(), format="EEE", locale=ctx.language)
    return f"{day} ({weekday}) {local:%H:%M}"


def _ask_slot(ctx: Ctx, slots: Slots) -> Reply:
    request_id, zone = request_zone(ctx)
    if request_id is None:
        return ask(ctx, ctx.t("advice.chat.status_none", base=ctx.base_url))
    free = offered_slots(ctx, zone)
    if not free:
        return ask(ctx, ctx.t("advice.chat.no_slots_now"))
    buttons = [choice("advice_slot", f"{SLOT_PREFIX}{f.id}", slot_label(ctx, f.starts_at, zone)) for f in free]
    return ask(ctx, ctx.t("advice.chat.ask.advice_slot", zone=zone_label(zone)), buttons)


ASKS: dict[str, Callable[[Ctx, Slots], Reply]] = {
    "advice_current": _listed("advice_current", lambda slots: current_choices(), status_label),
    "advice_japanese": _listed("advice_japanese", lambda slots: JAPANESE_LEVELS, lambda c, v: c.t(f"advice.jlpt.{v}")),
    "advice_goal": _listed("advice_goal", lambda slots: statuses(), status_label),
    "advice_field": _ask_field,
    "advice_education": _ask_education,
    "advice_qualification": _ask_qualification,
    "advice_time_zone": _ask_time_zone,
    "advice_consent": _ask_consent,
    "advice_slot": _ask_slot,
}


# -- checks --------------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", parse.fold(text)))


def find_named(text: str, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The value a typed answer names: a name or word of it inside the answer (parse.keyword), else the
    one value whose name holds the whole answer ("Kỹ năng đặc định số 2", "SSW (i) skills test food
    service" for "Food service SSW (i) skills test (OTAFF)"); None when unclear."""
    found = parse.keyword(text, table)
    if found is not None:
        return found
    key, typed = parse.compact(text), _words(text)
    if not typed or len(key) < parse.min_keyword_length(key) + 1:
        return None
    hits = {
        value for value, names in table.items() for name in names if key in parse.compact(name) or typed <= _words(name)
    }
    return hits.pop() if len(hits) == 1 else None


def _status_table(ctx: Ctx, values: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for value in values:
        key = f"advice.current.{value}" if value in (ABROAD, OTHER_STATUS) else f"pathways.status.{value}"
        table[value] = (value, *_catalog_names(ctx, key), *STATUS_WORDS.get(value, ()))
    return table


def _status(values: Callable[[], tuple[str, ...]]) -> Callable[[Ctx, str, s.Value, Slots], Outcome]:
    def check(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
        text, choices = str(value), values()
        found = text if text in choices else find_named(text, _status_table(ctx, choices))
        return ok(slot, found) if found in choices else bad(ctx, slot, "flow.error.choice")

    return check


def _japanese(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = str(value)
    if text in JAPANESE_LEVELS:
        return ok(slot, text)
    found = parse.keyword(text, words.PATHWAY_JAPANESE)
    if found is None and (typed := _JLPT.search(parse.fold(parse.ascii_digits(text)))) is not None:
        found = f"N{typed.group(1)}"  # "N3に合格しました", "passei no N3"
    # The web form's own label: "JLPT N4 (or JFT-Basic)".
    level = "N4" if found == "jft" else found
    return ok(slot, level) if level in JAPANESE_LEVELS else bad(ctx, slot, "flow.error.choice")


def _field(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = str(value)
    table = {g["field"]: (g["field"], *_names(g), *words.FIELD.get(g["field"], ())) for g in _groups()}
    found = text if text in table else find_named(text, table)
    if found is None and (text == s.SKIPPED or parse.keyword(text, {s.SKIPPED: UNDECIDED})):
        found = s.SKIPPED
    if found is None:
        return bad(ctx, slot, "flow.error.field", value=parse.shorten(text))
    outcome = ok(slot, found)
    if ladder_field({**slots, slot: found}) is None:
        outcome.updates["advice_qualification"] = s.SKIPPED  # no ladder: nothing to choose from
    return outcome


def _says_none(text: str) -> bool:
    return text == s.NONE or parse.yes_no(text) is False or bool(parse.keyword(text, words.NONE))


def _education(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = str(value)
    table = {q["id"]: (q["id"], *_names(q), *EDUCATION_WORDS.get(q["id"], ())) for q in _academic()}
    found = text if text in table else find_named(text, table)
    if found is not None:
        return ok(slot, found)
    return ok(slot, s.NONE) if _says_none(text) else bad(ctx, slot, "flow.error.choice")


def _qualification(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    """One of the field's rungs (a button), or several typed ("SSW food service test, 調理師"), or none."""
    text = str(value)
    if text == s.SKIPPED and ladder_field(slots) is None:
        return ok(slot, s.SKIPPED)
    rungs = _rungs(ladder_field(slots))
    table = {q["id"]: (q["id"], *_names(q)) for q in rungs}
    if text in table or text == s.NONE:
        return ok(slot, text)
    parts = [part for part in _LIST_SEPARATORS.split(parse.fold(text)) if part.strip()]
    found = [find_named(part, table) for part in parts]
    if len(parts) > 1 and all(found):
        return ok(slot, ",".join(dict.fromkeys(str(f) for f in found)))
    single = find_named(text, table)
    if single is not None:
        return ok(slot, single)
    if _says_none(text):
        return ok(slot, s.NONE)
    return bad(ctx, slot, "advice.chat.error.qualification", value=parse.shorten(text))


@lru_cache(maxsize=1)
def _zones_folded() -> dict[str, str]:
    return {zone.casefold(): zone for zone in time_zones()}


def find_zone(text: str) -> str | None:
    """An IANA name, a city, a country with one zone, or a whole-hour UTC offset ("UTC+7")."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    named = _zones_folded().get(cleaned.casefold().replace(" ", "_"))
    if named is not None:
        return named
    offset = _OFFSET.search(parse.fold(cleaned))
    if offset is not None:
        sign, hours, minutes = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
        if minutes == 0 and hours <= 14:
            # IANA's Etc zones count the other way: UTC+7 is Etc/GMT-7.
            return "UTC" if hours == 0 else f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        return None
    city = parse.keyword(cleaned, CITY_ZONES)
    if city is not None:
        return city
    country = find_country(cleaned)
    return COUNTRY_ZONES.get(country or "")


def _time_zone(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = str(value)
    zone = find_zone(text) if len(text) <= 200 else None
    try:
        valid = check_time_zone(zone) if zone else None
    except ValueError:
        valid = None
    if valid is None:
        return bad(ctx, slot, "advice.chat.error.time_zone", value=parse.shorten(text))
    return ok(slot, valid)


def _slot_check(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    """A time offered now: its button ("slot17"), its position ("2"), or its clock time ("10:00")."""
    text = parse.ascii_digits(unicodedata.normalize("NFKC", str(value))).strip()
    _request_id, zone = request_zone(ctx)
    free = offered_slots(ctx, zone)
    ids = {f"{SLOT_PREFIX}{f.id}" for f in free}
    if text in ids:
        return ok(slot, text)
    if text.isdigit() and 1 <= int(text) <= len(free):
        return ok(slot, f"{SLOT_PREFIX}{free[int(text) - 1].id}")
    clock = re.search(r"\b(\d{1,2})[:時h](\d{2})?", text)
    if clock is not None:
        wanted = f"{int(clock.group(1)):02d}:{clock.group(2) or '00'}"
        at = [f for f in free if f"{local_time(f.starts_at, zone):%H:%M}" == wanted]
        if len(at) == 1:
            return ok(slot, f"{SLOT_PREFIX}{at[0].id}")
    return bad(ctx, slot, "advice.chat.error.slot")


CHECKS: dict[str, Callable[[Ctx, str, s.Value, Slots], Outcome]] = {
    "advice_current": _status(current_choices),
    "advice_japanese": _japanese,
    "advice_goal": _status(statuses),
    "advice_field": _field,
    "advice_education": _education,
    "advice_qualification": _qualification,
    "advice_time_zone": _time_zone,
    "advice_slot": _slot_check,
}


# -- results ------------------------------------------------------------------------------------------


class Incomplete(ValueError):
    def __init__(self, slot: str) -> None:
        super().__init__(f"{slot} is missing")
        self.slot = slot


def request_body(ctx: Ctx, slots: Slots) -> dict[str, Any]:
    """AdviceRequestIn's body from the advice_form's answers; Incomplete names a missing answer."""
    for name in s.FORMS["advice_form"]:
        if slots.get(name) is None:
            raise Incomplete(name)
    held = [str(slots["advice_education"])]
    qualifications = str(slots["advice_qualification"])
    if qualifications not in (s.NONE, s.SKIPPED):
        held += qualifications.split(",")
    field = slots["advice_field"]
    return {
        "language": ctx.language,
        "current_status": slots["advice_current"],
        "qualifications": [q for q in held if q != s.NONE],
        "japanese_level": slots["advice_japanese"],
        "goal_status": slots["advice_goal"],
        "goal_field": None if field == s.SKIPPED else field,
        "consent": slots["advice_consent"],
        "time_zone": slots["advice_time_zone"],
    }


# AdviceRequestIn field → the slot that holds it, so a 422 names what the bot asked.
REQUEST_FIELDS = {
    "current_status": "advice_current",
    "qualifications": "advice_qualification",
    "japanese_level": "advice_japanese",
    "goal_status": "advice_goal",
    "goal_field": "advice_field",
    "consent": "advice_consent",
    "time_zone": "advice_time_zone",
}


def path_reply(ctx: Ctx, steps: list[Any], nqf_url: str | None, cases: list[Any]) -> Reply:
    """The suggested learning path, step by step, with the ladder's page and similar case studies."""
    lines = [ctx.t("advice.path.title")]
    if len(steps) <= 1:
        lines.append(ctx.t("advice.path.none"))
    for number, step in enumerate(steps, 1):
        name = f"{ctx.t('advice.path.goal')}: {step.name}" if step.kind == "status" else step.name
        level = f" — {ctx.t('advice.path.level', level=step.level)}" if step.kind not in ("status", "japanese") else ""
        lines.append(f"{number}. {name}{level}")
        if step.via:
            lines.append(f"   {step.via}")
        if step.starts:
            lines.append(f"   {ctx.t('advice.path.starts', date=step.starts)}")
    if nqf_url:
        lines += ["", f"{ctx.t('advice.path.nqf_link')}: {ctx.base_url}{nqf_url}"]
    if cases:
        lines += ["", ctx.t("advice.path.cases")]
        lines += [f"• {case.title}: {ctx.base_url}{case.url}" for case in cases]
    return Reply(text="\n".join(lines))


def book_offer(ctx: Ctx, free: int) -> Reply:
    """After the request: the offer to choose a session time, or why there is none yet."""
    status_url = f"{ctx.base_url}/advice/status?lang={ctx.language}"
    if not free:
        return Reply(text=ctx.t("advice.chat.no_slots", url=status_url))
    return Reply(
        text=ctx.t("advice.chat.book_offer"),
        buttons=[
            {"title": ctx.t("advice.chat.button.book"), "payload": "/book_advice"},
            {"title": ctx.t("flow.button.not_now"), "payload": "/deny"},
        ],
    )
