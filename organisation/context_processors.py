"""The header's links: each role reaches its own pages, computed once here from the user's memberships."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from organisation.models import Role
from organisation.names import official_name
from organisation.selectors import memberships_of


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    url: str


def nav_links(user: object) -> list[NavLink]:
    """The work pages of the header for this user, in a fixed order: none for citizens (anonymous)."""
    roles = {membership.role for membership in memberships_of(user)}  # type: ignore[arg-type]
    links: list[NavLink] = []
    if roles:
        links.append(NavLink("inbox", _("Hộp việc"), reverse("work:inbox")))
    if Role.RECEPTION_OFFICER in roles:
        links.append(NavLink("record", _("Ghi nhận đơn"), reverse("cases:record")))
        links.append(NavLink("reception", _("Đơn chờ xác nhận"), reverse("channels:queue")))
    if Role.UNIT_LEADER in roles:
        links.append(NavLink("leaders", _("Số liệu"), reverse("cases:leaders")))
        # The notices and decisions drafted in the units they lead, waiting for their approval and signature.
        links.append(NavLink("documents", _("Văn bản chờ duyệt"), reverse("documents:pending")))
    # Drafting a regulation and taking the public's comments on it is the work of handling officers and
    # their leaders in the drafting unit.
    if roles & {Role.HANDLING_OFFICER, Role.UNIT_LEADER}:
        links.append(NavLink("consultations", _("Quản lý lấy ý kiến"), reverse("consultation:manage-list")))
        links.append(NavLink("surveys", _("Quản lý khảo sát"), reverse("surveys:manage-list")))
    if Role.LEGAL_STAFF in roles:
        links.append(NavLink("modeler", _("Quy trình"), reverse("bpmn:modeler-list")))
        if getattr(user, "is_staff", False):  # rules and forms are edited in the admin
            links.append(
                NavLink("deadlines", _("Thời hạn luật định"), reverse("admin:deadlines_deadlinerule_changelist"))
            )
            links.append(NavLink("forms", _("Mẫu văn bản"), reverse("admin:documents_documentform_changelist")))
    return links


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "display_name": ""}
    return {"nav_links": nav_links(user), "display_name": official_name(user)}
