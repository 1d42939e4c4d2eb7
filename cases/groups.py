"""Group petitions (đơn trùng nội dung, giải quyết chung): many petitioners, one case.

A reception officer (or a leader) of the unit handling a case joins a petition to it (`join_petition`): the
petition's own engine case is cancelled (`workflows.services.cancel_case`, with an audit entry on both cases) and the
lead petition's case continues for everyone. The joined petition keeps its tracking code, secret key and status
page, which shows the group case's progress and answer (`cases.selectors.public_status`); every message of the
group case reaches it once, through its own address chain (`cases.notices.notify`); the leaders' figures count it
as a petitioner, never as a case (`cases.outcomes`: `OutcomeTally.joined`).

Refused, with nothing changed: a join to itself, to a case of another type or another handling unit, to a closed
(answered, not accepted) case, to a petition that is itself joined (no chains), of a petition that leads a group,
of a denunciation (a denouncer's identity is sealed: never grouped with other people's petitions) and of a
second-instance complaint (it continues one complainant's decided complaint).

A join can be undone while the group case is open (`unjoin_petition`): the petition gets a new running case of its
own on the process in force, whose legal periods RESTART from the day of the undo (it was handled within the group
case until then; its old case stays in the audit trail, ended with the join).

Concurrency: the join claims the petition with a conditional UPDATE (`joined_to IS NULL`) after locking both rows
(`select_for_update`, in primary-key order): of two officers joining at once, the second gets `GroupConflict` (409).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import notices, outcomes
from cases.models import OPEN_STATUSES, SEALED_TYPES, Outcome, Petition, PetitionStatus, PetitionType
from core.errors import AppError
from deadlines import calendar
from notifications.models import MessageKind
from organisation.models import Membership, Role, Unit
from workflows import services as workflow_services
from workflows.models import CaseEvent, InstanceStatus

NOT_GROUPED_TYPES = frozenset({*SEALED_TYPES, PetitionType.COMPLAINT_SECOND})


class GroupError(AppError):
    """A join or an undo refused because of what the two petitions are: {field: reason}."""

    code = "join_refused"
    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.errors = {field: message}


class GroupConflict(GroupError):
    code = "conflict"
    status = 409


class GroupNotAllowed(GroupError):
    code = "permission_denied"
    status = 403


def may_group(user: User, unit_id: int) -> bool:
    """Reception officers of the unit handling the case, and its leaders (or those of a unit above)."""
    if not user.is_authenticated:
        return False
    if Membership.objects.filter(user_id=user.pk, unit_id=unit_id, role=Role.RECEPTION_OFFICER).exists():
        return True
    return workflow_services.leads(user, Unit.objects.get(pk=unit_id))


def _locked(*pks: int) -> dict[int, Petition]:
    return {
        row.pk: row
        for row in Petition.objects.select_for_update()
        .select_related("workflow__unit")
        .filter(pk__in=set(pks))
        .order_by("pk")
    }


def check_join(*, petition: Petition, into: Petition, user: User) -> None:
    """Raise GroupError (400), GroupNotAllowed (403) or GroupConflict (409) if `petition` may not join `into`."""
    if petition.pk == into.pk:
        raise GroupError("into", gettext("Không thể gộp một đơn vào chính nó."))
    if not may_group(user, into.workflow.unit_id):
        raise GroupNotAllowed(
            "into", gettext("Chỉ cán bộ tiếp nhận hoặc lãnh đạo của đơn vị đang giải quyết hồ sơ được gộp đơn.")
        )
    if petition.petition_type in SEALED_TYPES or into.petition_type in SEALED_TYPES:
        raise GroupError("into", gettext("Đơn tố cáo không được gộp: danh tính người tố cáo phải được giữ bí mật."))
    if PetitionType.COMPLAINT_SECOND in (petition.petition_type, into.petition_type):
        raise GroupError(
            "into", gettext("Khiếu nại lần hai không được gộp: mỗi khiếu nại lần hai tiếp nối một quyết định riêng.")
        )
    if petition.joined_to_id is not None:
        raise GroupConflict("into", gettext("Đơn này đã được gộp vào một hồ sơ khác."))
    if into.joined_to_id is not None:
        raise GroupError(
            "into",
            gettext("Đơn %(code)s đã được gộp vào hồ sơ khác; hãy gộp vào hồ sơ chung đó.")
            % {"code": into.tracking_code},
        )
    if petition.members.exists():
        raise GroupError(
            "into", gettext("Đơn này đang là hồ sơ chung của các đơn khác nên không thể gộp vào hồ sơ khác.")
        )
    if petition.petition_type != into.petition_type:
        raise GroupError(
            "into",
            gettext("Chỉ gộp được đơn cùng loại: đơn này là %(mine)s, hồ sơ kia là %(theirs)s.")
            % {"mine": petition.get_petition_type_display(), "theirs": into.get_petition_type_display()},
        )
    if petition.workflow.unit_id != into.workflow.unit_id:
        raise GroupError(
            "into",
            gettext("Chỉ gộp được đơn do cùng một đơn vị giải quyết: hồ sơ kia do %(unit)s giải quyết.")
            % {"unit": into.workflow.unit.name},
        )
    if into.status not in OPEN_STATUSES or into.workflow.status != InstanceStatus.RUNNING:
        raise GroupError(
            "into", gettext("Hồ sơ %(code)s đã kết thúc nên không thể gộp thêm đơn.") % {"code": into.tracking_code}
        )
    if petition.status not in OPEN_STATUSES or petition.workflow.status != InstanceStatus.RUNNING:
        raise GroupError("petition", gettext("Đơn này đã được giải quyết xong nên không thể gộp."))


@transaction.atomic
def join_petition(*, petition: Petition, into: Petition, user: User) -> Petition:
    """Join `petition` to the case of `into` (the lead). Returns the joined petition, re-read. Locks both rows."""
    rows = _locked(petition.pk, into.pk)
    petition, into = rows[petition.pk], rows[into.pk]
    check_join(petition=petition, into=into, user=user)
    now = timezone.now()
    claimed = Petition.objects.filter(pk=petition.pk, joined_to__isnull=True, status__in=OPEN_STATUSES).update(
        joined_to=into, joined_at=now, joined_by=user, status=into.status
    )
    if not claimed:
        raise GroupConflict("into", gettext("Đơn này vừa được cán bộ khác gộp hoặc xử lý; hãy tải lại trang."))
    # Its own case ends here; `outcomes.keep_outcome` (the written hook) takes it out of the case counts.
    workflow_services.cancel_case(
        instance=petition.workflow,
        user=user,
        kind="joined",
        summary=f"Gộp vào hồ sơ {into.tracking_code} để giải quyết chung với các đơn cùng nội dung",
        public_text="Đơn được giải quyết chung với các đơn cùng nội dung; tình trạng và kết quả giải quyết hiển thị tại đây.",
        data={"lead": into.pk, "lead_code": into.tracking_code},
    )
    CaseEvent.objects.create(
        instance_id=into.workflow_id,
        actor=user,
        kind="petition_joined",
        summary=f"Gộp đơn {petition.tracking_code} vào hồ sơ này (giải quyết chung)",
        data={"petition": petition.pk, "tracking_code": petition.tracking_code},
    )
    outcomes.count_joined(into, delta=1)
    petition.refresh_from_db()
    notices.notify(
        petition,
        kind=MessageKind.ACCEPTANCE,
        occasion=f"joined-{into.pk}-{now.timestamp():.0f}",
        subject=_("Đơn của ông/bà được giải quyết chung"),
        intro=_(
            "Đơn %(code)s của ông/bà có cùng nội dung với đơn của người khác nên được %(unit)s giải quyết chung. Ông/bà vẫn theo dõi bằng mã tra cứu và mã bí mật của mình; kết quả giải quyết sẽ được gửi đến ông/bà."
        ),
        unit=into.workflow.unit.name,
        code=petition.tracking_code,
    )
    return petition


@transaction.atomic
def unjoin_petition(*, petition: Petition, user: User) -> Petition:
    """Undo a join: `petition` gets a running case of its own again, its legal periods counted from today."""
    lead_id = petition.joined_to_id
    if lead_id is None:
        raise GroupError("petition", gettext("Đơn này không được gộp vào hồ sơ nào."))
    rows = _locked(petition.pk, lead_id)
    petition, lead = rows[petition.pk], rows[lead_id]
    if not may_group(user, lead.workflow.unit_id):
        raise GroupNotAllowed(
            "petition", gettext("Chỉ cán bộ tiếp nhận hoặc lãnh đạo của đơn vị đang giải quyết hồ sơ được tách đơn.")
        )
    if lead.status not in OPEN_STATUSES:
        raise GroupError(
            "petition", gettext("Hồ sơ chung đã có kết quả và đã gửi cho người gửi đơn này; không thể tách đơn nữa.")
        )
    claimed = Petition.objects.filter(pk=petition.pk, joined_to=lead).update(
        joined_to=None,
        joined_at=None,
        joined_by=None,
        status=PetitionStatus.RECEIVED,
        answer="",
        answered_at=None,
        answered_by=None,
        outcome=Outcome.OPEN,
        missed_deadline=False,
        tallied_unit=None,
    )
    if not claimed:
        raise GroupConflict("petition", gettext("Đơn này vừa được cán bộ khác tách; hãy tải lại trang."))
    from cases.services import process_subject

    old = petition.workflow
    instance = workflow_services.create_instance(
        subject_type=process_subject(petition.petition_type, petition.channel),
        unit=lead.workflow.unit,
        reference=petition.tracking_code,
        title=petition.title,
    )
    Petition.objects.filter(pk=petition.pk).update(workflow=instance)
    summary = f"Tách đơn {petition.tracking_code} khỏi hồ sơ chung {lead.tracking_code} để giải quyết riêng"
    CaseEvent.objects.create(
        instance=old, actor=user, kind="petition_unjoined", summary=summary, data={"case": instance.pk}
    )
    CaseEvent.objects.create(
        instance_id=lead.workflow_id,
        actor=user,
        kind="petition_unjoined",
        summary=summary,
        data={"petition": petition.pk, "tracking_code": petition.tracking_code},
    )
    outcomes.count_joined(lead, delta=-1)
    today = calendar.today()
    workflow_services.run_instance(
        instance,
        data={
            "petition_type": petition.petition_type,
            "publish_consent": petition.publish_consent,
            "channel": petition.channel,
        },
        summary=f"{summary}; thời hạn giải quyết tính lại từ ngày {today:%d/%m/%Y}",
        public_text=f"Đơn được tách khỏi hồ sơ giải quyết chung để giải quyết riêng; thời hạn tính lại từ ngày {today:%d/%m/%Y}.",
        actor=user,
    )
    petition.refresh_from_db()
    notices.notify(
        petition,
        kind=MessageKind.ACCEPTANCE,
        occasion=f"unjoined-{instance.pk}",
        subject=_("Đơn của ông/bà được giải quyết riêng"),
        intro=_(
            "Đơn %(code)s của ông/bà không còn được giải quyết chung với các đơn khác; %(unit)s giải quyết riêng đơn này, thời hạn tính lại từ ngày %(date)s."
        ),
        unit=instance.unit.name,
        code=petition.tracking_code,
        date=today.strftime("%d/%m/%Y"),
    )
    return petition
