"""What the message that started a form already says fills the form (issue #20): a country and a
degree ("I want my bachelor's from Nepal evaluated"), a case reference, or a reference and its access
code in one message. Only what is plainly there is taken, and every value passes the question's own
check; anything unclear is simply asked.
"""

from __future__ import annotations

from api.chat_flows import slots as s
from api.chat_flows import words
from api.chat_flows.checks import REFERENCE, check
from api.chat_flows.context import Ctx
from api.chat_flows.places import named_countries
from api.conversations.secrets import MASKED_CODE, find_access_code
from api.core import parse


def _checked(ctx: Ctx, slot: str, value: s.Value, known: dict[str, s.Value]) -> dict[str, s.Value]:
    outcome = check(ctx, slot, value, known)
    return dict(outcome.updates) if outcome.valid else {}


def _preview(ctx: Ctx, text: str) -> dict[str, s.Value]:
    # Japan is where the degree is to be used ("what is it worth in Japan", "thủ tục ở Nhật"), not
    # where it is from: a Japanese degree is said by choosing Japan in the question itself.
    countries = named_countries(text) - {"JP"}
    if len(countries) != 1:
        return {}  # none, or "from Nepal, working in Korea": ask
    filled = _checked(ctx, "fce_country", countries.pop(), {})
    country = filled.get("fce_country")
    entry = ctx.data.country(str(country)) if isinstance(country, str) else None
    stage = parse.keyword(text, words.STAGE)
    matching = [c.id for c in entry.credentials if c.stage == stage] if entry and stage else []
    if len(matching) == 1 and "fce_credential" not in filled:
        filled.update(_checked(ctx, "fce_credential", matching[0], filled))
    return filled


def _case(ctx: Ctx, text: str) -> dict[str, s.Value]:
    normalised = parse.ascii_digits(text).upper()
    reference = REFERENCE.search(normalised)
    if reference is None:
        return {}
    filled = _checked(ctx, "case_reference", text, {})
    rest = normalised.replace(reference.group(0), " ")
    # The api masked the code before the message was stored or reached Rasa; the mask means one was given.
    code = (s.CODE_GIVEN if MASKED_CODE in rest else find_access_code(rest)) if filled else None
    if code is not None:
        filled.update(_checked(ctx, "case_access_code", code, filled))
    return filled


PREFILLS = {"fce_preview_form": _preview, "case_status_form": _case}


def prefill(ctx: Ctx, form: str, text: str) -> dict[str, s.Value]:
    """The answers the starting message gives to `form`'s questions; empty when it gives none."""
    fill = PREFILLS.get(form)
    return fill(ctx, text[:2000]) if fill and text.strip() else {}
