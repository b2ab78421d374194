"""What a finished form shows: the instant preview, the case status, the HSP points; and the
application body the chat submits to /internal/v1/fce/cases."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from api.chat_flows import slots as s
from api.chat_flows.context import Ctx
from api.conversations.responses import Reply
from api.core.i18n import format_date
from api.fce.countries import country_name
from api.fce.preview import preview_result
from api.fce.schemas import PreviewRequest
from api.fce.service import StatusView
from api.pathways.check import check, rules_as_of
from api.pathways.points import calculate
from api.pathways.present import disclaimer, points_body, status_body
from api.pathways.schemas import PointsRequest, ProfileRequest

Slots = Mapping[str, s.Value]
JAPAN = "JP"
# The Immigration Services Agency's page on the Long-Term Resident status (定住者), which names the
# statuses open to descendants of Japanese nationals.
NIKKEI_SOURCE = "https://www.moj.go.jp/isa/applications/status/longtermresident.html"
APPLICATION_SLOTS = s.FORMS["fce_application_form"]


def _sources(urls: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
    # The data's sources are addresses; the widget and channels show a title, so the site's name is it.
    return [{"topic_id": "", "title": urlparse(u).netloc or u, "url": u} for u in urls if u.startswith("http")]


def preview(ctx: Ctx, slots: Slots) -> tuple[list[Reply], dict[str, s.Value]]:
    """The preview, the offer to apply, and the application's slots: prefilled from the preview, the
    rest cleared, and a new submission id so a retried submit of this application is recognised."""
    country, credential_id = str(slots.get("fce_country") or s.OTHER), str(slots.get("fce_credential") or s.OTHER)
    updates: dict[str, s.Value] = dict.fromkeys((*s.FORMS["fce_preview_form"], *APPLICATION_SLOTS))
    updates["fce_submission_id"] = uuid.uuid4().hex
    entry = ctx.data.country(country) if country != s.OTHER else None
    credential = entry.credential(credential_id) if entry else None
    name = country_name(country, ctx.language)
    if country != s.OTHER:
        updates["fce_cred_country"] = country
        updates["fce_cred_id"] = credential.id if credential else s.OTHER
    if credential is not None:
        updates["fce_cred_name"] = s.SKIPPED
        fields = {"country": country, "credential": credential.id, "language": ctx.language}
        request = PreviewRequest.model_validate(fields)
        result = preview_result(credential, request, ctx.catalogs)
        text = ctx.t(
            "flow.fce.preview",
            credential=without_country(getattr(credential.names, ctx.language), name),
            country=name,
            equivalent=result["japan_equivalent"][ctx.language],
            jqf=result["jqf_level"],
            isced=result["isced_level"],
            confidence=ctx.t(f"flow.fce.confidence.{result['confidence']}"),
        )
        text = f"{text}\n\n{ctx.t('fce.preview.disclaimer')}"
        first = Reply(text=text, sources=_sources(result["sources"]))
    elif country == JAPAN:
        # A Japanese degree needs no foreign-credential evaluation: nothing to apply for.
        return [Reply(text=ctx.t("flow.fce.japanese_degree"))], updates
    elif country == s.OTHER:
        first = Reply(text=ctx.t("flow.fce.no_preview"))
    elif entry is None:
        first = Reply(text=ctx.t("flow.fce.no_data", country=name))
    else:
        first = Reply(text=ctx.t("flow.fce.not_listed", country=name))
    offer = Reply(
        text=ctx.t("flow.fce.offer"),
        buttons=[
            {"title": ctx.t("flow.button.apply"), "payload": "/affirm"},
            {"title": ctx.t("flow.button.not_now"), "payload": "/deny"},
        ],
    )
    return [first, offer], updates


def without_country(credential: str, country: str) -> str:
    """A credential's name without its country in brackets: the preview names the country once
    ("Baccalaureate degree (Philippines) (Philippines)" was shown)."""
    for bracket in (f"({country})", f"（{country}）"):
        if bracket in credential:
            return " ".join(credential.replace(bracket, " ").split())
    return credential


class Incomplete(ValueError):
    def __init__(self, slot: str) -> None:
        super().__init__(f"{slot} is missing")
        self.slot = slot


def _given(slots: Slots, name: str) -> Any:
    value = slots.get(name)
    return None if value == s.SKIPPED else value


def application(conversation_id: str, slots: Slots) -> dict[str, Any]:
    """The ChatApplication body for /internal/v1/fce/cases; Incomplete names a missing answer."""
    for name in APPLICATION_SLOTS:
        if slots.get(name) is None:
            raise Incomplete(name)
    contact = slots["fce_contact"]
    return {
        "conversation_id": conversation_id,
        "email": None if contact == s.CHAT else contact,
        "name": slots["fce_name"],
        "preferred_language": slots["fce_language"],
        "residence_country": slots["fce_residence"],
        "nationality": _given(slots, "fce_nationality"),
        "purpose": slots["fce_purpose"],
        "credentials": [
            {
                "country": slots["fce_cred_country"],
                "credential_id": None if slots["fce_cred_id"] == s.OTHER else slots["fce_cred_id"],
                "credential_name": _given(slots, "fce_cred_name"),
                "institution": slots["fce_institution"],
                "field_of_study": slots["fce_field"],
                "start_year": slots["fce_start_year"],
                "end_year": _given(slots, "fce_end_year"),
                "language_of_instruction": slots["fce_instruction_language"],
            }
        ],
        "documents": slots["fce_documents"],
        "consent": slots["fce_consent"],
    }


def case_status(ctx: Ctx, view: StatusView) -> Reply:
    step = "submitted_interview" if view.interview_path and view.status == "submitted" else view.status
    lines = [
        ctx.t("flow.case.status", reference=view.reference, status=ctx.t(f"flow.case.state.{view.status}")),
        ctx.t("flow.case.next_step", next_step=ctx.t(f"fce.next_step.{step}")),
        ctx.t("flow.case.timeline"),
    ]
    for entry in view.timeline:
        status, at = entry[0], entry[1]
        line = f"• {format_date(at, ctx.language)}: {ctx.t(f'flow.case.state.{status}')}"
        message = entry[2] if len(entry) > 2 else None
        lines.append(f"{line}\n  {message}" if message else line)
    return Reply(text="\n".join(lines))


def points_request(ctx: Ctx, slots: Slots) -> PointsRequest:
    """Raises pydantic's ValidationError (the router names the slot) or Incomplete."""
    for name in s.FORMS["points_form"]:
        if slots.get(name) is None:
            raise Incomplete(name)
    japanese = slots["points_japanese"]
    return PointsRequest.model_validate(
        {
            "category": slots["points_category"],
            "education": slots["points_education"],
            "age": slots["points_age"],
            "years_experience": slots["points_experience"],
            "annual_salary_jpy": slots["points_salary"],
            "japanese": None if japanese == "none" else japanese,
            "japanese_university_degree": slots["points_jp_degree"],
            "language": ctx.language,
        }
    )


# PointsRequest field → the slot that holds it, so a 422 names what the bot asked.
POINTS_FIELDS = {
    "category": "points_category",
    "education": "points_education",
    "age": "points_age",
    "years_experience": "points_experience",
    "annual_salary_jpy": "points_salary",
    "japanese": "points_japanese",
    "japanese_university_degree": "points_jp_degree",
}


def points(ctx: Ctx, request: PointsRequest) -> tuple[Reply, dict[str, Any]]:
    body = points_body(calculate(request), ctx.language, ctx.catalogs)
    verdict = "points.result.eligible" if body["eligible"] else "points.result.not_eligible"
    lines = [
        ctx.t("flow.points.total", total=body["total"], threshold=body["threshold"]),
        ctx.t(f"points.category.{body['category']}") + ": " + ctx.t(verdict),
        "",
        ctx.t("flow.points.breakdown"),
    ]
    lines += [f"• {line['label']}: {line['points']} — {line['rule']}" for line in body["breakdown"]]
    lines += ["", *body["notes"]]
    return Reply(text="\n".join(lines)), body


def pathway_request(ctx: Ctx, slots: Slots) -> ProfileRequest:
    """The self-check's profile (POST /api/v1/pathways/check's body) from the pathway_form's answers.
    Raises pydantic's ValidationError (the router names the slot) or Incomplete."""
    for name in s.FORMS["pathway_form"]:
        if slots.get(name) is None:
            raise Incomplete(name)
    japanese, ssw, job = slots["pathway_japanese"], slots["pathway_ssw_test"], slots["pathway_job_field"]
    return ProfileRequest.model_validate(
        {
            "age": slots["pathway_age"],
            "education_level": slots["pathway_edu_level"],
            "education_country": slots["pathway_edu_country"],
            "education_field": slots["pathway_edu_field"],
            "experience_years": slots["pathway_experience"],
            "experience_field": _given(slots, "pathway_exp_field"),
            "graduated_in_japan": slots["pathway_jp_grad"],
            "jlpt": japanese if japanese in ("N1", "N2", "N3", "N4", "N5") else None,
            "jft_basic": japanese == "jft",
            "ssw_skills_tests": [] if ssw == s.NONE else [ssw],
            "job_offer_field": None if job == s.NONE else job,
            "job_offer_salary_jpy": _given(slots, "pathway_salary"),
            "language": ctx.language,
        }
    )


# ProfileRequest field → the slot that holds it, so a 422 names what the bot asked.
PATHWAY_FIELDS = {
    "age": "pathway_age",
    "education_level": "pathway_edu_level",
    "education_country": "pathway_edu_country",
    "education_field": "pathway_edu_field",
    "experience_years": "pathway_experience",
    "experience_field": "pathway_exp_field",
    "graduated_in_japan": "pathway_jp_grad",
    "jlpt": "pathway_japanese",
    "jft_basic": "pathway_japanese",
    "ssw_skills_tests": "pathway_ssw_test",
    "job_offer_field": "pathway_job_field",
    "job_offer_salary_jpy": "pathway_salary",
}
OUTCOMES = ("fits", "nearly", "no")


def pathway(ctx: Ctx, profile: ProfileRequest, nikkei: bool = False) -> tuple[list[Reply], dict[str, Any]]:
    """The self-check's result, as POST /api/v1/pathways/check computes it: what fits, what nearly fits
    and what is missing, briefly what does not; each status with its knowledge-base page. Then, when
    the HSP points nearly reach the threshold, the offer to calculate them (Calculate /affirm)."""
    bodies = [status_body(r, ctx.language, ctx.catalogs, ctx.base_url) for r in check(profile)]
    groups = {outcome: [b for b in bodies if b["outcome"] == outcome] for outcome in OUTCOMES}
    lines = [ctx.t("flow.pathway.intro")]
    for outcome in OUTCOMES:
        if not groups[outcome]:
            continue
        lines += ["", ctx.t(f"flow.pathway.{outcome}")]
        for body in groups[outcome]:
            link = body["topics"][0]["url"] if body["topics"] else ""
            lines.append(f"• {body['name']}: {link}" if link else f"• {body['name']}")
            if outcome == "nearly" and body["missing"]:
                lines.append("  " + ctx.t("flow.pathway.missing", items=" ".join(body["missing"])))
            elif outcome == "no" and (body["missing"] or body["reasons"]):
                # Why it does not fit: what is missing, or else the rule's reason (#20: none was given).
                why = body["missing"] or body["reasons"]
                lines.append("  " + ctx.t("flow.pathway.why_not", reasons=" ".join(why[:2])))
    if not groups["fits"] and not groups["nearly"]:
        lines += ["", ctx.t("flow.pathway.none_fit")]
    lines += ["", *disclaimer(ctx.language, ctx.catalogs, rules_as_of())]
    replies = [Reply(text="\n".join(lines))]
    if nikkei:
        # Of Japanese descent: statuses the rule file does not cover, with no limit on the work done.
        replies.append(Reply(text=ctx.t("flow.pathway.nikkei"), sources=_sources([NIKKEI_SOURCE])))
    offer = any(b["status"] == "hsp" for b in groups["nearly"])
    if offer:
        replies.append(
            Reply(
                text=ctx.t("flow.pathway.offer_points"),
                buttons=[
                    {"title": ctx.t("flow.button.calculate_points"), "payload": "/affirm"},
                    {"title": ctx.t("flow.button.not_now"), "payload": "/deny"},
                ],
            )
        )
    summary = {outcome: [b["status"] for b in groups[outcome]] for outcome in OUTCOMES}
    return replies, {**summary, "offer_points": offer}
