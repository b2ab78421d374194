"""hypothesis state machines over the HTTP API: conversation ownership and the FCE workflow (issue #15).

Each run drives one fresh conversation (or case) through random sequences of the moves people make,
checks every answer against a model of what must happen, and reads the stored state after each step:
no sequence may reach a state the ownership graph (api/conversations/states.py) or the workflow graph
(api/fce/workflow.py) does not allow, and no one may act or read where they may not. Bounded and
deterministic: few steps, few examples, derandomized, no example database.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from api.conversations.states import ALLOWED
from api.fce.workflow import TRANSITIONS, Status
from tests.fce.conftest import application, evaluation
from tests.hostile.conftest import INTERNAL_TOKEN, World

BOUNDED = settings(
    max_examples=12,
    stateful_step_count=10,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
INTERNAL = {"Authorization": f"Bearer {INTERNAL_TOKEN}"}
ADVISORS = ("advisor", "advisor2")


def test_conversation_ownership(world: World) -> None:
    client = world.client
    conversations = world.app.state.services.conversations

    class Ownership(RuleBasedStateMachine):
        @initialize()
        def open(self) -> None:
            self.mine = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
            self.other = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
            self.id = self.mine["conversation_id"]
            self.state = "bot"
            self.owner: str | None = None

        def stored(self) -> str:
            return str(conversations.get(self.id).state)

        def moved(self, expected: str) -> None:
            assert (self.state, expected) in ALLOWED or self.state == expected
            self.state = expected

        @rule()
        def hand_off(self) -> None:
            url = f"/internal/v1/conversations/{self.id}/handoff"
            response = client.post(url, json={"reason": "request_human"}, headers=INTERNAL)
            if self.state == "bot":
                assert response.status_code == 200, response.text
                self.moved("waiting")
            else:
                # Already with a person or waiting: nothing moves backwards or sideways.
                assert self.stored() == self.state

        @rule(who=st.sampled_from(ADVISORS))
        def claim(self, who: str) -> None:
            url = f"/api/v1/advisor/conversations/{self.id}/claim"
            response = client.post(url, headers=world.staff[who]["headers"])
            if self.state == "waiting":
                assert response.status_code == 200, response.text
                self.moved("advisor")
                self.owner = who
            else:
                assert response.status_code == 409, response.text

        @rule(who=st.sampled_from((*ADVISORS, "admin")), action=st.sampled_from(("messages", "handback", "close")))
        def act(self, who: str, action: str) -> None:
            url = f"/api/v1/advisor/conversations/{self.id}/{action}"
            body = {"text": "Hello, I can help."} if action == "messages" else None
            response = client.post(url, json=body, headers=world.staff[who]["headers"])
            allowed = self.state == "advisor" and who in (self.owner, "admin")
            if not allowed:
                # Only the owning advisor (or an admin) acts on a conversation with a person.
                assert response.status_code in (403, 409), response.text
                return
            assert response.status_code == 200, response.text
            if action == "handback":
                self.moved("bot")
                self.owner = None
            elif action == "close":
                self.moved("closed")
                self.owner = None

        @rule()
        def user_writes(self) -> None:
            url = f"/api/v1/widget/conversations/{self.id}/messages"
            headers = {"Authorization": f"Bearer {self.mine['token']}"}
            response = client.post(url, json={"text": "are you there?"}, headers=headers)
            assert response.status_code == 200, response.text
            if self.state == "closed":  # writing again reopens with the bot
                self.moved("bot")
            assert response.json()["state"] == self.state

        @rule(method=st.sampled_from(("get", "post")))
        def another_widget_token(self, method: str) -> None:
            url = f"/api/v1/widget/conversations/{self.id}/messages"
            headers = {"Authorization": f"Bearer {self.other['token']}"}
            body = {"json": {"text": "let me in"}} if method == "post" else {}
            response = client.request(method.upper(), url, headers=headers, **body)
            assert response.status_code in (401, 403, 404), response.text

        @invariant()
        def stored_state_is_the_model(self) -> None:
            if hasattr(self, "id"):
                assert self.stored() == self.state

    Ownership.TestCase.settings = BOUNDED
    Ownership.TestCase().runTest()


def test_fce_workflow(world: World) -> None:
    client = world.client
    staff = world.staff["evaluator"]["headers"]

    class Workflow(RuleBasedStateMachine):
        @initialize()
        def apply(self) -> None:
            self.case = client.post("/api/v1/fce/cases", json=application()).json()
            self.other = client.post("/api/v1/fce/cases", json=application()).json()
            self.status = Status.SUBMITTED
            self.evaluated_once = False
            self.url = f"/api/v1/evaluator/cases/{self.case['reference']}"

        @rule(to=st.sampled_from(list(Status)))
        def move(self, to: Status) -> None:
            body: dict[str, Any] = {"to": to.value}
            if to is Status.CLOSED:
                body |= {"close_reason": "withdrawn", "reason": "the applicant withdrew"}
            if to is Status.DOCUMENTS_REQUESTED:
                body["message"] = "Please send the diploma's supplement."
            response = client.post(f"{self.url}/transitions", json=body, headers=staff)
            legal = to in TRANSITIONS[self.status] and (to is not Status.EVALUATED or self.evaluated_once)
            if legal:
                assert response.status_code == 200, response.text
                self.status = to
            else:
                assert response.status_code == 409, response.text

        @rule()
        def record_evaluation(self) -> None:
            response = client.put(f"{self.url}/evaluation", json=evaluation(), headers=staff)
            if self.status in (Status.DOCUMENTS_RECEIVED, Status.UNDER_EVALUATION):
                assert response.status_code == 200, response.text
                self.evaluated_once = True
            else:
                assert response.status_code == 409, response.text

        @rule(code_of=st.sampled_from(("other", "made_up")))
        def wrong_code_reads_nothing(self, code_of: str) -> None:
            code = self.other["access_code"] if code_of == "other" else "AAAA-BBBB-CCCC"
            url = f"/api/v1/fce/cases/{self.case['reference']}"
            assert client.get(url, headers={"X-Access-Code": code}).status_code == 404

        @invariant()
        def applicant_sees_the_model(self) -> None:
            if not hasattr(self, "case"):
                return
            url = f"/api/v1/fce/cases/{self.case['reference']}"
            response = client.get(url, headers={"X-Access-Code": self.case["access_code"]})
            assert response.status_code == 200, response.text
            assert response.json()["status"] == self.status.value

    # Fewer runs than the conversations': every status read verifies an access code (argon2).
    Workflow.TestCase.settings = settings(BOUNDED, max_examples=6)
    Workflow.TestCase().runTest()
