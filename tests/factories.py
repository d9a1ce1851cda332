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


# --- declarations ---------------------------------------------------------------------------

import datetime  # noqa: E402

from change_areas.models import Framework  # noqa: E402
from declarations import services as declaration_services  # noqa: E402
from declarations.models import Declarant, Declaration, DeclarationKind, Witness  # noqa: E402


def current_framework() -> Framework:
    """The framework new declarations refer to (the catalogs are loaded once per test DB)."""
    framework = Framework.objects.filter(code="permenpan-rb-90-2021").first()
    if framework is None:
        from django.core.management import call_command

        call_command("load_catalogs", verbosity=0)
        framework = Framework.objects.get(code="permenpan-rb-90-2021")
    return framework


class DeclarationFactory(factory.django.DjangoModelFactory):
    """A draft through `declarations.services.declaration_create` (the unit's head declares)."""

    class Meta:
        model = Declaration

    unit = factory.SubFactory(
        UnitFactory,
        head_name="Siti Nurhaliza, S.ST., M.Ec.Dev.",
        head_nip="198002142003122002",
        head_position="Kepala BPS Kota Sorong",
    )
    kind = DeclarationKind.PIAGAM
    framework = factory.LazyFunction(current_framework)
    event_date = datetime.date(2021, 6, 10)
    event_time = datetime.time(9, 0)
    venue = "Aula Samu Siret"
    city = "Sorong"

    @classmethod
    def _create(cls, model_class, *args, unit=None, units=None, by=None, **kwargs):
        return declaration_services.declaration_create(unit=unit, units=units, by=by, **kwargs)


class DeclarantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declarant

    declaration = factory.SubFactory(DeclarationFactory)
    name = factory.Sequence(lambda n: f"Penanda Tangan {n}")
    nip = "198002142003122002"
    position = factory.Sequence(lambda n: f"Kepala Unit {n}")
    order = factory.Sequence(lambda n: n + 100)


class WitnessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Witness

    declaration = factory.SubFactory(DeclarationFactory)
    name = factory.Sequence(lambda n: f"Saksi Contoh {n}")
    position = "Kepala Perwakilan"
    institution = "Ombudsman RI Perwakilan Papua Barat"
    order = factory.Sequence(lambda n: n)
