"""Response models of /api/v1/auth/* (login, logout, me); field names are the console's contract."""

from __future__ import annotations

from api.core.schemas import ResponseModel


class TokenOut(ResponseModel):
    access_token: str
    token_type: str


class LoggedOut(ResponseModel):
    status: str


class MeOut(ResponseModel):
    id: int
    email: str
    display_name: str
    languages: list[str]
    role: str
