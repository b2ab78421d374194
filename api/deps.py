"""Dependencies, in one place: every service a route uses, and the two kinds of caller authentication.

Routes name a service by its alias (`ConversationsDep`, `FceDep`...), never by reading `app.state`:
the aliases read the one `Services` instance the composition root (api/services.py) built. The FCE's
`EvaluationService` and `Notifier` are per-request views over root-built parts (the case service,
comparability data, SMTP settings), so a test that swaps one of those parts sees it everywhere.
"""

from __future__ import annotations

import hmac
import weakref
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Header, HTTPException, status
from fastapi.templating import Jinja2Templates
from starlette.requests import HTTPConnection

from api.advice.service import AdviceService
from api.advisors.service import AdvisorService
from api.auth.config import AuthSettings
from api.auth.sessions import StaffSessions
from api.channels.hub import Channels
from api.conversations.models import Conversation
from api.conversations.rasa_client import RasaClient
from api.conversations.responses import ResponseTemplates
from api.conversations.service import ConversationService, token_matches
from api.core.client_limits import PerClientLimit
from api.core.config import Settings
from api.core.i18n import Catalogs
from api.db.session import Database
from api.fce.config import MailSettings
from api.fce.evaluations import EvaluationService
from api.fce.feature import Fce
from api.fce.notify import Notifier
from api.fce.statement import Issuer
from api.insights.service import InsightsService
from api.knowledge.guidance import GuidanceService
from api.knowledge.search import KnowledgeBase
from api.live.broadcast import Broadcaster
from api.privacy.service import PrivacyService
from api.records import local as records_local
from api.records.chat import ChatRecords
from api.records.hooks import statement_seals
from api.records.inbound import InboundService
from api.records.issuing import RecordsService
from api.records.sharing import ShareService
from api.records.verify import Verifier
from api.reviews.service import ReviewService

if TYPE_CHECKING:
    from api.services import Services


def services(connection: HTTPConnection) -> Services:
    """The app's services; an HTTPConnection so HTTP routes and websockets share every getter."""
    built: Services = connection.app.state.services
    return built


def get_settings_dep(connection: HTTPConnection) -> Settings:
    return services(connection).settings


def get_auth_settings(connection: HTTPConnection) -> AuthSettings:
    return services(connection).auth_settings


def get_db(connection: HTTPConnection) -> Database:
    return services(connection).db


def get_catalogs(connection: HTTPConnection) -> Catalogs:
    return services(connection).catalogs


def get_templates(connection: HTTPConnection) -> ResponseTemplates:
    return services(connection).templates


def get_pages(connection: HTTPConnection) -> Jinja2Templates:
    return services(connection).pages


def get_rasa(connection: HTTPConnection) -> RasaClient:
    return services(connection).rasa


def get_broadcaster(connection: HTTPConnection) -> Broadcaster:
    return services(connection).broadcaster


def get_conversations(connection: HTTPConnection) -> ConversationService:
    return services(connection).conversations


def get_knowledge(connection: HTTPConnection) -> KnowledgeBase:
    return services(connection).knowledge


def get_search_limit(connection: HTTPConnection) -> PerClientLimit:
    return services(connection).search_limit


def get_guidance(connection: HTTPConnection) -> GuidanceService:
    return services(connection).guidance


def get_staff_sessions(connection: HTTPConnection) -> StaffSessions:
    # A per-request view over root-built parts (database, signer, settings), so swaps show through.
    built = services(connection)
    return StaffSessions(built.db, built.signer, built.auth_settings)


def get_advice(connection: HTTPConnection) -> AdviceService:
    return services(connection).advice


def get_insights(connection: HTTPConnection) -> InsightsService:
    return services(connection).insights


def get_advisors(connection: HTTPConnection) -> AdvisorService:
    return services(connection).advisors


def get_channels(connection: HTTPConnection) -> Channels:
    return services(connection).channels


def get_fce(connection: HTTPConnection) -> Fce:
    return services(connection).fce


def get_fce_mail(connection: HTTPConnection) -> MailSettings:
    return services(connection).fce_mail


def get_reviews(connection: HTTPConnection) -> ReviewService:
    return services(connection).reviews


def get_evaluations(connection: HTTPConnection) -> EvaluationService:
    built = services(connection)
    fce = built.fce
    issuer = Issuer(
        fce.settings.issuer_name,
        fce.settings.issuer_address,
        fce.settings.issuer_contact or f"{built.settings.public_base_url.rstrip('/')}/fce/status",
    )
    return EvaluationService(
        fce.cases, fce.data, built.catalogs, fce.settings.font_dirs, seals=statement_seals(built.records), issuer=issuer
    )


def get_records(connection: HTTPConnection) -> RecordsService:
    return services(connection).records


def get_inbound(connection: HTTPConnection) -> InboundService:
    return services(connection).inbound


def get_privacy(connection: HTTPConnection) -> PrivacyService:
    return services(connection).privacy


# One verifier per records service: its status-list cache lives as long as the service (tests swap it).
_verifiers: weakref.WeakKeyDictionary[RecordsService, Verifier] = weakref.WeakKeyDictionary()


def get_verifier(connection: HTTPConnection) -> Verifier:
    records = services(connection).records
    verifier = _verifiers.get(records)
    if verifier is None:
        verifier = _verifiers[records] = records_local.verifier(records)
    return verifier


def get_records_chat(connection: HTTPConnection) -> ChatRecords:
    return services(connection).records_chat


def get_shares(connection: HTTPConnection) -> ShareService:
    # Stateless over the records service (tests swap that one), like the evaluations service above.
    return ShareService(services(connection).records)


def get_notifier(connection: HTTPConnection) -> Notifier:
    built = services(connection)
    advisors = built.advisors
    return Notifier(
        built.catalogs,
        built.conversations,
        built.fce_mail,
        built.settings.public_base_url,
        hand_to_people=lambda conversation_id, context: advisors.request_handoff(
            conversation_id, "evaluator_question", context
        ),
    )


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
AuthSettingsDep = Annotated[AuthSettings, Depends(get_auth_settings)]
DbDep = Annotated[Database, Depends(get_db)]
CatalogsDep = Annotated[Catalogs, Depends(get_catalogs)]
TemplatesDep = Annotated[ResponseTemplates, Depends(get_templates)]
PagesDep = Annotated[Jinja2Templates, Depends(get_pages)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
BroadcasterDep = Annotated[Broadcaster, Depends(get_broadcaster)]
ConversationsDep = Annotated[ConversationService, Depends(get_conversations)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(get_knowledge)]
SearchLimitDep = Annotated[PerClientLimit, Depends(get_search_limit)]
GuidanceDep = Annotated[GuidanceService, Depends(get_guidance)]
StaffSessionsDep = Annotated[StaffSessions, Depends(get_staff_sessions)]
AdvisorsDep = Annotated[AdvisorService, Depends(get_advisors)]
InsightsDep = Annotated[InsightsService, Depends(get_insights)]
AdviceDep = Annotated[AdviceService, Depends(get_advice)]
ChannelsDep = Annotated[Channels, Depends(get_channels)]
FceDep = Annotated[Fce, Depends(get_fce)]
EvaluationsDep = Annotated[EvaluationService, Depends(get_evaluations)]
NotifierDep = Annotated[Notifier, Depends(get_notifier)]
RecordsDep = Annotated[RecordsService, Depends(get_records)]
VerifierDep = Annotated[Verifier, Depends(get_verifier)]
ReviewsDep = Annotated[ReviewService, Depends(get_reviews)]
InboundDep = Annotated[InboundService, Depends(get_inbound)]
SharesDep = Annotated[ShareService, Depends(get_shares)]
RecordsChatDep = Annotated[ChatRecords, Depends(get_records_chat)]
PrivacyDep = Annotated[PrivacyService, Depends(get_privacy)]


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def widget_conversation(
    conversation_id: str,
    service: ConversationsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Conversation:
    """The widget conversation named in the path, if the bearer token is its own."""
    token = bearer_token(authorization)
    if token is None:
        raise _unauthorized("missing bearer token")
    conversation = service.get(conversation_id)  # ConversationNotFound: 404 (api/main.py)
    if conversation.channel != "widget" or not token_matches(token, conversation.token_hash):
        raise _unauthorized("invalid token for this conversation")
    return conversation


def secret_matches(given: str | None, expected: str) -> bool:
    """A caller's token against the configured one, in constant time; an unset token opens nothing."""
    # Bytes, not str: compare_digest refuses non-ASCII str, and a crafted token must be a 401, not a 500.
    return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())


def actions_caller(
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """The action server, and only it: ACTIONS_TOKEN. Rasa's NLG token and its admin token open nothing here."""
    if not secret_matches(bearer_token(authorization), settings.actions_token):
        raise _unauthorized("internal endpoint: the action server's token")
