from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BpmnConfig(AppConfig):
    name = "bpmn"
    verbose_name = _("Mô hình quy trình BPMN")
