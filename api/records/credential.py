"""The credential Kakehashi issues for one evaluated credential: W3C VC 2.0 and Open Badges 3.0.

The JWT payload is the credential itself (VC-JOSE-COSE, and OB 3.0's native VC-JWT): `@context`,
`type: [VerifiableCredential, OpenBadgeCredential]`, `issuer` (a Profile whose id is our did:web),
`validFrom`, `credentialSubject` (an AchievementSubject: the applicant, named by an unhashed
IdentityObject since applicants have no DID; the `achievement` is the evaluated credential with its
ISCED and JQF alignments), `credentialStatus` (both status lists), and the JWT claims OB 3.0 requires
(`iss` = issuer.id, `jti` = id, `sub` = credentialSubject.id, `nbf`, `iat`).

OB 3.0's name and description are plain strings, so they carry Japanese (the employer's language);
`translations` holds the same texts in English and the applicant's language, and
`credentialSubject.evaluation` every finding as data, with names in all three. All of it is signed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.core.i18n import Catalogs
from api.fce.countries import country_name
from api.fce.statement import Finding, StatementContent
from api.records import status_list

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ISCED_URL = "https://uis.unesco.org/en/topic/international-standard-classification-education-isced"


def languages_for(applicant_language: str) -> list[str]:
    """Japanese (the employer's), English, and the applicant's, each once."""
    return list(dict.fromkeys(["ja", "en", applicant_language]))


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def build(
    content: StatementContent,
    finding: Finding,
    evaluated_at: datetime,
    catalogs: Catalogs,
    *,
    did: str,
    base_url: str,
    jti: str,
    subject_id: str,
    status_index: int,
) -> dict[str, Any]:
    languages = languages_for(content.language)

    def texts(language: str) -> dict[str, str]:
        params = {
            "credential": finding.name(language),
            "institution": finding.institution,
            "country": country_name(finding.country, language),
            "equivalent": catalogs.gettext(f"fce.jp.{finding.japan_equivalent}", language),
            "isced": finding.isced_level,
            "jqf": finding.jqf_level,
        }
        return {
            "name": catalogs.gettext("records.credential.name", language, **params),
            "description": catalogs.gettext("records.credential.description", language, **params),
            "achievement_name": catalogs.gettext("records.achievement.name", language, **params),
            "criteria": catalogs.gettext("records.achievement.criteria", language),
            "issuer_name": catalogs.gettext("records.issuer.name", language),
        }

    by_language = {language: texts(language) for language in languages}
    ja = by_language["ja"]
    issuer = {"id": did, "type": ["Profile"], "name": ja["issuer_name"], "url": base_url.rstrip("/") + "/"}
    valid_from = iso(evaluated_at)
    achievement = {
        "id": f"urn:kakehashi:achievement:{finding.japan_equivalent}:isced{finding.isced_level}",
        "type": ["Achievement"],
        "name": ja["achievement_name"],
        "description": ja["description"],
        "criteria": {"narrative": ja["criteria"]},
        "fieldOfStudy": finding.field,
        "inLanguage": "ja",
        "creator": issuer,
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": f"ISCED 2011 level {finding.isced_level}",
                "targetUrl": ISCED_URL,
                "targetFramework": "ISCED 2011",
                "targetCode": str(finding.isced_level),
            },
            {
                "type": ["Alignment"],
                "targetName": f"JQF level {finding.jqf_level}",
                "targetUrl": f"{base_url.rstrip('/')}/nqf",
                "targetFramework": "Kakehashi prototype Japanese qualifications framework",
                "targetCode": str(finding.jqf_level),
            },
        ],
    }
    evaluation = {
        "reference": content.reference,
        "credential": {
            "names": {language: finding.name(language) for language in languages},
            "institution": finding.institution,
            "country": finding.country,
            "fieldOfStudy": finding.field_of_study,
            "startYear": finding.start_year,
            "endYear": finding.end_year,
        },
        "comparableJapaneseQualification": {
            "code": finding.japan_equivalent,
            "names": {
                language: catalogs.gettext(f"fce.jp.{finding.japan_equivalent}", language) for language in languages
            },
        },
        "iscedLevel": finding.isced_level,
        "jqfLevel": finding.jqf_level,
        "field": finding.field,
        "substantialDifferences": [{"difference": d.difference, "reason": d.reason} for d in finding.differences],
        "remarks": finding.remarks,
        "evaluatedOn": content.issued_on.isoformat()[:10],
        "evaluator": {"id": did, "name": ja["issuer_name"]},
        "languages": languages,
    }
    return {
        "@context": [status_list.VC_CONTEXT, OB3_CONTEXT],
        "id": jti,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "name": ja["name"],
        "description": ja["description"],
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": content.applicant_name,
                }
            ],
            "achievement": achievement,
            "evaluation": evaluation,
        },
        "credentialStatus": status_list.entries(base_url, status_index),
        "translations": {
            language: {k: v for k, v in values.items() if k != "issuer_name"} | {"issuer": values["issuer_name"]}
            for language, values in by_language.items()
            if language != "ja"
        },
        "iss": did,
        "jti": jti,
        "sub": subject_id,
        "nbf": int(evaluated_at.timestamp()),
        "iat": int(evaluated_at.timestamp()),
    }
