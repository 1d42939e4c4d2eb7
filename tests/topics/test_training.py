"""The classifier learns from the topics officials confirmed: on held-aside petitions it beats the keyword rules
alone and the majority class, and the next petition is suggested by the new model."""

from __future__ import annotations

from django.core.management import call_command

from cases.models import Petition
from tests.topics.corpus import HELD_ASIDE, TRAINING
from topics import classifier, services
from topics.models import Topic, TopicModel


def labelled(rows: list[tuple[str, str, str]], start: int) -> list[services.Labelled]:
    return [services.Labelled(start + i, services.petition_text(t, c), code) for i, (code, t, c) in enumerate(rows)]


def test_syllables_old_and_new_tone_placement_are_one_token():
    assert classifier.tokens("Hoà bình, thuỷ lợi") == classifier.tokens("hòa bình thủy lợi")
    assert "đèn đường" in classifier.tokens("Đèn đường hỏng")  # a pair of syllables is a feature


def test_training_on_labelled_petitions_beats_the_keyword_rules_and_the_majority_class(db):
    codes = list(Topic.objects.values_list("code", flat=True))
    scores = services.evaluate(labelled(TRAINING, 1), labelled(HELD_ASIDE, 1000), codes)
    assert scores.test_size == len(HELD_ASIDE)
    assert scores.rules_accuracy is not None and scores.accuracy is not None and scores.baseline_accuracy is not None
    assert scores.accuracy > scores.rules_accuracy
    assert scores.accuracy >= 0.9
    assert scores.baseline_accuracy < 0.2


def test_the_next_petition_is_suggested_by_the_trained_model(submit):
    text = {"title": "Cắt nước không báo trước", "content": "Khu phố bị cắt nước ba ngày, công ty không thông báo."}
    before = Petition.objects.get(tracking_code=submit(**text)["tracking_code"])
    assert before.topic is not None and before.topic.code == "other"  # no keyword: the rules cannot tell
    model = services.train(labelled=labelled(TRAINING, 1) + labelled(HELD_ASIDE, 1000))
    assert model.version == 1 and model.training_size + model.test_size == len(TRAINING) + len(HELD_ASIDE)
    assert model.accuracy is not None and model.rules_accuracy is not None
    after = Petition.objects.get(tracking_code=submit(**text)["tracking_code"])
    assert after.topic is not None and after.topic.code == "water"
    assert "nước" in " ".join(after.topic_evidence)
    assert after.topic_confidence is not None and after.topic_confidence > 0.5


def test_train_topics_learns_from_the_confirmed_petitions_only(submit, client_for, capsys):
    alice = client_for("alice")
    confirmed = Petition.objects.get(tracking_code=submit()["tracking_code"])
    submit(title="Mất nước", content="Mất nước cả tuần.")  # suggested, never confirmed
    assert alice.post(f"/api/v1/cases/{confirmed.pk}/topic", {"topic": "traffic"}, format="json").status_code == 200
    call_command("train_topics")
    model = TopicModel.objects.get()
    assert model.training_size + model.test_size == 1
    assert "topic model v1" in capsys.readouterr().out
    # The corrected petition's words now point to its corrected topic.
    assert "traffic" in model.parameters["classes"]
