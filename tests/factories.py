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
