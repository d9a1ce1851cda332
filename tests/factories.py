"""factory_boy factories with valid defaults. Units and memberships go through the services."""

import factory

from units import services
from units.models import Membership, Role, Unit, UnitKind, User

TEST_PASSWORD = "password-for-tests"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Pegawai Contoh {n}")
    position = "Analis"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.go.id")
    password = factory.django.Password(TEST_PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Unit Contoh {n}")
    kind = UnitKind.SATKER
    province = "Papua Barat Daya"
    regency = "Kota Sorong"
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        return services.unit_create(parent=parent, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.STAFF


# --- service_standards ----------------------------------------------------------------

import datetime as _datetime  # noqa: E402

from service_standards import services as standard_services  # noqa: E402
from service_standards.models import (  # noqa: E402
    Category,
    Channel,
    DurationUnit,
    Service,
    StandardVersion,
)


def complete_standard(**overrides) -> dict:
    """Every one of the 14 components filled: a version that can be published."""
    values = {
        "requirements": ["KTP", "Formulir permohonan"],
        "procedure": ["Mengisi buku tamu", "Menyampaikan kebutuhan", "Menerima layanan"],
        "duration_value": 30,
        "duration_unit": DurationUnit.MINUTES,
        "is_free": True,
        "products": ["Data statistik"],
        "complaint_channels": ["Kotak saran", "SP4N-LAPOR!"],
        "legal_basis": ["Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"],
        "facilities": ["Ruang layanan"],
        "competencies": ["Memahami data statistik"],
        "internal_supervision": ["Pengawasan oleh kepala unit"],
        "staff_count": 2,
        "service_guarantee": "Layanan sesuai standar.",
        "security_guarantee": "Data pengguna dirahasiakan.",
        "performance_evaluation": "Evaluasi setiap triwulan.",
    }
    values.update(overrides)
    return values


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Layanan Contoh {n}")
    channel = Channel.IN_PERSON
    category = Category.SERVICES

    @classmethod
    def _create(cls, model_class, *args, unit, **kwargs):
        return standard_services.service_create(unit=unit, by=None, **kwargs)


class StandardVersionFactory(factory.django.DjangoModelFactory):
    """A draft with every component filled; `published=True` publishes it."""

    class Meta:
        model = StandardVersion

    service = factory.SubFactory(ServiceFactory)

    @classmethod
    def _create(cls, model_class, *args, service, published=False, **kwargs):
        version = standard_services.version_create(
            service=service, by=None, **complete_standard(**kwargs)
        )
        if published:
            version = standard_services.version_publish(
                version=version,
                by=None,
                decree_number=f"SK-{version.number}/2024",
                decree_date=_datetime.date(2024, 1, 10),
                effective_date=_datetime.date(2024, 2, 1),
            ).version
        return version
