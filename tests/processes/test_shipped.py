"""The shipped processes name their legal basis and the rule codes of their clocks, and the demo loads them."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from cases.models import Petition, PetitionStatus, PetitionType
from workflows.models import HumanTask, InstanceStatus
from workflows.validation import NS, validate

PROCESSES = Path(__file__).resolve().parents[2] / "bpmn" / "processes"


@pytest.mark.parametrize(
    ("name", "law", "rules"),
    [
        (
            "complaint_first",
            "Luật Khiếu nại 2011",
            {"complaint.accept", "complaint.resolve.first", "complaint.resolve.first.complex"},
        ),
        (
            "complaint_second",
            "Luật Khiếu nại 2011",
            {"complaint.accept", "complaint.resolve.second", "complaint.resolve.second.complex"},
        ),
        (
            "denunciation",
            "Luật Tố cáo 2018",
            {
                "denunciation.classify",
                "denunciation.classify.complex",
                "denunciation.transfer",
                "denunciation.notify",
                "denunciation.resolve",
                "denunciation.conclusion_handling",
            },
        ),
        ("reception", "Luật Tiếp công dân 2013", {"reception.first_outcome", "reflection.resolve"}),
    ],
)
def test_each_process_cites_its_law_and_times_its_steps_by_rule(db, name, law, rules):
    xml = (PROCESSES / f"{name}.bpmn").read_bytes()

    process = validate(xml, filename=f"{name}.bpmn")

    assert process.process_id == name
    assert law in process.documentation and "Điều" in process.documentation
    root = etree.fromstring(xml)
    used = {p.get("value") for p in root.iterfind(".//spiffworkflow:property[@name='deadline_rule']", NS)}
    assert used == rules
    lanes = {lane.get("name") for lane in root.iterfind(".//bpmn:lane", NS)}
    assert lanes <= {"Cán bộ tiếp nhận", "Cán bộ xử lý", "Lãnh đạo đơn vị"}


def test_the_demo_has_a_complaint_a_denunciation_and_a_reception_petition_and_loads_once(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    complaint = Petition.objects.get(petition_type=PetitionType.COMPLAINT)
    denunciation = Petition.objects.get(petition_type=PetitionType.DENUNCIATION)
    reception = Petition.objects.get(channel="reception")
    assert complaint.status == denunciation.status == reception.status == PetitionStatus.IN_PROGRESS
    assert HumanTask.objects.open().get(instance=complaint.workflow).element_id == "verify"
    assert HumanTask.objects.open().get(instance=denunciation.workflow).element_id == "assign"
    assert HumanTask.objects.open().get(instance=reception.workflow).element_id == "assign"
    assert complaint.workflow.status == InstanceStatus.RUNNING
    assert Petition.objects.count() == 10  # 8 from seed_demo itself, the Zalo and e-mail cases from the channel demos
