from units.validators import UNIT_CODE_PATTERN


class UnitCodeConverter:
    """Unit codes in URLs: letters, digits, dot, underscore and hyphen."""

    regex = UNIT_CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
