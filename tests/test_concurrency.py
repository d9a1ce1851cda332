"""No lost updates: two people acting at the same instant, each on a real database connection.

Each test starts two threads that wait at a barrier and then act at once;
the services' row locks (SELECT … FOR UPDATE) serialise them: exactly one
wins, the other is told, and nothing is lost.

These run on PostgreSQL, the production database (CI's second run). The
SQLite test database lives in shared-cache memory, where a second writer gets
"table is locked" at once instead of waiting, so two real writers cannot be
raced there; the tests are therefore defined only when the suite runs on
PostgreSQL.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from change_areas import services
from change_areas.models import Answer, Layer, Stage
from declarations import services as declaration_services
from declarations.models import Declaration, DeclarationStatus
from lib.concurrency import EditConflict
from service_standards import services as standard_services
from service_standards.models import StandardVersion
from tests.change_areas.helpers import force_stage
from tests.factories import (
    AnswerFactory,
    CycleFactory,
    DeclarationFactory,
    StandardVersionFactory,
    UnitFactory,
    UserFactory,
    member,
)
from units import services as unit_services
from units.models import Role, Unit, UnitKind

ON_POSTGRESQL = connection.vendor == "postgresql"


def race(*actions):
    """Run the actions at the same moment on separate connections; return results or errors."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = action()
        except Exception as error:  # the loser's error is the expected outcome
            outcomes[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def one_wins(outcomes, result_type, refusal_type):
    """Exactly one action returned a `result_type`, the other was refused: (result, refusal)."""
    won = [o for o in outcomes if isinstance(o, result_type)]
    refused = [o for o in outcomes if isinstance(o, refusal_type)]
    assert len(won) == 1 and len(refused) == 1, outcomes
    return won[0], refused[0]


if ON_POSTGRESQL:

    @pytest.fixture
    def race_root(transactional_db, catalogs):
        return UnitFactory(code="RACE", kind=UnitKind.KEMENTERIAN_LEMBAGA)

    @pytest.fixture
    def tpi_cycle(race_root):
        """A cycle in the TPI's evaluation whose one answer (A) the TPI layer starts from."""
        cycle = CycleFactory(unit=UnitFactory(code="RACE-1", parent=race_root))
        AnswerFactory(cycle=cycle, code="A.MP.PMN.i.b", option="A")
        cycle = force_stage(cycle, Stage.EVALUASI_TPI)
        services.copy_layer(cycle, Layer.SELF, Layer.TPI, by=None)
        return cycle

    @pytest.fixture
    def contested_question(tpi_cycle):
        return tpi_cycle.framework.questions.get(code="A.MP.PMN.i.b")

    @pytest.fixture
    def first_reviewer(race_root):
        return member(race_root, Role.TPI_REVIEWER)

    @pytest.fixture
    def second_reviewer(race_root):
        return member(race_root, Role.TPI_REVIEWER)

    def test_two_reviewers_saving_one_answer_at_once_lose_nothing(
        tpi_cycle, contested_question, first_reviewer, second_reviewer
    ):
        seen = Answer.objects.get(
            cycle=tpi_cycle, question=contested_question, layer=Layer.TPI
        ).version

        def save(by, option):
            return lambda: (
                services.answer_save(
                    cycle=tpi_cycle,
                    question=contested_question,
                    layer=Layer.TPI,
                    option=option,
                    by=by,
                    expected_version=seen,
                )[0].option
            )

        outcomes = race(save(first_reviewer, "B"), save(second_reviewer, "C"))
        winners = [o for o in outcomes if isinstance(o, str)]
        losers = [o for o in outcomes if isinstance(o, services.AnswerConflict)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        stored = Answer.objects.get(cycle=tpi_cycle, question=contested_question, layer=Layer.TPI)
        assert stored.option == winners[0]
        assert stored.version == seen + 1
        assert losers[0].current.option == winners[0]  # the loser is shown the answer that won
        assert (
            Answer.objects.get(
                cycle=tpi_cycle, question=contested_question, layer=Layer.SELF
            ).option
            == "A"
        )

    def test_two_reviewers_marking_reviews_at_once_keep_one_consistent_verdict(
        tpi_cycle, contested_question, first_reviewer, second_reviewer
    ):
        services.open_reviews(tpi_cycle, Layer.TPI)

        def mark(by, status, reason):
            return lambda: (
                services.review_mark(
                    cycle=tpi_cycle,
                    question=contested_question,
                    layer=Layer.TPI,
                    status=status,
                    reason=reason,
                    by=by,
                ).status
            )

        outcomes = race(
            mark(first_reviewer, "diterima", ""),
            mark(second_reviewer, "perlu_perbaikan", "Lengkapi SK."),
        )
        assert all(isinstance(o, str) for o in outcomes), outcomes
        review = tpi_cycle.reviews.get(question=contested_question, layer=Layer.TPI)
        assert review.status in outcomes
        assert review.history.count() == 2  # both marks, one after the other: neither lost

    @pytest.fixture
    def draft_declaration(transactional_db, catalogs):
        unit = UnitFactory(
            code="DECL", head_name="Kepala", head_nip="198002142003122002", head_position="Kepala"
        )
        return DeclarationFactory(unit=unit)

    @pytest.fixture
    def first_admin(transactional_db):
        return UserFactory(is_superuser=True, is_staff=True)

    @pytest.fixture
    def second_admin(transactional_db):
        return UserFactory(is_superuser=True, is_staff=True)

    def test_two_admins_finalising_one_declaration_at_once_freeze_it_once(
        draft_declaration, first_admin, second_admin
    ):
        def finalise(by):
            return lambda: (
                declaration_services.declaration_finalise(
                    declaration=draft_declaration, by=by
                ).pdf_sha256
            )

        outcomes = race(finalise(first_admin), finalise(second_admin))
        pdf_sha256, _refused = one_wins(outcomes, str, ValidationError)
        draft_declaration.refresh_from_db()
        assert draft_declaration.status == DeclarationStatus.FINAL
        assert draft_declaration.pdf_sha256 == pdf_sha256
        assert draft_declaration.history.filter(status=DeclarationStatus.FINAL).count() == 1

    def test_two_admins_saving_one_declaration_draft_from_the_same_page_lose_nothing(
        draft_declaration,
        first_admin,
        second_admin,
    ):
        opened = draft_declaration.revision

        def save(by, venue):
            return lambda: (
                declaration_services.declaration_update(
                    declaration=Declaration.objects.get(pk=draft_declaration.pk),
                    by=by,
                    expected_revision=opened,
                    venue=venue,
                ).venue
            )

        outcomes = race(save(first_admin, "Aula A"), save(second_admin, "Aula B"))
        venue, refused = one_wins(outcomes, str, EditConflict)
        draft_declaration.refresh_from_db()
        assert draft_declaration.venue == venue
        assert draft_declaration.revision == opened + 1
        # The loser is shown what the winner saved.
        assert refused.current.venue == venue

    @pytest.fixture
    def draft_standard(transactional_db):
        return StandardVersionFactory(service__unit=UnitFactory(code="STD"))

    @pytest.fixture
    def first_editor(draft_standard):
        """A coordinator of the standard's unit: may edit and publish it."""
        return member(draft_standard.service.unit, Role.COORDINATOR, "editor-1")

    @pytest.fixture
    def second_editor(draft_standard):
        return member(draft_standard.service.unit, Role.COORDINATOR, "editor-2")

    def test_two_people_saving_one_draft_standard_from_the_same_page_lose_nothing(
        draft_standard,
        first_editor,
        second_editor,
    ):
        opened = draft_standard.revision

        def save(by, count):
            return lambda: (
                standard_services.version_update(
                    version=draft_standard, by=by, expected_revision=opened, staff_count=count
                ).staff_count
            )

        outcomes = race(save(first_editor, 4), save(second_editor, 7))
        staff_count, _refused = one_wins(outcomes, int, EditConflict)
        draft_standard.refresh_from_db()
        assert draft_standard.staff_count == staff_count and draft_standard.revision == opened + 1

    def test_two_coordinators_publishing_one_draft_at_once_publish_it_once(
        draft_standard, first_editor, second_editor
    ):

        def publish(by, number):
            return lambda: (
                standard_services.version_publish(
                    version=draft_standard,
                    by=by,
                    decree_number=number,
                    decree_date=datetime.date(2026, 11, 2),
                    effective_date=datetime.date(2026, 11, 2),
                ).version.decree_number
            )

        outcomes = race(publish(first_editor, "SK-1/2026"), publish(second_editor, "SK-2/2026"))
        decree_number, _refused = one_wins(outcomes, str, ValidationError)
        versions = StandardVersion.objects.filter(service=draft_standard.service)
        assert versions.filter(status=StandardVersion.Status.PUBLISHED).count() == 1
        assert versions.get().decree_number == decree_number

    def test_two_people_asking_for_a_new_version_at_once_get_one_draft(
        draft_standard, first_editor, second_editor
    ):
        service = StandardVersionFactory(
            published=True, service__unit=draft_standard.service.unit
        ).service

        def ask(by):
            return lambda: standard_services.version_draft(service=service, by=by)[0].pk

        outcomes = race(ask(first_editor), ask(second_editor))

        assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
        assert outcomes[0] == outcomes[1]
        assert service.versions.filter(status=StandardVersion.Status.DRAFT).count() == 1

    def test_the_database_refuses_a_second_draft_whatever_the_code_does(draft_standard):
        with pytest.raises(IntegrityError), transaction.atomic():
            StandardVersion.objects.create(
                service=draft_standard.service, number=draft_standard.number + 1
            )

    def test_two_units_created_at_once_with_codes_differing_in_case_make_one(race_root):
        def create(code):
            return lambda: (
                unit_services.unit_create(
                    parent=race_root, code=code, name=f"Unit {code}", kind=UnitKind.SATKER
                ).code
            )

        outcomes = race(create("bps-9100"), create("BPS-9100"))

        created, refused = one_wins(outcomes, str, ValidationError)
        assert "huruf besar dan kecil" in " ".join(refused.messages)
        assert list(
            Unit.objects.filter(code__iexact="bps-9100").values_list("code", flat=True)
        ) == [created]

    def test_the_database_refuses_a_code_that_differs_only_in_case(race_root):
        other = UnitFactory(code="RACE-2", parent=race_root)

        with pytest.raises(IntegrityError), transaction.atomic():
            Unit.objects.filter(pk=other.pk).update(code="race")
