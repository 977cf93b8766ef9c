"""One factory per model, with realistic Vietnamese data."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from agencies.models import Agency, AgencyAlias, Committee, Membership, User
from documents.models import Directive
from tasks.models import Task


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"bcd389-tinh-{n}")
    name = factory.Sequence(lambda n: f"Ban Chỉ đạo 389 tỉnh số {n}")
    level = "province"
    place_name = "Kiên Giang"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"KG-{n:03d}")
    name = factory.Sequence(lambda n: f"Sở Công Thương số {n}")
    short_name = factory.Sequence(lambda n: f"Sở CT {n}")
    kind = "department"


class AgencyAliasFactory(DjangoModelFactory):
    class Meta:
        model = AgencyAlias

    agency = factory.SubFactory(AgencyFactory)
    alias = factory.Sequence(lambda n: f"Tên khác {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    committee = factory.SubFactory(CommitteeFactory)
    agency = factory.SubFactory(AgencyFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {chr(65 + n % 26)}")
    role = "secretariat"
    committee = factory.SubFactory(CommitteeFactory)
    agency = None
    password = factory.PostGenerationMethodCall("set_password", "matkhau-389")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()

    class Params:
        secretariat = factory.Trait(role="secretariat")
        chair = factory.Trait(role="chair", position="Trưởng ban")
        officer = factory.Trait(role="agency_officer", agency=factory.SubFactory(AgencyFactory))
        head = factory.Trait(role="agency_head", agency=factory.SubFactory(AgencyFactory))


class DirectiveFactory(DjangoModelFactory):
    class Meta:
        model = Directive

    committee = factory.SubFactory(CommitteeFactory)
    doc_type = "TB"
    number = factory.Sequence(lambda n: n + 100)
    symbol = "TB-VPUBND"
    issuer_code = "VPUBND"
    issuer_name = "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG"
    issued_on = dt.date(2020, 10, 7)
    subject = "Kết luận của Trưởng Ban Chỉ đạo 389 tỉnh tại hội nghị sơ kết 9 tháng năm 2020"
    text = ""


class TaskFactory(DjangoModelFactory):
    """A draft task with no agencies; use tests.helpers to make assigned ones."""

    class Meta:
        model = Task

    directive = factory.SubFactory(DirectiveFactory)
    ref = factory.Sequence(lambda n: f"II.{n}")
    title = "Tăng cường kiểm tra, kiểm soát hàng hóa nhập lậu qua biên giới"
    content = ""
    position = factory.Sequence(lambda n: n)


class ReportingObligationFactory(DjangoModelFactory):
    """A periodic report the committee's members owe (monthly, data cut-off on the 15th)."""

    class Meta:
        model = "reporting.ReportingObligation"

    committee = factory.SubFactory(CommitteeFactory)
    name = "Báo cáo kết quả công tác chống buôn lậu, gian lận thương mại và hàng giả"
    frequency = "month"
    cutoff_day = 15
    due_rule = "working_days"
    due_working_days = 3
    starts_on = dt.date(2020, 1, 1)
