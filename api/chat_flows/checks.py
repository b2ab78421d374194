"""One check per slot: a typed or chosen answer becomes the value the api's own schemas accept, or a
re-ask that names what was wrong. Checks are idempotent (a form re-checks values it already holds)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache

from api.chat_flows import advice, words
from api.chat_flows import slots as s
from api.chat_flows.asks import (
    CATEGORIES,
    DOCUMENTS,
    EDUCATION,
    JAPANESE,
    MODES,
    PATHWAY_JAPANESE,
    PURPOSES,
    education_levels,
    field_name,
)
from api.chat_flows.context import Ctx
from api.chat_flows.outcome import Outcome as Outcome
from api.chat_flows.outcome import bad as bad
from api.chat_flows.outcome import ok as ok
from api.chat_flows.places import find_country, find_language, language_name
from api.conversations.secrets import MASKED_CODE
from api.core import parse
from api.core.i18n import format_number
from api.fce import access
from api.fce.comparability import Country
from api.fce.schemas import _EMAIL  # one e-mail rule for the web form and the chat
from api.pathways.data import pathway_rules
from knowledge_base.language import LANGUAGES

Slots = Mapping[str, s.Value]
EARLIEST_YEAR = 1940  # api.fce.schemas.Year
STUDY_AHEAD_YEARS = 10  # an end year may lie ahead: the programme is still running
MIN_AGE, MAX_AGE, MAX_EXPERIENCE = 15, 100, 70  # api.pathways.schemas.Age / Years
EARLIEST_WORK_AGE = 10  # api.pathways.schemas.EARLIEST_WORK_AGE
# Below this an annual salary in yen is a missing unit ("450" for 450万), above it a typo.
MIN_SALARY, MAX_SALARY = 100_000, 1_000_000_000
# An annual figure below this is what a monthly salary looks like (¥150,000–¥1,000,000): it is asked
# about unless the answer says "a year". ¥1,200,000 a year is ¥100,000 a month, below any full-time wage.
PLAUSIBLE_ANNUAL = 1_200_000
MONTHS = 12
REFERENCE = re.compile(r"FCE\W*(\d{4})\W*(\d{1,8})")


def _text(limit: int) -> Callable[[Ctx, str, s.Value, Slots], Outcome]:
    def check(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
        text = " ".join(str(value).split()) if value is not None else ""
        if not text or text == s.SKIPPED:
            return bad(ctx, slot, "flow.error.empty")
        if not parse.printable(str(value).replace("\n", " ")):
            return bad(ctx, slot, "flow.error.characters")
        if len(text) > limit:
            return bad(ctx, slot, "flow.error.too_long", max=limit)
        return ok(slot, text)

    return check


def _choice(values: tuple[str, ...], table: Mapping[str, tuple[str, ...]]) -> Callable[..., Outcome]:
    def check(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
        text = str(value)
        found = text if text in values else parse.keyword(text, table)
        return ok(slot, found) if found in values else bad(ctx, slot, "flow.error.choice")

    return check


def _country_data(ctx: Ctx, code: str) -> Country | None:
    return ctx.data.country(code)


def fce_country(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = str(value)
    code = find_country(text)
    if code is None and (text == s.OTHER or parse.keyword(text, words.OTHER)):
        return ok(slot, s.OTHER, fce_credential=s.OTHER)
    if code is None:
        return bad(ctx, slot, "flow.error.country_other", value=parse.shorten(text))
    # A country without comparability data has no list to choose from: skip the credential question.
    return ok(slot, code) if _country_data(ctx, code) else ok(slot, code, fce_credential=s.OTHER)


def _match_credential(entry: Country, text: str) -> str | None:
    if entry.credential(text) is not None:
        return text
    key = parse.compact(text)
    if not key:
        return None
    names = {
        c.id: [parse.compact(n) for n in (*c.names.as_dict().values(), c.names.original)] for c in entry.credentials
    }
    exact = [cid for cid, keys in names.items() if key in keys]
    if exact:
        return exact[0]
    stage = parse.keyword(text, words.STAGE)
    by_stage = [c.id for c in entry.credentials if c.stage == stage]
    if len(by_stage) == 1:
        return by_stage[0]
    # Part of a name: three letters, or two kanji ("学士" in 学士（バシャレラード…）).
    partial = [
        cid for cid, keys in names.items() if len(key) >= parse.min_keyword_length(key) and any(key in k for k in keys)
    ]
    return partial[0] if len(partial) == 1 else None


def _credential(country_slot: str, name_slot: str | None) -> Callable[..., Outcome]:
    def check(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
        text = str(value)
        entry = _country_data(ctx, str(slots.get(country_slot) or ""))
        found = _match_credential(entry, text) if entry else None
        if found is None and (text == s.OTHER or parse.keyword(text, words.OTHER)):
            return ok(slot, s.OTHER)
        if found is None:
            return bad(ctx, slot, "flow.error.credential", value=parse.shorten(text))
        # A listed credential needs no free-text name.
        return ok(slot, found, **({name_slot: s.SKIPPED} if name_slot else {}))

    return check


NAME_MAX_WORDS = 8
# Words of a sentence, never of a name (folded): "what do you mean by full name" is a question.
_SENTENCE_WORDS = frozenset({
    # Not "do", "da", "la", "minh", "o": they are in Brazilian and Vietnamese names.
    "what", "how", "why", "can", "could", "is", "are", "does", "i", "my", "you", "your", "the", "please", "mean",
    "gi", "khong", "toi", "nhe", "duoc",
    "que", "como", "eu", "voce", "meu", "minha", "favor", "pode",
    "के", "कसरी", "मेरो", "म", "हो", "छ", "गर्नुहोस्",
})  # fmt: skip
_JAPANESE_SENTENCE = re.compile(r"(です|ます|ください|ですか|ますか|でしょう)[。!！?？]?$")
_NOT_IN_NAMES = re.compile(r"[<>{}\[\]@#$%^*=|\\/?？!！:;0-9０-９]")


def fce_name(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    """A person's name as on their documents: letters, spaces and the marks names use (-, ', ., ・),
    at most eight words. Markup, digits, questions and sentences are asked again."""
    outcome = _text(200)(ctx, slot, value, slots)
    name = outcome.updates.get(slot)
    if not isinstance(name, str):
        return outcome
    words_ = [parse.fold(word) for word in name.split()]
    sentence = any(word in _SENTENCE_WORDS for word in words_) or bool(_JAPANESE_SENTENCE.search(name))
    if _NOT_IN_NAMES.search(name) or len(words_) > NAME_MAX_WORDS or sentence:
        return bad(ctx, slot, "flow.error.name", value=parse.shorten(name))
    return outcome


def fce_cred_name(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    if value == s.SKIPPED and slots.get("fce_cred_id") not in (None, s.OTHER):
        return ok(slot, s.SKIPPED)
    return _text(300)(ctx, slot, value, slots)


def fce_contact(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = str(value).strip()
    if text == s.CHAT or parse.keyword(text, words.CHAT):
        return ok(slot, s.CHAT)
    if "@" in text and len(text) <= 254 and _EMAIL.match(text):
        local, _, domain = text.rpartition("@")
        return ok(slot, f"{local}@{domain.lower()}")
    return bad(ctx, slot, "flow.error.email", value=parse.shorten(text))


def fce_language(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = str(value)
    code = text if text in LANGUAGES else find_language(text) or parse.keyword(text, words.LANGUAGE_NAMES)
    if code in LANGUAGES:
        return ok(slot, code)
    return bad(ctx, slot, "flow.error.language", value=parse.shorten(text))


def _any_country(optional: bool) -> Callable[..., Outcome]:
    def check(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
        text = str(value)
        if optional and (text == s.SKIPPED or parse.yes_no(text) is False or value is False):
            return ok(slot, s.SKIPPED)
        code = find_country(text)
        if code is None:
            return bad(ctx, slot, "flow.error.country", value=parse.shorten(text))
        return ok(slot, code)

    return check


def fce_cred_country(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    outcome = _any_country(optional=False)(ctx, slot, value, slots)
    code = outcome.updates.get(slot)
    if isinstance(code, str) and _country_data(ctx, code) is None:
        outcome.updates["fce_cred_id"] = s.OTHER  # nothing to choose from: the name is typed
    return outcome


def _year(value: s.Value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else parse.year(str(value))


def _bikram_sambat(ctx: Ctx, value: s.Value) -> tuple[int | None, list[str]]:
    """A year typed in Bikram Sambat ("२०७७ साल") as its AD year, and the note saying so."""
    if isinstance(value, int):
        return value, []
    converted = parse.bikram_sambat(str(value), datetime.now(UTC).year)
    if converted is None:
        return _year(value), []
    return converted.ad, [ctx.t("flow.note.bikram_sambat", bs=converted.bs, ad=converted.ad)]


def _year_range(ctx: Ctx) -> str:
    """In Nepali the re-ask also says how to give a Bikram Sambat year."""
    return "flow.error.year_range_bs" if ctx.language == "ne" else "flow.error.year_range"


def fce_start_year(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    (found, notes), now = _bikram_sambat(ctx, value), datetime.now(UTC).year
    if found is None:
        return bad(ctx, slot, "flow.error.not_a_year")
    if not EARLIEST_YEAR <= found <= now:
        return bad(ctx, slot, _year_range(ctx), year=found, min=EARLIEST_YEAR, max=now)
    return Outcome({slot: found}, notes=notes)


def fce_end_year(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    if value == s.SKIPPED or parse.keyword(str(value), words.NOT_FINISHED):
        return ok(slot, s.SKIPPED)
    (found, notes), start = _bikram_sambat(ctx, value), slots.get("fce_start_year")
    latest = datetime.now(UTC).year + STUDY_AHEAD_YEARS
    if found is None:
        return bad(ctx, slot, "flow.error.not_a_year")
    if isinstance(start, int) and found < start:
        return bad(ctx, slot, "flow.error.end_before_start", end=found, start=start)
    if not EARLIEST_YEAR <= found <= latest:
        return bad(ctx, slot, _year_range(ctx), year=found, min=EARLIEST_YEAR, max=latest)
    return Outcome({slot: found}, notes=notes)


def fce_instruction_language(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    code = find_language(str(value))
    # Evaluators read one spelling ("Vietnamese"), whatever language the applicant typed it in.
    return ok(slot, language_name(code, "en")) if code else _text(64)(ctx, slot, value, slots)


def _yes_no(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    answer = value if isinstance(value, bool) else parse.yes_no(str(value))
    return bad(ctx, slot, "flow.error.yes_no") if answer is None else ok(slot, answer)


def fce_consent(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    """Consent is a word or the button, never an emoji or the intent model's guess (a "👎" once
    submitted an application). A typed no is kept: the form ends and nothing is saved."""
    text = str(value)
    if value is True or value is False or text in ("yes", "no"):
        return ok(slot, value is True or text == "yes")
    answer = parse.yes_no(text)
    if answer is None or not parse.has_letters(text):
        return bad(ctx, slot, "flow.error.consent")
    return ok(slot, answer)


def case_reference(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = unicodedata.normalize("NFKC", str(value)).upper()
    match = REFERENCE.search(parse.ascii_digits(text))
    if match is None:
        return bad(ctx, slot, "flow.error.reference")
    number = match.group(2)
    if len(number) == 7:  # neither an old (six digits, zero-padded) nor a new (eight) reference
        return bad(ctx, slot, "flow.error.reference")
    return ok(slot, f"FCE-{match.group(1)}-{number if len(number) == 8 else f'{int(number):06d}'}")


def case_access_code(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    # The mask stands for a code the api took out of the message and holds for the status check.
    if value == s.CODE_GIVEN or MASKED_CODE in str(value):
        return ok(slot, s.CODE_GIVEN)
    code = access.normalise(unicodedata.normalize("NFKC", str(value)))
    if len(code) != access.CODE_LENGTH or any(ch not in access.ALPHABET for ch in code):
        return bad(ctx, slot, "flow.error.access_code")
    return ok(slot, s.CODE_GIVEN)


def _whole(value: s.Value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else parse.whole_number(str(value))


def points_experience(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    years, age = _whole(value), slots.get("points_age")
    if years is None:
        return bad(ctx, slot, "flow.error.not_a_number", value=parse.shorten(str(value)))
    if years < 0:
        return bad(ctx, slot, "flow.error.negative")
    if years > MAX_EXPERIENCE:
        return bad(ctx, slot, "flow.error.experience_range", years=years, max=MAX_EXPERIENCE)
    if isinstance(age, int) and years > age - EARLIEST_WORK_AGE:
        return bad(ctx, slot, "flow.error.experience_vs_age", years=years, age=age)
    return ok(slot, years)


def points_age(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    age, years = _whole(value), slots.get("points_experience")
    if age is None:
        return bad(ctx, slot, "flow.error.not_a_number", value=parse.shorten(str(value)))
    if age < 0:
        return bad(ctx, slot, "flow.error.negative")
    if not MIN_AGE <= age <= MAX_AGE:
        return bad(ctx, slot, "flow.error.age_range", age=age, min=MIN_AGE, max=MAX_AGE)
    if isinstance(years, int) and years > age - EARLIEST_WORK_AGE:
        # The age is plausible on its own; the experience given earlier is what to ask again.
        outcome = bad(ctx, "points_experience", "flow.error.experience_vs_age", years=years, age=age)
        outcome.updates[slot] = age
        return outcome
    return ok(slot, age)


def points_salary(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    return _salary(ctx, slot, value)


def _salary(ctx: Ctx, slot: str, value: s.Value) -> Outcome:
    if isinstance(value, int) and not isinstance(value, bool) and MIN_SALARY <= value <= MAX_SALARY:
        return ok(slot, value)
    found, period = parse.amount(str(value)), parse.salary_period(str(value))
    if found is None:
        return bad(ctx, slot, "flow.error.salary_unreadable", value=parse.shorten(str(value)))
    if found.negative:
        return bad(ctx, slot, "flow.error.negative")
    if period == "month" and MIN_SALARY // MONTHS <= found.yen <= MAX_SALARY // MONTHS:
        # "महिनाको ३ लाख" was once taken as ¥300,000 a year: a monthly wage is converted, and said so.
        annual = found.yen * MONTHS
        note = ctx.t(
            "flow.note.salary_monthly",
            monthly=format_number(found.yen, ctx.language),
            annual=format_number(annual, ctx.language),
        )
        return Outcome({slot: annual}, notes=[note])
    if period is None and MIN_SALARY <= found.yen < PLAUSIBLE_ANNUAL:
        # ¥300,000 "a year" is what a month's wage looks like: asked, unless the answer said "a year".
        return bad(
            ctx,
            slot,
            "flow.error.salary_low",
            amount=format_number(found.yen, ctx.language),
            annual=format_number(found.yen * MONTHS, ctx.language),
        )
    if 0 < found.yen < MIN_SALARY:
        guess = found.yen * 10_000 if found.yen * 10_000 <= MAX_SALARY else MIN_SALARY
        return bad(
            ctx,
            slot,
            "flow.error.salary_small",
            amount=format_number(found.yen, ctx.language),
            guess=format_number(guess, ctx.language),
        )
    if found.yen > MAX_SALARY:
        return bad(ctx, slot, "flow.error.salary_large", amount=format_number(found.yen, ctx.language))
    return ok(slot, found.yen)


# -- The pathway self-check (issue #7): values become api.pathways.schemas.ProfileRequest's. --


@lru_cache(maxsize=1)
def _field_table() -> dict[str, tuple[str, ...]]:
    fields: dict[str, dict[str, object]] = pathway_rules()["fields"]
    table: dict[str, tuple[str, ...]] = {}
    for field_id, entry in fields.items():
        names = entry["name"]
        localised = tuple(str(n) for n in names.values()) if isinstance(names, dict) else ()
        table[field_id] = (field_id, *words.FIELD.get(field_id, ()), *localised)
    return table


def find_field(text: str) -> str | None:
    """A field id of knowledge_base/data/pathways.yml from its id, its name in any language or a common word."""
    table = _field_table()
    if text in table:
        return text
    if parse.keyword(text, words.OTHER):
        return s.OTHER
    return parse.keyword(text, table)


def pathway_edu_level(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text, levels = str(value), education_levels()
    found = text if text in levels else parse.keyword(text, {lvl: (lvl, *words.LEVEL.get(lvl, ())) for lvl in levels})
    if found not in levels:
        return bad(ctx, slot, "flow.error.choice")
    # Titles only Japanese schools award (専門士, 高度専門士, 高専): the country is Japan, and the highest
    # education is not a degree from a Japanese university or graduate school (HSP's +10 bonus).
    if pathway_rules()["education_levels"][found].get("japan_only"):
        return ok(slot, found, pathway_edu_country="JP", pathway_jp_grad=False)
    return ok(slot, found)


def _japanese_university_level(level_id: str) -> bool:
    """A highest education completed in Japan at this level is a Japanese university degree."""
    return level_id in pathway_rules()["statuses"]["hsp"]["japanese_university_levels"]


def pathway_edu_country(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    code = find_country(str(value))
    if code is None:
        return bad(ctx, slot, "flow.error.country", value=parse.shorten(str(value)))
    level_id = str(slots.get("pathway_edu_level"))
    if pathway_rules()["education_levels"].get(level_id, {}).get("japan_only") and code != "JP":
        return bad(ctx, slot, "flow.error.japan_only_level", level=ctx.t(f"pathways.education.{level_id}"))
    if code == "JP" and level_id in pathway_rules()["education_levels"]:
        # Highest education in Japan: a university degree exactly when that level is one (not asked).
        return ok(slot, code, pathway_jp_grad=_japanese_university_level(level_id))
    return ok(slot, code)


def _field(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    found = find_field(str(value))
    return ok(slot, found) if found else bad(ctx, slot, "flow.error.field", value=parse.shorten(str(value)))


def _says_none(value: s.Value) -> bool:
    text = str(value)
    return text == s.NONE or value is False or parse.yes_no(text) is False or bool(parse.keyword(text, words.NONE))


def _field_or_none(ctx: Ctx, slot: str, value: s.Value) -> Outcome:
    """A field, or "none" (no test passed, no offer). The field is tried first: "sửa chữa ô tô" (car
    repair) contains "chưa" (not yet), and is a field."""
    text = str(value)
    if text == s.NONE:
        return ok(slot, s.NONE)
    found = find_field(text)
    if found is not None:
        return ok(slot, found)
    if _says_none(value):
        return ok(slot, s.NONE)
    return bad(ctx, slot, "flow.error.field", value=parse.shorten(text))


def pathway_ssw_test(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    outcome = _field_or_none(ctx, slot, value)
    found = outcome.updates.get(slot)
    if isinstance(found, str) and found != s.NONE and not pathway_rules()["fields"][found].get("ssw1"):
        return bad(ctx, slot, "flow.error.no_ssw_test", field=field_name(ctx, found))
    return outcome


def pathway_job_field(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    outcome = _field_or_none(ctx, slot, value)
    if outcome.updates.get(slot) == s.NONE:
        outcome.updates["pathway_salary"] = s.SKIPPED  # without an offer there is no salary to ask about
    return outcome


def pathway_age(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    age = _whole(value)
    if age is None:
        return bad(ctx, slot, "flow.error.not_a_number", value=parse.shorten(str(value)))
    if age < 0:
        return bad(ctx, slot, "flow.error.negative")
    if not MIN_AGE <= age <= MAX_AGE:
        return bad(ctx, slot, "flow.error.age_range", age=age, min=MIN_AGE, max=MAX_AGE)
    return ok(slot, age)


def pathway_experience(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    none = isinstance(value, str) and _whole(value) is None and _says_none(value)
    outcome = ok(slot, 0) if none else points_experience(ctx, slot, value, {"points_age": slots.get("pathway_age")})
    if outcome.updates.get(slot) == 0:
        outcome.updates["pathway_exp_field"] = s.SKIPPED  # no experience, no field of it
    return outcome


def pathway_exp_field(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    if value == s.SKIPPED and slots.get("pathway_experience") == 0:
        return ok(slot, s.SKIPPED)
    return _field(ctx, slot, value, slots)


def pathway_salary(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    text = str(value)
    if value == s.SKIPPED or parse.yes_no(text) is False or parse.keyword(text, words.NOT_KNOWN):
        return ok(slot, s.SKIPPED)
    return _salary(ctx, slot, value)


Check = Callable[[Ctx, str, s.Value, Slots], Outcome]
CHECKS: dict[str, Check] = {
    "fce_country": fce_country,
    "fce_credential": _credential("fce_country", None),
    "fce_name": fce_name,
    "fce_contact": fce_contact,
    "fce_language": fce_language,
    "fce_residence": _any_country(optional=False),
    "fce_nationality": _any_country(optional=True),
    "fce_purpose": _choice(PURPOSES, words.PURPOSE),
    "fce_cred_country": fce_cred_country,
    "fce_cred_id": _credential("fce_cred_country", "fce_cred_name"),
    "fce_cred_name": fce_cred_name,
    "fce_institution": _text(300),
    "fce_field": _text(200),
    "fce_start_year": fce_start_year,
    "fce_end_year": fce_end_year,
    "fce_instruction_language": fce_instruction_language,
    "fce_documents": _choice(DOCUMENTS, words.DOCUMENTS),
    "fce_consent": fce_consent,
    "case_reference": case_reference,
    "case_access_code": case_access_code,
    "points_category": _choice(CATEGORIES, words.CATEGORY),
    "points_education": _choice(EDUCATION, words.EDUCATION),
    "points_experience": points_experience,
    "points_salary": points_salary,
    "points_age": points_age,
    "points_japanese": _choice(JAPANESE, words.JAPANESE),
    "points_jp_degree": _yes_no,
    "pathway_mode": _choice(MODES, words.MODE),
    "pathway_edu_level": pathway_edu_level,
    "pathway_edu_country": pathway_edu_country,
    "pathway_edu_field": _field,
    "pathway_jp_grad": _yes_no,
    "pathway_age": pathway_age,
    "pathway_experience": pathway_experience,
    "pathway_exp_field": pathway_exp_field,
    "pathway_japanese": _choice(PATHWAY_JAPANESE, words.PATHWAY_JAPANESE),
    "pathway_ssw_test": pathway_ssw_test,
    "pathway_job_field": pathway_job_field,
    "pathway_salary": pathway_salary,
    # Career advice (issue #17): api/chat_flows/advice.py; consent as for an evaluation.
    **advice.CHECKS,
    "advice_consent": fce_consent,
}


def check(ctx: Ctx, slot: str, value: s.Value, slots: Slots) -> Outcome:
    if value is None:
        return bad(ctx, slot, "flow.error.empty")
    return CHECKS[slot](ctx, slot, value, slots)
