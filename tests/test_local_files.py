"""No product code touches local disk, except the few places listed here with their reason.

Uploaded and generated files go through Django's storage API (`lib.files`),
so with `ZI_S3_BUCKET` set they live in the bucket every app server and
worker shares. This test reads the product's modules with `ast` and fails
on a new `open()`, a pathlib read or write, a file function of `os` or
`shutil`, or a mention of MEDIA_ROOT or FileSystemStorage outside the
list below. Temporary files (`tempfile`) are allowed anywhere: they are a
process's scratch, gone when it ends. The same checker runs on made-up
code, so it is seen to fail when it should.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.test_architecture import product_files

ROOT = Path(__file__).resolve().parent.parent
# benchmarks measure the product from outside and may write where they like.
PRODUCT = ("lib", "units", "change_areas", "service_standards", "declarations", "zi_tracker")

# Module → why it may touch local disk. Every entry must still need it (checked below).
ALLOWED = {
    "zi_tracker/settings.py": "settings: the development secret key file; MEDIA_ROOT named once",
    "lib/pdf.py": "reads the application's own static files (fonts, CSS) into PDFs",
    "change_areas/catalog.py": "reads the regulation catalogs shipped with the code",
    "change_areas/management/commands/lke_import.py": "an operator's file named on the command line",
    "change_areas/management/commands/lke_export.py": "writes the file the operator names",
    "declarations/management/commands/print_declarations.py": "writes the folder the operator names",
    "declarations/management/commands/load_signing_key.py": (
        "reads the key file the operator names, once, into the database"
    ),
    "lib/mail.py": "development only: the mail outbox `make run` shows at /dev/surel/",
}

PATH_METHODS = {"read_text", "read_bytes", "write_text", "write_bytes", "unlink", "mkdir", "touch"}
OS_FILE_FUNCTIONS = {
    "open",
    "fdopen",
    "remove",
    "unlink",
    "rename",
    "makedirs",
    "mkdir",
    "rmdir",
    "listdir",
    "scandir",
    "walk",
    "stat",
}
NAMES = {"MEDIA_ROOT", "FileSystemStorage"}


def offences(source: str) -> list[tuple[int, str]]:
    """(line, what) for every local-disk access in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "open":
                found.append((node.lineno, "open()"))
            elif isinstance(func, ast.Attribute) and func.attr in PATH_METHODS:
                found.append((node.lineno, f".{func.attr}()"))
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "os"
                and func.attr in OS_FILE_FUNCTIONS
            ):
                found.append((node.lineno, f"os.{func.attr}()"))
        elif isinstance(node, ast.Attribute) and (
            (isinstance(node.value, ast.Name) and node.value.id in {"shutil"})
            or (
                isinstance(node.value, ast.Attribute)
                and isinstance(node.value.value, ast.Name)
                and (node.value.value.id, node.value.attr) == ("os", "path")
                and node.attr not in {"join", "basename", "splitext", "dirname"}
            )
        ):
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.ImportFrom) and any(a.name in NAMES for a in node.names):
            found.append((node.lineno, "import " + ", ".join(a.name for a in node.names)))
        elif isinstance(node, ast.Name) and node.id in NAMES:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr in NAMES:
            found.append((node.lineno, node.attr))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "FileSystemStorage" in node.value
        ):
            found.append((node.lineno, repr(node.value)))
    return sorted(set(found))


def product_offences() -> dict[str, list[tuple[int, str]]]:
    result = {}
    for relative in product_files(ROOT, PRODUCT):
        found = offences((ROOT / relative).read_text(encoding="utf-8"))
        if found:
            result[relative.as_posix()] = found
    return result


def test_no_product_code_reads_or_writes_local_disk_outside_the_list():
    unexpected = {
        module: found for module, found in product_offences().items() if module not in ALLOWED
    }
    assert unexpected == {}, (
        "These modules touch local disk; use the storage API (lib.files) instead, or add "
        f"them to ALLOWED with the reason: {unexpected}"
    )


def test_every_module_in_the_list_still_needs_to_be_there():
    assert sorted(set(ALLOWED) - set(product_offences())) == []


def test_the_checker_sees_each_kind_of_local_file_access():
    source = """
import os, shutil
from django.conf import settings
from django.core.files.storage import FileSystemStorage
def handler(field, target):
    open("/srv/media/x")
    target.write_bytes(b"")
    os.remove("/srv/x")
    shutil.copy("a", "b")
    os.path.exists("/srv/x")
    settings.MEDIA_ROOT
    return FileSystemStorage()
"""
    kinds = [what for _line, what in offences(source)]
    assert kinds == [
        "import FileSystemStorage",
        "open()",
        ".write_bytes()",
        "os.remove()",
        "shutil.copy",
        "os.path.exists",
        "MEDIA_ROOT",
        "FileSystemStorage",
    ]


def test_the_checker_lets_storage_api_code_through():
    source = """
import os, tempfile
from pathlib import Path
from lib.files import read_stored
def handler(document, upload):
    name = Path(upload.name).stem
    with document.file.open("rb") as handle:
        handle.read()
    with tempfile.SpooledTemporaryFile() as scratch:
        scratch.write(read_stored(document.file))
    return os.environ.get("X"), os.path.join("a", name)
"""
    assert offences(source) == []
