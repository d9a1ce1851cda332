"""Hostile input on every URL, as every kind of person: never a 500, and a refusal writes nothing.

For each row of the access matrix (tests/test_access_matrix.py: every URL of the
product, with the data its form takes), Hypothesis draws a person (anonymous, an
outsider, each role on the unit and on its parent, a superuser) and a hostile
request built from the row's own data:

- query strings with the parameters the views read (q, halaman, tahun, unit, layer,
  format, …) and invented ones, holding hostile values — also raw, badly encoded
  bytes (`%FF%00`);
- form fields replaced, dropped, duplicated, or added; posts plain or as htmx;
  sometimes the other method (a POST to a page that only shows);
- uploaded files replaced by hostile CSV and xlsx files (cells with NUL and other
  control characters, formulas, 10,000-character text, numbers like 1e309, no rows,
  rows wider than the header), by bytes that are no spreadsheet, by an empty file,
  or renamed with control characters and "../";

where hostile values are NUL and other control characters, 10,000-character
strings, right-to-left marks, emoji, combining marks, markup and SQL, numbers such as
1e309, -0, NaN, 99999999999999999999 and Arabic-Indic digits, malformed and
implausible dates, and ids that name nothing.

Every response must be below 500, and a refused request (4xx, or a redirect that
carries an error message) must have written nothing: each example runs in a
savepoint with a database execute wrapper recording every INSERT, UPDATE and
DELETE. Sessions are the one table a refusal may touch.

Examples per URL: `ZI_FUZZ_EXAMPLES` (default 5; PDF pages a third of that).
CI runs the default on PostgreSQL with fixed seeds (derandomized), so a failure
reproduces; a longer, random run:

    ZI_FUZZ_EXAMPLES=200 ZI_FUZZ_RANDOM=1 .venv/bin/pytest -p no:xdist tests/test_fuzz.py

The run's totals are printed at the end of the test session (tests/conftest.py).
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import openpyxl
import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, TestCase
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.test_access_matrix import ROWS, SUBJECTS, Row, World, build_world

EXAMPLES = int(os.environ.get("ZI_FUZZ_EXAMPLES", "5"))
RANDOM = os.environ.get("ZI_FUZZ_RANDOM", "") not in ("", "0")
# Tables a refused request may write: the session (a first visit records its sign-in state).
MAY_WRITE_WHEN_REFUSED = {"django_session"}

# --------------------------------------------------------------------------
# Hostile values

TEXTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 20,
    "\x01\x02\x07\x08\x0b\x0c\x1b\x7f\x85\x9b",
    "SK\x00 tim\r\n\tada",
    "x" * 10_000,
    "Ya" * 5_000,
    "\u202eevil.pdf\u202c",
    "\u200f\u200e\u061c مرحبا",
    "🙂🚀👩🏽‍💻" * 10,
    "Z̷̡̢͖̠a̴̛̖l̸̢̛g̵̱̈ỏ̶̞",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE units_unit; --',
    "%(x)s {0} {unit} %s %d",
    "../../etc/passwd",
    "ｆｕｌｌｗｉｄｔｈ",
    "\ufeffBOM",
    "\ud7ff\ue000\uffff",
]
NUMBERS = [
    "1e309",
    "-1e309",
    "-0",
    "0",
    "-1",
    "NaN",
    "Infinity",
    "99999999999999999999",
    "9" * 400,
    "1.234",
    "1.234,5",
    "3,75",
    "0x10",
    "1_000",
    "٣",
    "１２",
    "1e-400",
    "2.5",
]
DATES = [
    "1900-01-01",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "31/12/2026",
    "2026-1-1",
    "20260101",
    "today",
    "2026-01-01T25:61",
]
IDS = ["0", "-1", "99999999999999999999", "abc", "1 OR 1=1", "1.5", "", "١"]
RAW_QUERIES = [
    "q=%FF%FE%00",
    "q=%C0%80&halaman=%ED%A0%80",
    "tahun=%00%00&unit=%E2%80%AE",
    "halaman=-1",
    "halaman=99999999999999999999",
    "layer=..%2F..%2F",
    "q=" + "%41" * 3000,
    "%00=%00",
    "q&q&q=",
]
QUERY_NAMES = [
    "q",
    "halaman",
    "tahun",
    "unit",
    "jenis",
    "kind",
    "versi",
    "layer",
    "format",
    "siklus",
    "instansi",
    "next",
    "year",
    "province",
    "provinsi",
    "predicate",
    "stage",
    "sort",
    "order",
    "status",
    "framework",
    "layers",
    "eligibility",
    "revoked",
]

hostile = st.one_of(
    st.sampled_from(TEXTS),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.sampled_from(IDS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
NAMES = st.sampled_from(QUERY_NAMES) | st.text(
    st.characters(exclude_categories=("Cs",)), max_size=8
)


# --------------------------------------------------------------------------
# Hostile files


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        # openpyxl cannot write C0 controls; NUL and the others travel in CSV files
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", str(cell)) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(cells) for cells in rows).encode("utf-8", "replace")


HEADERS = [
    ["code", "answer", "note"],
    ["name", "position", "institution"],
    ["name", "nip", "position"],
    ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"],
    ["code", "name", "kind", "parent"],
]
CELLS = st.one_of(
    st.sampled_from(TEXTS[:12]),
    st.sampled_from(NUMBERS),
    st.sampled_from(["A.MP.PMN.i.a", "A.PW.RFM.iii.LHKPN.a.n5", "B.BBA.a.1", "Ya", "4", "=1+1"]),
    st.sampled_from(["=SUM(A1:A9)", '=HYPERLINK("http://x")', "@cmd", "+1", "-1"]),
)


@st.composite
def hostile_files(draw) -> SimpleUploadedFile:
    kind = draw(st.sampled_from(["csv", "xlsx", "header-only", "bytes", "empty", "wide"]))
    header = draw(st.sampled_from(HEADERS))
    rows = [[draw(CELLS) for _cell in header] for _row in range(draw(st.integers(1, 6)))]
    name = draw(st.sampled_from(["berkas", "../../x", "a\x00b\x1b", "\u202egpj", "🙂", "x" * 300]))
    if kind == "csv":
        return SimpleUploadedFile(f"{name}.csv", _csv([header, *rows]), "text/csv")
    if kind == "xlsx":
        return SimpleUploadedFile(f"{name}.xlsx", _xlsx([header, *rows]))
    if kind == "header-only":
        return SimpleUploadedFile(f"{name}.csv", _csv([header]), "text/csv")
    if kind == "wide":
        wide = [[*row, "3", "75"] for row in rows]
        return SimpleUploadedFile(f"{name}.csv", _csv([header, *wide]), "text/csv")
    if kind == "empty":
        return SimpleUploadedFile(f"{name}.pdf", b"", "application/pdf")
    content = draw(st.binary(max_size=300))
    suffix = draw(st.sampled_from([".pdf", ".xlsx", ".csv", ".png", ""]))
    return SimpleUploadedFile(f"{name}{suffix}", b"%PDF-1.7\n" + content)


# --------------------------------------------------------------------------
# Requests


@dataclass
class Attempt:
    method: str
    query: dict[str, list[str]] = field(default_factory=dict)
    raw_query: str = ""
    data: dict[str, object] = field(default_factory=dict)
    htmx: bool = False

    def describe(self) -> str:
        def short(value) -> str:
            text = repr(value)
            return text if len(text) < 60 else text[:57] + "…"

        fields = {key: short(value) for key, value in self.data.items()}
        return (
            f"{self.method} query={ {k: short(v) for k, v in self.query.items()} } "
            f"raw={self.raw_query[:40]!r} data={fields} htmx={self.htmx}"
        )


def _is_file(value) -> bool:
    return isinstance(value, SimpleUploadedFile)


@st.composite
def attempts(draw, row: Row, base: dict) -> Attempt:
    method = row.method if draw(st.integers(0, 9)) else ("POST" if row.method == "GET" else "GET")
    attempt = Attempt(method=method, htmx=draw(st.booleans()))
    names = draw(st.lists(NAMES, max_size=4))
    for name in names:
        attempt.query[name] = draw(st.lists(hostile, min_size=1, max_size=2))
    if draw(st.integers(0, 3)) == 0:
        attempt.raw_query = draw(st.sampled_from(RAW_QUERIES))
    if method == "POST":
        data: dict[str, object] = {}
        for key, value in base.items():
            choice = draw(st.sampled_from(["keep", "keep", "hostile", "drop", "twice"]))
            if _is_file(value):
                if choice != "drop":
                    data[key] = value if choice == "keep" else draw(hostile_files())
            elif choice == "keep":
                data[key] = str(value)
            elif choice == "hostile":
                data[key] = draw(hostile)
            elif choice == "twice":
                data[key] = [str(value), draw(hostile)]
        for name in draw(st.lists(NAMES, max_size=3)):
            data[name] = draw(hostile)
        if row.method == "GET" and draw(st.booleans()):
            data["file"] = draw(hostile_files())
        attempt.data = data
    return attempt


WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


class Writes:
    """A database execute wrapper: the tables each statement of a request writes."""

    def __init__(self) -> None:
        self.tables: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            self.tables.append(match.group(2).split(".")[-1])
        return execute(sql, params, many, context)


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code == 302:
        return any(m.level >= message_levels.ERROR for m in get_messages(response.wsgi_request))
    return False


# --------------------------------------------------------------------------
# The run


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = build_world()
        yield built
        transaction.set_rollback(True)


def _examples(row: Row) -> int:
    return max(1, EXAMPLES // 3) if row.name.endswith("_pdf") else EXAMPLES


def _request(world: World, row: Row, subject: str, attempt: Attempt):
    client = Client()
    if world.users[subject] is not None:
        client.force_login(world.users[subject])
    url = reverse(row.name, kwargs=row.kwargs(world))
    headers = {"HX-Request": "true"} if attempt.htmx else {}
    query = "&".join(filter(None, [_encode(attempt.query), attempt.raw_query]))
    target = f"{url}?{query}" if query else url
    writes = Writes()
    with connection.execute_wrapper(writes):
        if attempt.method == "GET":
            response = client.get(target, headers=headers)
        else:
            response = client.post(target, attempt.data, headers=headers)
    return response, writes


def _encode(query: dict[str, list[str]]) -> str:
    return urlencode([(key, value) for key, values in query.items() for value in values])


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method} {row.name}")
def test_hostile_requests_are_never_a_500_and_refusals_write_nothing(
    row: Row, fuzz_world, db, record_property
):
    tally = {"requests": 0, "refused": 0}

    @settings(
        max_examples=_examples(row),
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(subject=st.sampled_from(SUBJECTS), data=st.data())
    def probe(subject: str, data) -> None:
        before = set(fuzz_world.extra)
        try:
            with transaction.atomic():
                base = row.data(fuzz_world)
                attempt = data.draw(attempts(row, base), label="request")
                context = f"{row.name} as {subject}: {attempt.describe()}"
                try:
                    response, writes = _request(fuzz_world, row, subject, attempt)
                except Exception as error:  # the test client re-raises what was a 500
                    raise AssertionError(f"500 on {context}: {error!r}") from error
                tally["requests"] += 1
                assert response.status_code < 500, f"{response.status_code} on {context}"
                if refused(response):
                    tally["refused"] += 1
                    wrote = [t for t in writes.tables if t not in MAY_WRITE_WHEN_REFUSED]
                    assert not wrote, (
                        f"refused ({response.status_code}) but wrote {wrote}: {context}"
                    )
                transaction.set_rollback(True)
        finally:
            for key in set(fuzz_world.extra) - before:
                del fuzz_world.extra[key]

    probe()
    record_property("fuzz_requests", tally["requests"])
    record_property("fuzz_refused", tally["refused"])
