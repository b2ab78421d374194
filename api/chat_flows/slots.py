"""The forms' slots and the values that stand for "no answer" (a Rasa form needs every slot filled).

bot/domain.yml declares the same forms; tests/api/test_chat_flows_catalogs.py checks they agree.
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

Value = str | int | bool | None
