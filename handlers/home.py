"""The person's Home tab (Slack's App Home): built here from dialogs/home, published by the Slack edge."""
from __future__ import annotations

from chat.messages import PersonRef
from chat.registry import Workflow
from chat.services import Services
from dialogs.home.flow import home_for
from handlers.approvals import KINDS


async def home(svc: Services, person: PersonRef):
    return await home_for(svc, KINDS, person)


WORKFLOW = Workflow("home", home=home)
