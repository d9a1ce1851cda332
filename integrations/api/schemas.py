"""What the API sends and takes, as django-ninja schemas (they make the OpenAPI document)."""

from __future__ import annotations

import datetime

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from lib.text import clean


class Problem(Schema):
    detail: str


class Me(Schema):
    username: str
    full_name: str
    nip: str | None
    token: str = Field(description="Nama token yang dipakai")
    read_only: bool
    expires_at: datetime.datetime | None


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    province: str
    regency: str
    parent_code: str | None = Field(None, description="Kode unit induk; kosong untuk akar")
    depth: int


class CycleOut(Schema):
    id: int
    unit_code: str
    year: int
    framework: str
    target: str
    stage: str
    fill_opens: datetime.date | None
    fill_closes: datetime.date | None
    review_opens: datetime.date | None
    review_closes: datetime.date | None
    self_total: float
    tpi_total: float | None = Field(description="Hanya setelah penilaian TPI final")
    tpn_total: float | None
    work_plan_percent: float


class NodeOut(Schema):
    code: str
    name: str
    weight: float
    value: float
    answered: int
    questions: int


class EligibilityOut(Schema):
    predicate: str
    eligible: bool
    failed: list[str]


class ScorecardOut(Schema):
    cycle: int
    layer: str
    framework: str
    total: float
    completeness: float
    components: list[NodeOut]
    areas: list[NodeOut]
    eligibility: list[EligibilityOut]


class AnswerOut(Schema):
    code: str
    option: str | None
    number: float | None
    inputs: dict[str, float]
    value: float | None
    note: str
    version: int
    updated_at: datetime.datetime


class CleanIn(Schema):
    """A request body: its text without control characters (lib.text, as the front door
    cleans every form), and no infinite or NaN numbers (JSON's 1e309)."""

    model_config = ConfigDict(allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _clean_text(cls, value):
        if isinstance(value, str):
            return clean(value)
        if isinstance(value, dict):
            return {clean(k) if isinstance(k, str) else k: v for k, v in value.items()}
        return value


class AnswerIn(CleanIn):
    option: str | None = Field(None, description="Kunci pilihan: Ya/Tidak, A, B, …")
    number: float | None = Field(None, description="Persentase 0–100 atau nilai survei 0–4")
    inputs: dict[str, float | None] | None = Field(
        None, description="Isian jumlah pertanyaan persentase, per kunci (n1, n2, …)"
    )
    note: str = ""
    expected_version: int | None = Field(
        None, description="Versi yang terakhir dibaca; bila jawaban sudah berubah: 409"
    )


class ProgressOut(Schema):
    date: datetime.date
    percent: int
    note: str


class WorkPlanItemOut(Schema):
    id: int
    area: str
    title: str
    person_in_charge: str
    start_date: datetime.date | None
    due_date: datetime.date | None
    status: str
    percent: int
    progress: list[ProgressOut]


class ProgressIn(CleanIn):
    percent: int = Field(ge=0, le=100)
    note: str = Field(min_length=1)
    date: datetime.date | None = None


class AwardOut(Schema):
    unit_code: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.name")
    predicate: str
    year: int
    decree_number: str
    decree_date: datetime.date
    revoked_on: datetime.date | None
