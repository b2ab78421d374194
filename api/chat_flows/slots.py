"""The forms' slots and the values that stand for "no answer" (a Rasa form needs every slot filled).

bot/scripts/generate.py writes the forms, their questions and slots into bot/domain/generated.yml from here.
"""

from __future__ import annotations

from typing import Literal, get_args

SlotName = Literal[
    "fce_country",
    "fce_credential",
    "fce_name",
    "fce_contact",
    "fce_language",
    "fce_residence",
    "fce_nationality",
    "fce_purpose",
    "fce_cred_country",
    "fce_cred_id",
    "fce_cred_name",
    "fce_institution",
    "fce_field",
    "fce_start_year",
    "fce_end_year",
    "fce_instruction_language",
    "fce_documents",
    "fce_consent",
    "fce_submission_id",
    "case_reference",
    "case_access_code",
    "points_category",
    "points_education",
    "points_experience",
    "points_salary",
    "points_age",
    "points_japanese",
    "points_jp_degree",
    "pathway_mode",
    "pathway_edu_level",
    "pathway_edu_country",
    "pathway_edu_field",
    "pathway_jp_grad",
    "pathway_age",
    "pathway_experience",
    "pathway_exp_field",
    "pathway_japanese",
    "pathway_ssw_test",
    "pathway_job_field",
    "pathway_salary",
    "advice_current",
    "advice_japanese",
    "advice_goal",
    "advice_field",
    "advice_education",
    "advice_qualification",
    "advice_time_zone",
    "advice_consent",
    "advice_slot",
]
SLOT_NAMES: tuple[str, ...] = get_args(SlotName)

FORMS: dict[str, tuple[str, ...]] = {
    "fce_preview_form": ("fce_country", "fce_credential"),
    "fce_application_form": (
        "fce_name",
        "fce_contact",
        "fce_language",
        "fce_residence",
        "fce_nationality",
        "fce_purpose",
        "fce_cred_country",
        "fce_cred_id",
        "fce_cred_name",
        "fce_institution",
        "fce_field",
        "fce_start_year",
        "fce_end_year",
        "fce_instruction_language",
        "fce_documents",
        "fce_consent",
    ),
    "case_status_form": ("case_reference", "case_access_code"),
    "points_form": (
        "points_category",
        "points_education",
        "points_experience",
        "points_salary",
        "points_age",
        "points_japanese",
        "points_jp_degree",
    ),
    # points_check first asks which of the two checks (issue #7): the HSP points or the self-check.
    "pathway_mode_form": ("pathway_mode",),
    "pathway_form": (
        "pathway_edu_level",
        "pathway_edu_country",
        "pathway_edu_field",
        "pathway_jp_grad",
        "pathway_age",
        "pathway_experience",
        "pathway_exp_field",
        "pathway_japanese",
        "pathway_ssw_test",
        "pathway_job_field",
        "pathway_salary",
    ),
    # Career advice (issue #17 item 2): the web form's answers (api/advice/schemas.py AdviceRequestIn; the
    # chat itself is the contact), then, once the request exists, a session time (advice_booking_form).
    "advice_form": (
        "advice_current",
        "advice_japanese",
        "advice_goal",
        "advice_field",
        "advice_education",
        "advice_qualification",
        "advice_time_zone",
        "advice_consent",
    ),
    "advice_booking_form": ("advice_slot",),
}
ASKED_SLOTS: tuple[str, ...] = tuple(slot for slots in FORMS.values() for slot in slots)

# Sentinels. SKIPPED: an optional answer left out (nationality, end year of an unfinished programme,
# the free-text name when a listed credential was chosen). OTHER: not in our lists.
SKIPPED = "-"
OTHER = "other"
CHAT = "chat"  # contact through this conversation rather than e-mail
# The access code never enters a slot (Rasa keeps every slot event): the slot only records that a
# well-formed code was typed, and the status action reads the code from that same message.
CODE_GIVEN = "given"
NONE = "none"  # no such test passed, no job offer (the self-check's lists)

Value = str | int | bool | None
