"""Topic suggestions when a petition arrives, an officer's confirmation or correction, and training.

- `suggest(title=…, content=…)`: the topic the classifier proposes, with its confidence and evidence words; called
  once by the shared intake (`cases.services._create_petition`) for every channel.
- `set_topic(petition=…, user=…, code=…)`: a reception officer (or a leader) of the handling unit confirms or
  corrects it; the case's audit trail records who, when, from which topic to which.
- `train()`: a new `TopicModel` from the confirmed petitions (`manage.py train_topics`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import INVALID_DETAIL, AppError
from topics import classifier as clf
from topics import tally
from topics.models import Topic, TopicModel
from topics.taxonomy import OTHER

HELD_ASIDE_SHARE = 0.2  # of the confirmed petitions, kept out of training to score the model


class TopicError(AppError, ValueError):
    code = "invalid"
    status = 400

    @property
    def detail(self) -> str:
        return str(INVALID_DETAIL)

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Suggestion:
    topic: Topic | None
    confidence: float
    evidence: list[str]


_cache: dict[str, object] = {}


def _current() -> tuple[clf.Classifier, dict[str, Topic]]:
    """The classifier of the active topics' keywords and the latest model, and the active topics by code; built
    again when either changes (two small queries a call)."""
    topics = list(Topic.objects.filter(active=True).order_by("order", "pk"))
    version = TopicModel.objects.order_by("-version").values_list("version", flat=True).first()
    fingerprint = [(t.pk, t.code, t.name, t.name_en, t.keywords) for t in topics]
    key = hashlib.sha256(repr((fingerprint, version)).encode()).hexdigest()
    cached = _cache.get(key)
    if isinstance(cached, tuple):
        return cached
    model = None
    if version is not None:
        parameters = TopicModel.objects.filter(version=version).values_list("parameters", flat=True).first()
        if parameters:
            model = clf.NaiveBayes.from_json(parameters)
    keywords = [clf.Keywords.of(t.code, t.keywords.splitlines()) for t in topics]
    built = (clf.Classifier(keywords, model, fallback=OTHER), {t.code: t for t in topics})
    _cache.clear()
    _cache[key] = built
    return built


def classifier() -> clf.Classifier:
    return _current()[0]


def petition_text(title: str, content: str) -> str:
    return f"{title}\n{content}"


def suggest(*, title: str, content: str) -> Suggestion:
    """The suggested topic of a petition's text; no topic only if the taxonomy has no active topic at all."""
    return suggest_many([(title, content)])[0]


def suggest_many(texts: Iterable[tuple[str, str]]) -> list[Suggestion]:
    """`suggest` for each (title, content), the classifier read once (a page of the reception queue)."""
    current, topics = _current()
    suggestions = []
    for title, content in texts:
        prediction = current.predict(petition_text(title, content))
        topic = topics.get(prediction.code)
        suggestions.append(
            Suggestion(topic, prediction.confidence, prediction.evidence) if topic else Suggestion(None, 0.0, [])
        )
    return suggestions


def may_set_topic(user: User, petition: object) -> bool:
    """Whoever may group the petition (`cases.groups.may_group`): a reception officer of its handling unit, or a
    leader of it or of a unit above."""
    from cases.groups import may_group
    from cases.models import Petition

    assert isinstance(petition, Petition)
    return may_group(user, petition.workflow.unit_id)


def check_topic(code: object) -> Topic:
    if not isinstance(code, str) or not code.strip():
        raise TopicError({"topic": gettext("Chọn một lĩnh vực.")})
    topic = Topic.objects.filter(code=code.strip(), active=True).first()
    if topic is None:
        raise TopicError({"topic": gettext("Không có lĩnh vực này trong danh mục đang dùng.")})
    return topic


@transaction.atomic
def set_topic(*, petition_id: int, user: User, code: object) -> object:
    """Confirm (same topic) or correct the petition's topic. Raises PermissionDenied, or TopicError for a topic
    that is not in the active taxonomy; nothing is changed then. Returns the petition."""
    from cases.models import Petition
    from workflows.models import CaseEvent

    petition = (
        Petition.objects.select_for_update(of=("self",)).select_related("workflow__unit", "topic").get(pk=petition_id)
    )
    if not may_set_topic(user, petition):
        raise PermissionDenied(gettext("Chỉ cán bộ tiếp nhận hoặc lãnh đạo của đơn vị xử lý xác nhận được lĩnh vực."))
    topic = check_topic(code)
    before = petition.topic
    now = timezone.now()
    if petition.tallied_unit_id is not None and before != topic:
        for topic_id, delta in ((before.pk if before else None, -1), (topic.pk, 1)):
            tally.count(
                received_at=petition.received_at,
                unit_id=petition.tallied_unit_id,
                commune_id=petition.commune_id,
                topic_id=topic_id,
                delta=delta,
            )
    Petition.objects.filter(pk=petition.pk).update(
        topic=topic, topic_confirmed=True, topic_confirmed_by=user, topic_confirmed_at=now
    )
    corrected = before is not None and before != topic
    if before == topic:
        summary = f"Xác nhận lĩnh vực: {topic.name} ({user.get_username()})"
    else:
        summary = f"Sửa lĩnh vực: {before.name if before else '—'} → {topic.name} ({user.get_username()})"
    CaseEvent.objects.create(
        instance=petition.workflow,
        kind="topic_corrected" if corrected else "topic_confirmed",
        summary=summary,
        actor=user,
        created_at=now,
        data={
            "topic": topic.code,
            "suggested": before.code if before else None,
            "confidence": petition.topic_confidence,
        },
    )
    petition.refresh_from_db()
    return petition


@dataclass(frozen=True)
class Labelled:
    pk: int
    text: str
    code: str


def _held_aside(pk: int) -> bool:
    """A fixed share of petitions, by a hash of their number: the same petitions stay aside between runs."""
    digest = hashlib.sha256(f"topic-split:{pk}".encode()).digest()
    return digest[0] < 256 * HELD_ASIDE_SHARE


def labelled_petitions() -> list[Labelled]:
    from cases.models import Petition

    rows = (
        Petition.objects.filter(topic_confirmed=True, topic__isnull=False)
        .order_by("pk")
        .values_list("pk", "title", "content", "topic__code")
    )
    return [Labelled(pk, petition_text(title, content), code) for pk, title, content, code in rows.iterator()]


@dataclass(frozen=True)
class Scores:
    training_size: int
    test_size: int
    accuracy: float | None
    rules_accuracy: float | None
    baseline_accuracy: float | None


def evaluate(train_set: list[Labelled], test_set: list[Labelled], codes: list[str]) -> Scores:
    """The model trained on `train_set`, the rules alone, and always the most common topic, on `test_set`."""
    base = classifier()
    texts, labels = [item.text for item in test_set], [item.code for item in test_set]
    model = clf.NaiveBayes.train([i.text for i in train_set], [i.code for i in train_set], codes)
    trained = clf.Classifier(base.keywords, model, fallback=base.fallback)
    rules = clf.Classifier(base.keywords, None, fallback=base.fallback)
    baseline = None
    if train_set and test_set:
        counts: dict[str, int] = {}
        for item in train_set:
            counts[item.code] = counts.get(item.code, 0) + 1
        majority = max(counts, key=lambda code: counts[code])
        baseline = sum(1 for label in labels if label == majority) / len(labels)
    return Scores(
        training_size=len(train_set),
        test_size=len(test_set),
        accuracy=clf.accuracy(trained, texts, labels),
        rules_accuracy=clf.accuracy(rules, texts, labels),
        baseline_accuracy=baseline,
    )


@transaction.atomic
def train(*, now: datetime | None = None, labelled: list[Labelled] | None = None) -> TopicModel:
    """Score a model trained on the confirmed petitions less those held aside, then train the stored model on
    all of them. The next suggestions use it (`classifier`)."""
    items = labelled_petitions() if labelled is None else labelled
    codes = list(Topic.objects.filter(active=True).order_by("order", "pk").values_list("code", flat=True))
    known = set(codes)
    items = [item for item in items if item.code in known]
    test_set = [item for item in items if _held_aside(item.pk)]
    train_set = [item for item in items if not _held_aside(item.pk)]
    scores = evaluate(train_set, test_set, codes)
    model = clf.NaiveBayes.train([i.text for i in items], [i.code for i in items], codes)
    last = TopicModel.objects.select_for_update().order_by("-version").values_list("version", flat=True).first()
    return TopicModel.objects.create(
        version=(last or 0) + 1,
        trained_at=now or timezone.now(),
        training_size=scores.training_size,
        test_size=scores.test_size,
        accuracy=scores.accuracy,
        rules_accuracy=scores.rules_accuracy,
        baseline_accuracy=scores.baseline_accuracy,
        parameters=model.to_json(),
    )
