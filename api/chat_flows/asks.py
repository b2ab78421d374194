"""The question for each slot, with its buttons, in the conversation's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from api.chat_flows import advice
from api.chat_flows import slots as s
from api.chat_flows.context import Ctx, ask, choice
from api.chat_flows.places import language_name, official_language, own_language_name
from api.conversations.responses import Reply
from api.fce.countries import country_name
from api.fce.web.apply_page import privacy_url
from api.pathways.data import localised, pathway_rules
from knowledge_base.languages import LANGUAGES, REGISTRY

# Countries with comparability data, in the order most of our users need them; the conversation
# language's own country goes first. On LINE only the first eleven fit, the rest can be typed.
COUNTRY_ORDER = (
    "VN", "NP", "BR", "PH", "ID", "MM", "CN", "IN", "LK", "BD", "MN", "KR", "TH", "PE", "US", "GB", "CA", "AU",
)  # fmt: skip
HOME = {language.code: language.home_country for language in REGISTRY if language.home_country}
PURPOSES = ("employment", "university_admission", "residence_application", "professional_licence", "other")
DOCUMENTS = ("all", "some", "none")
CATEGORIES = ("a", "b", "c")
EDUCATION = ("doctorate", "mba_mot", "master", "bachelor", "none")
JAPANESE = ("N1", "N2", "none")
# The pathway self-check (issue #7). Fields and levels are the rule file's ids; the buttons offer the
# fields most of our users name (at most eleven, so Cancel fits on LINE), the rest can be typed.
MODES = ("points", "check")
PATHWAY_JAPANESE = ("N1", "N2", "N3", "N4", "N5", "jft", s.NONE)
STUDY_FIELDS = (
    "it", "engineering", "natural_science", "business_law_economics", "languages_translation", "design_trade",
    "nursing_care", "agriculture", "food_service", "construction", "other",
)  # fmt: skip
WORK_FIELDS = (
    "it", "engineering", "business_law_economics", "languages_translation", "management", "nursing_care",
    "food_service", "food_manufacturing", "construction", "agriculture", "other",
)  # fmt: skip
SSW_FIELDS = (
    "nursing_care", "food_service", "food_manufacturing", "construction", "agriculture", "industrial_products",
    "accommodation", "building_cleaning", "automobile_repair", "fishery",
)  # fmt: skip

Slots = Mapping[str, s.Value]


def covered_countries(ctx: Ctx) -> list[str]:
    known = [code for code in COUNTRY_ORDER if code in ctx.data.countries]
    known += sorted(code for code in ctx.data.countries if code not in COUNTRY_ORDER)
    home = HOME.get(ctx.language)
    return sorted(known, key=lambda code: code != home)  # stable: home first, the rest in order


def _country_buttons(ctx: Ctx, slot: str, codes: list[str]) -> list[dict[str, str]]:
    return [choice(slot, code, country_name(code, ctx.language)) for code in dict.fromkeys(codes)]


def _credential_buttons(ctx: Ctx, slot: str, country: s.Value) -> list[dict[str, str]]:
    entry = ctx.data.country(str(country)) if isinstance(country, str) else None
    buttons = [choice(slot, c.id, getattr(c.names, ctx.language)) for c in entry.credentials] if entry else []
    return [*buttons, choice(slot, s.OTHER, ctx.t("fce.form.credential_other"))]


def _fce_country(ctx: Ctx, slots: Slots) -> Reply:
    buttons = _country_buttons(ctx, "fce_country", covered_countries(ctx))
    buttons.append(choice("fce_country", s.OTHER, ctx.t("flow.button.other")))
    return ask(ctx, ctx.t("flow.ask.fce_country"), buttons)


def _fce_credential(ctx: Ctx, slots: Slots) -> Reply:
    country = country_name(str(slots.get("fce_country") or ""), ctx.language)
    text = ctx.t("flow.ask.fce_credential", country=country)
    return ask(ctx, text, _credential_buttons(ctx, "fce_credential", slots.get("fce_country")))


def _fce_language(ctx: Ctx, slots: Slots) -> Reply:
    codes = sorted(LANGUAGES, key=lambda code: code != ctx.language)
    buttons = [choice("fce_language", code, own_language_name(code)) for code in codes]
    return ask(ctx, ctx.t("flow.ask.fce_language", current=own_language_name(ctx.language)), buttons)


def _known_countries(slots: Slots, *names: str) -> list[str]:
    values = [slots.get(name) for name in names]
    return [str(v) for v in values if isinstance(v, str) and len(v) == 2]


def _fce_residence(ctx: Ctx, slots: Slots) -> Reply:
    codes = ["JP", *_known_countries(slots, "fce_cred_country")]
    return ask(ctx, ctx.t("flow.ask.fce_residence"), _country_buttons(ctx, "fce_residence", codes))


def _fce_nationality(ctx: Ctx, slots: Slots) -> Reply:
    codes = _known_countries(slots, "fce_cred_country", "fce_residence")
    buttons = _country_buttons(ctx, "fce_nationality", [c for c in codes if c != "JP"])
    buttons.append(choice("fce_nationality", s.SKIPPED, ctx.t("flow.button.skip")))
    return ask(ctx, ctx.t("flow.ask.fce_nationality"), buttons)


def _fce_cred_id(ctx: Ctx, slots: Slots) -> Reply:
    country = country_name(str(slots.get("fce_cred_country") or ""), ctx.language)
    text = ctx.t("flow.ask.fce_credential", country=country)
    return ask(ctx, text, _credential_buttons(ctx, "fce_cred_id", slots.get("fce_cred_country")))


def _fce_end_year(ctx: Ctx, slots: Slots) -> Reply:
    return ask(
        ctx, ctx.t("flow.ask.fce_end_year"), [choice("fce_end_year", s.SKIPPED, ctx.t("flow.button.not_finished"))]
    )


def _fce_instruction_language(ctx: Ctx, slots: Slots) -> Reply:
    country = slots.get("fce_cred_country")
    local = official_language(country) if isinstance(country, str) and len(country) == 2 else None
    codes = dict.fromkeys(code for code in ("en", local, "ja") if code)
    buttons = [choice("fce_instruction_language", code, language_name(code, ctx.language)) for code in codes]
    return ask(ctx, ctx.t("flow.ask.fce_instruction_language"), buttons)


def _fce_consent(ctx: Ctx, slots: Slots) -> Reply:
    url = f"{ctx.base_url}{privacy_url(ctx.language)}"
    buttons = [
        choice("fce_consent", "yes", ctx.t("flow.button.agree")),
        choice("fce_consent", "no", ctx.t("flow.button.disagree")),
    ]
    return ask(ctx, ctx.t("flow.ask.fce_consent", privacy_url=url), buttons)


def _listed(slot: str, values: tuple[str, ...], label: Callable[[Ctx, str], str]) -> Callable[[Ctx, Slots], Reply]:
    def render(ctx: Ctx, slots: Slots) -> Reply:
        return ask(ctx, ctx.t(f"flow.ask.{slot}"), [choice(slot, v, label(ctx, v)) for v in values])

    return render


def _plain(slot: str) -> Callable[[Ctx, Slots], Reply]:
    def render(ctx: Ctx, slots: Slots) -> Reply:
        return ask(ctx, ctx.t(f"flow.ask.{slot}", year=datetime.now(UTC).year))

    return render


def _yes_no(slot: str) -> Callable[[Ctx, Slots], Reply]:
    def render(ctx: Ctx, slots: Slots) -> Reply:
        buttons = [choice(slot, "yes", ctx.t("flow.button.yes")), choice(slot, "no", ctx.t("flow.button.no"))]
        return ask(ctx, ctx.t(f"flow.ask.{slot}"), buttons)

    return render


def education_levels() -> tuple[str, ...]:
    return tuple(pathway_rules()["education_levels"])


def field_name(ctx: Ctx, field_id: str) -> str:
    return localised(pathway_rules()["fields"][field_id]["name"], ctx.language)


def _fields(slot: str, fields: tuple[str, ...], first: tuple[str, str] | None = None) -> Callable[[Ctx, Slots], Reply]:
    """A field question: `first` is an extra (value, button key) shown before the fields ("No job offer")."""

    def render(ctx: Ctx, slots: Slots) -> Reply:
        buttons = [choice(slot, first[0], ctx.t(first[1]))] if first else []
        buttons += [choice(slot, f, field_name(ctx, f)) for f in fields]
        return ask(ctx, ctx.t(f"flow.ask.{slot}"), buttons)

    return render


def _pathway_edu_country(ctx: Ctx, slots: Slots) -> Reply:
    home = HOME.get(ctx.language)
    codes = [code for code in ("JP", home, *COUNTRY_ORDER) if code][:10]
    return ask(ctx, ctx.t("flow.ask.pathway_edu_country"), _country_buttons(ctx, "pathway_edu_country", codes))


def _pathway_japanese_label(ctx: Ctx, value: str) -> str:
    if value == "jft":
        return "JFT-Basic"
    return ctx.t("flow.button.none") if value == s.NONE else f"JLPT {value}"


ASKS: dict[str, Callable[[Ctx, Slots], Reply]] = {
    "fce_country": _fce_country,
    "fce_credential": _fce_credential,
    "fce_name": _plain("fce_name"),
    "fce_contact": _listed("fce_contact", (s.CHAT,), lambda ctx, v: ctx.t("flow.button.this_chat")),
    "fce_language": _fce_language,
    "fce_residence": _fce_residence,
    "fce_nationality": _fce_nationality,
    "fce_purpose": _listed("fce_purpose", PURPOSES, lambda ctx, v: ctx.t(f"fce.form.purpose_{v}")),
    # Asked only when the preview's country was "other": it is typed, buttons would repeat that list.
    "fce_cred_country": _plain("fce_cred_country"),
    "fce_cred_id": _fce_cred_id,
    "fce_cred_name": _plain("fce_cred_name"),
    "fce_institution": _plain("fce_institution"),
    "fce_field": _plain("fce_field"),
    "fce_start_year": _plain("fce_start_year"),
    "fce_end_year": _fce_end_year,
    "fce_instruction_language": _fce_instruction_language,
    "fce_documents": _listed("fce_documents", DOCUMENTS, lambda ctx, v: ctx.t(f"fce.form.documents_{v}")),
    "fce_consent": _fce_consent,
    "case_reference": _plain("case_reference"),
    "case_access_code": _plain("case_access_code"),
    "points_category": _listed("points_category", CATEGORIES, lambda ctx, v: ctx.t(f"flow.button.category_{v}")),
    "points_education": _listed("points_education", EDUCATION, lambda ctx, v: ctx.t(f"points.education.{v}")),
    "points_experience": _plain("points_experience"),
    "points_salary": _plain("points_salary"),
    "points_age": _plain("points_age"),
    "points_japanese": _listed("points_japanese", JAPANESE, lambda ctx, v: ctx.t(f"flow.button.japanese_{v}")),
    "points_jp_degree": _yes_no("points_jp_degree"),
    "pathway_mode": _listed("pathway_mode", MODES, lambda ctx, v: ctx.t(f"flow.button.mode_{v}")),
    "pathway_edu_level": lambda ctx, slots: _listed(
        "pathway_edu_level", education_levels(), lambda c, v: c.t(f"pathways.education.{v}")
    )(ctx, slots),
    "pathway_edu_country": _pathway_edu_country,
    "pathway_edu_field": _fields("pathway_edu_field", STUDY_FIELDS),
    "pathway_jp_grad": _yes_no("pathway_jp_grad"),
    "pathway_age": _plain("pathway_age"),
    "pathway_experience": _listed("pathway_experience", ("0",), lambda ctx, v: ctx.t("flow.button.no_experience")),
    "pathway_exp_field": _fields("pathway_exp_field", WORK_FIELDS),
    "pathway_japanese": _listed("pathway_japanese", PATHWAY_JAPANESE, _pathway_japanese_label),
    "pathway_ssw_test": _fields("pathway_ssw_test", SSW_FIELDS, (s.NONE, "flow.button.no_ssw_test")),
    "pathway_job_field": _fields("pathway_job_field", WORK_FIELDS[:-1], (s.NONE, "flow.button.no_job_offer")),
    "pathway_salary": _listed("pathway_salary", (s.SKIPPED,), lambda ctx, v: ctx.t("flow.button.salary_unknown")),
    # Career advice (issue #17): api/chat_flows/advice.py.
    **advice.ASKS,
}


def render_ask(ctx: Ctx, slot: str, slots: Slots) -> Reply:
    return ASKS[slot](ctx, slots)
