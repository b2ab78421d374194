"""Request bodies and response models.

Requests: strict numbers, "35" is a string, not an age, and gets a 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from api.core.schemas import ResponseModel
from api.pathways.data import pathway_rules
from knowledge_base.languages import Language

Education = Literal["doctorate", "mba_mot", "master", "bachelor", "none"]
# Upper bounds reject absurd values (typos with extra zeros) rather than compute on them.
Age = Annotated[int, Field(strict=True, ge=15, le=100)]
Years = Annotated[int, Field(strict=True, ge=0, le=70)]
Yen = Annotated[int, Field(strict=True, ge=0, le=10_000_000_000)]
Flag = Annotated[bool, Field(strict=True)]
# HSP research achievements: how many of the table's four kinds apply (patent, funded projects, papers, other).
ResearchKinds = Annotated[int, Field(strict=True, ge=0, le=4)]
# HSP (i)(b) qualifications: Japanese national qualifications or IT exams related to the work.
QualificationCount = Annotated[int, Field(strict=True, ge=0, le=20)]
Qualification = Literal["kaigo_fukushishi", "jitsumusha_kenshu", "shoninsha_kenshu", "ipa_fe", "ipa_ap", "ipa_advanced"]
# Work cannot have started before about age 10; more experience than that is a typo.
EARLIEST_WORK_AGE = 10


def _experience_fits_age(years: int, info: ValidationInfo) -> int:
    age = info.data.get("age")
    if isinstance(age, int) and years > age - EARLIEST_WORK_AGE:
        raise ValueError(f"more years of experience than possible at age {age}")
    return years


def _known(kind: str, value: str) -> str:
    known = pathway_rules()[kind]
    if value not in known:
        raise ValueError(f"unknown value; expected one of: {', '.join(known)}")
    return value


class PointsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Literal["a", "b", "c"]
    education: Education
    age: Age
    years_experience: Years
    annual_salary_jpy: Yen
    japanese: Literal["N1", "N2"] | None = None
    japanese_university_degree: Flag = False
    # Optional bonus items of the ISA table.
    multiple_degrees: Flag = False
    top_university: Flag = False
    position: Literal["representative_director", "director"] | None = None
    investment_100m: Flag = False
    innovation_support: Flag = False
    innovation_sme: Flag = False
    growth_field: Flag = False
    # Added for issue #7 (all optional, so older callers such as the chat flows are unaffected).
    research_achievements: ResearchKinds = 0
    national_qualifications: QualificationCount = 0
    local_government_support: Flag = False
    rnd_intensive_sme: Flag = False
    foreign_qualification: Flag = False
    investment_management: Flag = False
    jica_training: Flag = False
    language: Language = "en"

    _check_experience = field_validator("years_experience")(_experience_fits_age)


class ProfileRequest(BaseModel):
    """The short profile of the pathway self-check; optional fields sharpen the answer."""

    model_config = ConfigDict(extra="forbid")

    age: Age
    education_level: str
    education_country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    education_field: str
    experience_years: Years
    experience_field: str | None = None
    graduated_in_japan: Flag
    jlpt: Literal["N1", "N2", "N3", "N4", "N5"] | None = None
    jft_basic: Flag = False
    bjt_score: Annotated[int, Field(strict=True, ge=0, le=800)] | None = None
    nursing_care_japanese_test: Flag = False
    ssw_skills_tests: Annotated[list[str], Field(max_length=30)] = []
    ssw2_skills_tests: Annotated[list[str], Field(max_length=30)] = []
    titp_completed_field: str | None = None
    job_offer_field: str | None = None
    job_offer_salary_jpy: Yen | None = None
    qualifications: Annotated[list[Qualification], Field(max_length=20)] = []
    top100_university: Flag = False
    years_since_graduation: Years | None = None
    savings_jpy: Yen | None = None
    management_experience_years: Years = 0
    school_admission: Flag = False
    sufficient_funds: Flag = False
    language: Language = "en"

    _check_experience = field_validator("experience_years", "management_experience_years")(_experience_fits_age)

    @field_validator("education_level")
    @classmethod
    def _level(cls, value: str) -> str:
        return _known("education_levels", value)

    @field_validator("education_field", "experience_field", "titp_completed_field", "job_offer_field")
    @classmethod
    def _field(cls, value: str | None) -> str | None:
        return None if value is None else _known("fields", value)

    @field_validator("ssw_skills_tests", "ssw2_skills_tests")
    @classmethod
    def _fields(cls, values: list[str]) -> list[str]:
        return [_known("fields", value) for value in values]

    @field_validator("job_offer_salary_jpy")
    @classmethod
    def _salary_needs_offer(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("job_offer_field") is None:
            raise ValueError("a salary needs job_offer_field too")
        return value


# Responses (the shapes below are the public contract of /api/v1/nqf and /api/v1/pathways/*).


class IscedLevel(ResponseModel):
    level: int
    name: str


class Descriptors(ResponseModel):
    knowledge: str
    skills: str
    autonomy: str


class FrameworkQualification(ResponseModel):
    id: str
    name: str
    name_ja: str
    isced: str
    level: int
    uncertain: bool
    sources: list[str]
    kind: str | None = None  # occupational entries: ssw1_test, national_qualification, esd, ...
    descriptors_met: list[str] | None = None  # occupational entries: the descriptor columns the rung meets
    starts: str | None = None  # present only for a route that has not started yet (ISO date)
    isced_code: str | None = None  # present only when the qualification has one
    reason: str | None = None  # present only when the level is uncertain
    field: str | None = None  # present only on occupational qualifications


class ReferenceLevel(ResponseModel):
    level: str
    basis: str


class FrameworkLevel(ResponseModel):
    level: int
    title: str
    isced: list[IscedLevel]
    descriptors: Descriptors
    qualifications: list[FrameworkQualification]
    occupational: list[FrameworkQualification]
    references: dict[str, ReferenceLevel]


class FieldPath(ResponseModel):
    from_: str = Field(alias="from")
    from_name: str
    to: str
    to_name: str
    via: str

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class OccupationalField(ResponseModel):
    """One occupational field as a ladder: its rungs from the lowest level up, and the steps between them."""

    field: str
    name: str
    isced_f: list[str]
    isced_f_name: str
    as_of: str
    sources: list[str]
    article: str
    ladder: list[FrameworkQualification]
    paths: list[FieldPath]


class ReferenceFramework(ResponseModel):
    id: str
    name: str
    levels: int | None  # null when the framework has no fixed number of levels
    levels_verified: bool
    sources: list[str]


class FrameworkResponse(ResponseModel):
    framework: str
    status: str
    as_of: str
    language: str
    levels: list[FrameworkLevel]
    occupational_fields: list[OccupationalField]
    reference_frameworks: list[ReferenceFramework]
    sources: list[str]
    notes: list[str]


class PointsLine(ResponseModel):
    item: str
    label: str
    points: int
    rule: str
    uncertain: bool
    sources: list[str]


class PointsResponse(ResponseModel):
    category: str
    total: int
    threshold: int
    eligible: bool
    below_salary_floor: bool
    breakdown: list[PointsLine]
    pr_fast_track_years: int | None
    not_counted: list[str]
    notes: list[str]
    guidance_only: bool
    as_of: str
    language: str


class TopicLink(ResponseModel):
    topic_id: str
    url: str


class StatusPoints(ResponseModel):
    total: int
    threshold: int


class StatusBody(ResponseModel):
    status: str
    name: str
    outcome: str
    reasons: list[str]
    missing: list[str]
    uncertain: bool
    topics: list[TopicLink]
    sources: list[str]
    points: StatusPoints | None = None  # present only for statuses scored on HSP points


class CheckResponse(ResponseModel):
    language: str
    guidance_only: bool
    as_of: str
    notes: list[str]
    fits: list[StatusBody]
    nearly: list[StatusBody]
    does_not_fit: list[StatusBody]
