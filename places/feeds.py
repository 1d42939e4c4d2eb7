"""RSS and Atom feeds of the answers published in a commune or a topic (`/feeds/commune/<code>.atom`, `.rss`;
`/feeds/topic/<code>.atom`, `.rss`): titles and answers redacted as on every public page; no personal data."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from cases.models import Petition
from organisation.models import Unit
from places.selectors import public_petitions
from topics.models import Topic

FEED_ITEMS = 50
FORMATS = {"atom": Atom1Feed, "rss": Rss201rev2Feed}


class _AnswersFeed(Feed):
    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        fmt = kwargs.pop("fmt")
        if fmt not in FORMATS:
            raise Http404
        self.feed_type = FORMATS[fmt]
        return super().__call__(request, *args, **kwargs)

    def item_title(self, item: Petition) -> str:
        return item.public_text(item.title)

    def item_description(self, item: Petition) -> str:
        return item.public_text(item.answer)

    def item_link(self, item: Petition) -> str:
        return reverse("cases:track", args=[item.tracking_code])

    def item_pubdate(self, item: Petition) -> Any:
        return item.published_at

    def item_updateddate(self, item: Petition) -> Any:
        return item.published_at

    def item_categories(self, item: Petition) -> list[str]:
        return [item.get_petition_type_display()]

    def _items(self, **where: Any) -> list[Petition]:
        return list(
            public_petitions()
            .filter(**where)
            .only(
                "tracking_code",
                "title",
                "answer",
                "petition_type",
                "published_at",
                "petitioner_name",  # read only to be redacted (`Petition.public_text`)
                "petitioner_phone",
                "petitioner_email",
            )
            .order_by("-published_at")[:FEED_ITEMS]
        )


class CommuneFeed(_AnswersFeed):
    def get_object(self, request: HttpRequest, code: str) -> Unit:
        return get_object_or_404(Unit, code=code, is_commune=True)

    def title(self, obj: Unit) -> str:
        return _("Trả lời phản ánh, kiến nghị: %(place)s") % {"place": obj.name}

    def link(self, obj: Unit) -> str:
        return f"{reverse('search:page')}?commune={obj.code}"

    def description(self, obj: Unit) -> str:
        return _("Các trả lời mới được công khai ở %(place)s.") % {"place": obj.name}

    def items(self, obj: Unit) -> list[Petition]:
        return self._items(commune=obj)


class TopicFeed(_AnswersFeed):
    def get_object(self, request: HttpRequest, code: str) -> Topic:
        return get_object_or_404(Topic, code=code, active=True)

    def title(self, obj: Topic) -> str:
        return _("Trả lời phản ánh, kiến nghị: %(place)s") % {"place": obj.label}

    def link(self, obj: Topic) -> str:
        return reverse("places:map") + f"?topic={obj.code}"

    def description(self, obj: Topic) -> str:
        return _("Các trả lời mới được công khai về lĩnh vực %(topic)s.") % {"topic": obj.label}

    def items(self, obj: Topic) -> list[Petition]:
        return self._items(topic=obj)
