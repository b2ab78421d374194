"""Every table, registered: importing this module puts all feature tables on `Base.metadata`.

Each package owns its tables (`api/<package>/models.py`); Alembic's env and the tests import this one
module to see them all. It sits in the root layer, above the packages, so `api/db` stays free of
feature imports and no package cycle forms.
"""

from __future__ import annotations

from api.advice import models as advice
from api.advisors import models as advisors
from api.auth import models as auth
from api.channels import models as channels
from api.consent import models as consent
from api.conversations import models as conversations
from api.db.base import Base
from api.fce import models as fce
from api.knowledge import models as knowledge
from api.privacy import models as privacy
from api.records import models as records
from api.reviews import models as reviews

FEATURE_MODELS = (advice, advisors, auth, channels, consent, conversations, fce, knowledge, privacy, records, reviews)
metadata = Base.metadata

__all__ = ["FEATURE_MODELS", "Base", "metadata"]
