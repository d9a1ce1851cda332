"""Lists of witnesses and signatories from spreadsheets (xlsx/csv), all or nothing.

The rows are read and checked with django-import-export resources run
through `lib.imports.import_dataset` (one bad row rejects the file,
errors numbered by spreadsheet row); the participants are then written by
`services.participants_replace`, the same service the forms use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import fields, resources

from declarations import services
from declarations.models import Declarant, Declaration, Witness
from lib.imports import ImportFileError, import_dataset, read_dataset
from units.models import User
from units.resources import TextWidget

# Column names people write, mapped to ours (Indonesian headers are welcome).
HEADER_ALIASES = {
    "nama": "name",
    "nama lengkap": "name",
    "jabatan": "position",
    "instansi": "institution",
    "lembaga": "institution",
    "nip": "nip",
}


class NipWidget(TextWidget):
    """A NIP cell. Spreadsheets keep numbers to 15 digits, so an 18-digit NIP typed as a number
    has already lost its last digits: refuse it instead of importing a wrong NIP."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 10**15:
            raise ValueError(
                _(
                    "NIP %(value)s tersimpan sebagai angka di lembar kerja sehingga digit "
                    "terakhirnya bisa hilang; ubah format kolom NIP menjadi teks lalu ketik ulang."
                )
                % {"value": int(value)}
            )
        return super().clean(value, row, **kwargs)


class _Collector:
    """Validates rows like any import but collects them instead of saving them;
    `services.participants_replace` writes them afterwards, all at once."""

    def init_collector(self, declaration: Declaration) -> None:
        self.declaration = declaration
        self.collected: list[dict] = []

    def get_or_init_instance(self, instance_loader, row):
        return self.init_instance(row), True

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.declaration = self.declaration

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors.keys(), "declaration", "order"], validate_unique=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        self.collected.append({name: getattr(instance, name) for name in self._meta.fields})


class WitnessImportResource(_Collector, resources.ModelResource):
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    position = fields.Field(attribute="position", column_name="position", widget=TextWidget())
    institution = fields.Field(
        attribute="institution", column_name="institution", widget=TextWidget()
    )

    class Meta:
        model = Witness
        fields = ("name", "position", "institution")
        import_id_fields = ()


class DeclarantImportResource(_Collector, resources.ModelResource):
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    nip = fields.Field(attribute="nip", column_name="nip", widget=NipWidget())
    position = fields.Field(attribute="position", column_name="position", widget=TextWidget())

    class Meta:
        model = Declarant
        fields = ("name", "nip", "position")
        import_id_fields = ()


@dataclass
class ParticipantImport:
    ok: bool
    count: int = 0
    errors: list[str] | None = None


def _normalise_headers(dataset) -> None:
    dataset.headers = [
        HEADER_ALIASES.get(str(header or "").strip().lower(), str(header or "").strip().lower())
        for header in dataset.headers
    ]


def import_participants(
    *, declaration: Declaration, who: str, content: bytes, file_name: str, by: User | None
) -> ParticipantImport:
    """Replace a draft's witnesses ('witnesses') or declarants ('declarants') with a file's rows.

    Declarants from a file belong to the first declaring unit; NIPs are checked
    row by row (units.validators.validate_nip). Nothing changes unless every row is valid.
    """
    if who == "witnesses":
        resource, model, required = WitnessImportResource(), Witness, {"name"}
    elif who == "declarants":
        resource, model, required = DeclarantImportResource(), Declarant, {"name", "nip"}
    else:
        raise ValueError(who)
    try:
        dataset = read_dataset(content, file_name=file_name)
    except ImportFileError as error:
        return ParticipantImport(ok=False, errors=error.errors)
    _normalise_headers(dataset)
    missing = sorted(required - set(dataset.headers))
    if missing:
        return ParticipantImport(
            ok=False,
            errors=[_("Kolom wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)}],
        )
    resource.init_collector(declaration)
    with transaction.atomic():
        report = import_dataset(resource, dataset, user=by)
    if not report.ok:
        return ParticipantImport(ok=False, errors=report.errors)
    people = resource.collected
    if model is Declarant:
        first_unit = (
            declaration.declaring_units.select_related("unit").order_by("order", "pk").first()
        )
        for person in people:
            person["unit"] = first_unit.unit if first_unit else None
    count = services.participants_replace(
        declaration=declaration, model=model, people=people, by=by
    )
    return ParticipantImport(ok=True, count=count)
