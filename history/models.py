"""The models whose every change is kept (`<model>.history`; shown by the admin's "History" button).

Registered here rather than with a field on each model: the historical tables (`history_historical<model>`) and
their migrations stay in this one app."""

from simple_history import register

from cases.models import AnswerTemplate
from deadlines.models import DaySwap, DeadlineRule
from documents.models import DocumentForm
from open311.models import ApiKey
from organisation.models import Membership, Unit
from workflows.models import ProcessBinding

WATCHED = (Unit, Membership, DeadlineRule, DaySwap, ProcessBinding, AnswerTemplate, DocumentForm, ApiKey)

for model in WATCHED:
    register(model, app="history")
