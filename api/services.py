"""The composition root: every service the api runs, built once, each with its collaborators passed
to its constructor. Nothing else constructs a service, and no service is rewired after it is built.

Routes reach these services only through the `Annotated` aliases in api/deps.py, which read the one
`Services` instance that `create_app` keeps on `app.state.services` (tests replace a service there).

Three collaborations run both ways at request time: the conversation router hands the advisor desk
its two payload intents and the messages it holds, the desk sends through the router, and the desk
answers left messages with guidance (guidance only offers a person; it never hands off); channels send
what the router stores and feed the router what users write. Construction goes one way: lower
services first, and the few calls back up go through callbacks given to the constructor, which
reach the later service only when a message is handled (after `build_services` returned).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.templating import Jinja2Templates

import api.tables  # noqa: F401 - every table on Base.metadata before the first session
from api.advice.config import AdviceSettings
from api.advice.service import AdviceService
from api.advisors.away import AwayAnswers
from api.advisors.service import AdvisorService
from api.auth.config import AuthSettings, resolve_secret
from api.auth.tokens import TokenSigner
from api.channels.config import ChannelSettings
from api.channels.hub import Channels, outbound_adapters
from api.channels.registry import CHANNELS
from api.conversations.rasa_client import RasaClient
from api.conversations.responses import Reply, ResponseTemplates
from api.conversations.secrets import TurnSecrets
from api.conversations.service import ConversationService, TypedRequests
from api.core.client_limits import PerClientLimit
from api.core.config import Settings
from api.core.i18n import Catalogs, load_catalogs
from api.db.session import Database
from api.fce.config import FceSettings, MailSettings
from api.fce.feature import Fce, build_fce
from api.insights.service import InsightsService
from api.knowledge.guidance import GuidanceService
from api.knowledge.search import KnowledgeBase
from api.live.broadcast import Broadcaster
from api.live.fanout import relay_for
from api.privacy import chat as privacy_chat
from api.privacy.service import ChatParts, PrivacyService
from api.records import issuers
from api.records.chat import ADD_INTENT, SHARE_INTENT, ChatRecords
from api.records.config import RecordsSettings
from api.records.hooks import console_credentials, issue_after_evaluation
from api.records.inbound import InboundService
from api.records.issuing import RecordsService
from api.reviews.service import ReviewService

HERE = Path(__file__).resolve().parent


@dataclass
class Services:
    settings: Settings
    auth_settings: AuthSettings
    db: Database
    catalogs: Catalogs
    templates: ResponseTemplates
    pages: Jinja2Templates
    rasa: RasaClient
    broadcaster: Broadcaster
    knowledge: KnowledgeBase
    # Per-client budget of the public knowledge search (429 beyond it).
    search_limit: PerClientLimit
    guidance: GuidanceService
    conversations: ConversationService
    signer: TokenSigner
    advisors: AdvisorService
    channels: Channels
    fce: Fce
    fce_mail: MailSettings
    records: RecordsService
    reviews: ReviewService
    inbound: InboundService
    insights: InsightsService
    advice: AdviceService
    privacy: PrivacyService
    # Verifiable records in the chat: share links after a status check, pasted credentials.
    records_chat: ChatRecords

    async def start(self) -> None:
        await self.broadcaster.start()
        if self.settings.knowledge_enabled:
            self.knowledge.start()
            self.reviews.start()
        if self.settings.channel_workers:
            self.channels.start(outbox=self.settings.channel_outbox)
        self.privacy.start()
        self.advice.start()

    async def stop(self) -> None:
        self.channels.stop()
        await self.privacy.stop()
        await self.advice.stop()
        await self.broadcaster.stop()
        self.rasa.close()
        self.db.dispose()


def build_services(settings: Settings, auth_settings: AuthSettings, channel_settings: ChannelSettings) -> Services:
    db = Database(settings.database_url, settings.db_pool_size, settings.db_max_overflow)
    catalogs = load_catalogs(settings.locales_dir)
    templates = ResponseTemplates(settings.domain_file)
    rasa = RasaClient(
        settings.rasa_replicas,
        settings.rasa_timeout_seconds,
        settings.rasa_admin_token,
        retry_seconds=settings.rasa_retry_seconds,
    )
    broadcaster = Broadcaster(relay_for(settings))
    knowledge = KnowledgeBase(settings.index_dir)
    # Built below; the callbacks that reach them run per message, never during construction.
    advisors: AdvisorService
    channels: Channels
    records_chat: ChatRecords
    privacy: PrivacyService

    reviews = ReviewService(
        db, settings.knowledge_content_dir, settings.knowledge_sources_dir, settings.knowledge_data_dir
    )
    guidance = GuidanceService(db, knowledge, catalogs, specialist_review=reviews.specialist_review)
    conversations = ConversationService(
        db,
        rasa,
        catalogs,
        templates,
        broadcaster,
        outbound=outbound_adapters(CHANNELS, channel_settings, catalogs, wake=lambda: channels.wake_outbox()),
        local_intents={
            "cancel_handoff": lambda cid, entities: advisors.cancel_intent(cid, entities),
            "rate": lambda cid, entities: advisors.rate_intent(cid, entities),
            SHARE_INTENT: lambda cid, entities: records_chat.share_intent(cid, entities),
            ADD_INTENT: lambda cid, entities: records_chat.add_intent(cid, entities),
            **privacy_chat.local_intents(lambda: privacy.chat),
        },
        on_held_message=lambda cid, message, payload: advisors.held_message(cid, message, payload),
        turn_secrets=TurnSecrets(db, settings.actions_token),
        # What a typed message may ask that a feature answers before Rasa (the order is TypedRequests').
        typed_requests=TypedRequests(
            # A pasted credential, or a request to share one.
            intercept=lambda cid, text, busy: records_chat.intercept(cid, text, busy),
            # "Send me my data" / "delete my data" typed, and typed answers to their confirmation.
            local=privacy_chat.typed_intent(lambda: privacy.chat),
        ),
    )
    away = AwayAnswers(db, catalogs, guidance)
    advisors = AdvisorService(db, catalogs, broadcaster, conversations, auth_settings, away=away)
    channels = Channels(
        channel_settings, CHANNELS, db, conversations, catalogs, templates, broadcaster, settings.max_message_chars
    )
    records: RecordsService
    records_settings = RecordsSettings()
    inbound = InboundService(db, records_settings, catalogs, issuers.load(records_settings.issuers_file))
    fce = build_fce(
        db,
        FceSettings(),
        on_evaluated=lambda reference: issue_after_evaluation(records, reference),
        case_credentials=lambda reference: console_credentials(records, reference),
        bring=inbound.check,
        brought_of_case=inbound.of_case,
    )
    records = RecordsService(db, records_settings, catalogs, fce.data, settings.public_base_url)
    fce_mail = MailSettings()
    # Reminders to chat applicants are system messages of their conversation, which the outbox delivers.
    advice = AdviceService(
        db,
        catalogs,
        AdviceSettings(),
        fce_mail,
        to_chat=lambda cid, language, text: conversations.store_system_message(cid, language, Reply(text=text)),
        public_base_url=settings.public_base_url,
    )
    privacy = PrivacyService(
        db,
        settings,
        fce.settings.documents_dir,
        fce.settings.document_keys,
        chat=ChatParts(catalogs, conversations, broadcaster),
    )
    built: Services
    # It reads the other services per call from `built` (tests replace records, fce, inbound there).
    records_chat = ChatRecords(lambda: built, conversations.secrets)
    built = Services(
        settings=settings,
        auth_settings=auth_settings,
        db=db,
        catalogs=catalogs,
        templates=templates,
        pages=Jinja2Templates(directory=HERE / "templates"),
        rasa=rasa,
        broadcaster=broadcaster,
        knowledge=knowledge,
        search_limit=PerClientLimit(settings.knowledge_search_per_minute, settings.knowledge_search_burst),
        guidance=guidance,
        conversations=conversations,
        signer=TokenSigner(resolve_secret(auth_settings), auth_settings.session_ttl_minutes * 60),
        advisors=advisors,
        channels=channels,
        fce=fce,
        fce_mail=fce_mail,
        records=records,
        reviews=reviews,
        inbound=inbound,
        insights=InsightsService(db),
        advice=advice,
        privacy=privacy,
        records_chat=records_chat,
    )
    return built
