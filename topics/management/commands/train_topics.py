"""Train a new topic model from the petitions whose topic officials confirmed (`topics.services.train`)."""

from typing import Any

from django.core.management.base import BaseCommand

from topics import services


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


class Command(BaseCommand):
    help = "Huấn luyện mô hình gợi ý lĩnh vực từ các đơn đã xác nhận (Train the topic model on confirmed petitions)."

    def handle(self, *args: Any, **options: Any) -> None:
        model = services.train()
        self.stdout.write(
            self.style.SUCCESS(
                f"topic model v{model.version}: {model.training_size} training, {model.test_size} held aside; "
                f"accuracy {_percent(model.accuracy)}, rules {_percent(model.rules_accuracy)}, "
                f"majority class {_percent(model.baseline_accuracy)}"
            )
        )
