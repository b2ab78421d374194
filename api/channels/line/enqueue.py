"""Queueing stored messages for a LINE user: rendered now, sent by the outbox worker."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.channels.incoming.dispatch import take_reply_token
from api.channels.line import render
from api.channels.line.events import CHANNEL
from api.channels.outgoing import outbox
from api.channels.outgoing.message import QueuedOutbound
from api.conversations.models import Conversation, Message

KIND = "line_messages"


class LineOutbound(QueuedOutbound):
    def enqueue(self, session: Session, conversation: Conversation, messages: list[Message]) -> None:
        if not conversation.channel_user_id:
            return
        outgoings, heading, choose = self.outgoing(conversation, messages)
        rendered: list[dict[str, Any]] = []
        for outgoing in outgoings:
            rendered.extend(render.render(session, outgoing, heading, choose))
        # The event being answered lends its reply token to the first request of this turn; the
        # rest (and anything an advisor or a notification sends later) is pushed.
        token = take_reply_token(conversation.id)
        for index, batch in enumerate(render.batches(rendered)):
            first = index == 0 and token is not None
            outbox.enqueue(
                session,
                channel=CHANNEL,
                conversation_id=conversation.id,
                destination=conversation.channel_user_id,
                kind=KIND,
                body={"messages": batch},
                reply_token=token.token if first and token else None,
                reply_token_expires_at=token.expires_at if first and token else None,
            )
