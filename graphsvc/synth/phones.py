"""Valid phone numbers for a country, written the ways CRMs hold them.

A number is the example number of its country and type (from libphonenumber's metadata)
with the digits after its prefix redrawn until ``is_valid_number`` accepts it, so every
number passes the importer's check. National formats are used only for US numbers: the
importer reads national numbers with the default region US.
"""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, PhoneNumberType

__all__ = ["PhoneBook"]

#: Digits of the example number's national significant number kept as the prefix (area or mobile code).
_KEEP = {"US": 0, "GB": 2, "DE": 3, "FR": 1, "ES": 1, "IT": 2, "PL": 2, "BR": 3}
_US_AREAS = (
    "212",
    "646",
    "917",
    "213",
    "310",
    "312",
    "773",
    "713",
    "602",
    "215",
    "210",
    "619",
    "214",
    "512",
    "415",
    "206",
    "303",
    "617",
    "503",
    "404",
    "305",
    "612",
)


class PhoneBook:
    """Draws numbers that no one else has (a shared number would be false evidence)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def _draw(self, rng: random.Random, region: str, mobile: bool) -> PhoneNumber:
        kind = PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            raise RuntimeError(f"libphonenumber has no example number for {region}")
        nsn = phonenumbers.national_significant_number(example)
        keep = _KEEP.get(region, 2)
        for _ in range(200):
            if region == "US":
                digits = (
                    rng.choice(_US_AREAS)
                    + str(rng.randint(2, 9))
                    + f"{rng.randrange(100):02d}"
                    + f"{rng.randrange(10000):04d}"
                )
            else:
                digits = nsn[:keep] + "".join(str(rng.randrange(10)) for _ in range(len(nsn) - keep))
            number = phonenumbers.parse(f"+{example.country_code}{digits}", None)
            e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            if e164 not in self.taken and phonenumbers.is_valid_number(number):
                self.taken.add(e164)
                return number
        raise RuntimeError(f"no valid {region} number drawn in 200 tries")  # the metadata changed: a bug here

    def number(self, rng: random.Random, region: str, mobile: bool) -> tuple[str, str]:
        """(written form, E.164) of a new number in ``region``."""
        return self._written(rng, self._draw(rng, region, mobile))

    def rewrite(self, rng: random.Random, e164: str) -> tuple[str, str]:
        """The same number written again, perhaps differently (another CRM, another user)."""
        return self._written(rng, phonenumbers.parse(e164, None))

    @staticmethod
    def _written(rng: random.Random, number: PhoneNumber) -> tuple[str, str]:
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        draw = rng.random()
        if number.country_code == 1 and draw < 0.55:  # only US numbers are +1 here
            national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)  # '(212) 555-0199'
            digits = "".join(ch for ch in national if ch.isdigit())
            forms = (national, f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", f"{digits[:3]}.{digits[3:6]}.{digits[6:]}")
            return rng.choice(forms), e164
        if draw < 0.75:
            return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL), e164  # '+44 20 7946 0958'
        return e164, e164
