"""Queueing stored messages for a Telegram chat: rendered now, sent by the outbox worker."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.channels.outgoing import outbox
from api.channels.outgoing.message import QueuedOutbound
from api.channels.telegram import render
from api.channels.telegram.client import KIND_CALLBACK_ANSWER, KIND_MESSAGE
from api.channels.telegram.events import CHANNEL
from api.conversations.models import Conversation, Message


class TelegramOutbound(QueuedOutbound):
    def enqueue(self, session: Session, conversation: Conversation, messages: list[Message]) -> None:
        if not conversation.channel_user_id:
            return
        outgoings, heading, choose = self.outgoing(conversation, messages)
        for outgoing in outgoings:
            for call in render.render(session, outgoing, heading, choose):
                outbox.enqueue(
                    session,
                    channel=CHANNEL,
                    conversation_id=conversation.id,
                    destination=conversation.channel_user_id,
                    kind=KIND_MESSAGE,
                    body=call,
                )


def enqueue_callback_answer(session: Session, callback_query_id: str) -> None:
    """Telegram shows a spinner on the pressed button until the query is answered. Its own
    destination, so the answer never waits behind the chat's messages."""
    outbox.enqueue(
        session,
        channel=CHANNEL,
        conversation_id=None,
        destination=f"callback:{callback_query_id}",
        kind=KIND_CALLBACK_ANSWER,
        body={"callback_query_id": callback_query_id},
    )
