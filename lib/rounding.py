"""The one rounding rule for every figure a rule compares and a sentence shows.

The official LKE ZI workbook (Lampiran III of PermenPAN-RB 90/2021) computes
with full precision — its formulas call no ROUND — and shows every value
with the number format `0.00` and every share with `0.00%`. The nilai ambang
(Tabel 6: 75,00; 40,00; 18,25; 15,75 …) and the SKM bands of PermenPAN-RB
14/2017 (88,31 … 100,00) are printed with two decimals too. So a figure is
judged as it is shown: rounded half up (half away from zero, as a spreadsheet
shows it) to two decimals, and the sentence prints that same rounded figure.
A verdict can then never say that a value is below a minimum it displays as
equal: 74,996 shows as 75,00 and meets 75,00; 74,994 shows as 74,99 and does not.

Floating-point sums of 0,67-style values carry noise in the 15th digit
(74,995 may arrive as 74,99499999999999); the value is first settled at nine
decimals, far below anything the catalogs can express, then rounded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

SETTLE = Decimal("1e-9")


def shown(value: float | int | Decimal | Fraction, places: int = 2) -> Decimal:
    """The value as the LKE shows it: half up to `places` decimals, exactly."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, Decimal):
        exact = value
    else:
        exact = Decimal(repr(float(value)))
    settled = exact.quantize(SETTLE, rounding=ROUND_HALF_EVEN)
    return settled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown_percent(part: float | Decimal, whole: float | Decimal, places: int = 2) -> Decimal:
    """A share as the LKE shows it (`0.00%`): the shown part over the whole, as a percentage.

    The part is rounded first, so that "4,20 dari 7,00" is always 60,00 %.
    """
    if not whole:
        return Decimal(0).quantize(Decimal(1).scaleb(-places))
    return shown(shown(part) / Decimal(repr(float(whole))) * 100, places)
