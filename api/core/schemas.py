"""The base of every JSON response model, so `/openapi.json` documents what the routes really answer.

`extra="forbid"`: FastAPI validates each answer against its model, so a field a route returns but its
model lacks fails loudly (in the tests first) instead of vanishing from the answer or the document.
Routes whose answers leave optional fields out (rather than null) declare
`response_model_exclude_unset=True`, which keeps those answers byte-for-byte what they were.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ResponseModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
