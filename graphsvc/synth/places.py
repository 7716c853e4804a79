"""Where synthetic people live: locales, real cities with their other spellings, mail providers.

Cities are real (Faker's en_US cities such as 'Lake Johnmouth' would make every
location unique, and unique locations are far easier to match than real ones),
listed largest first; a city's other spellings ('Munich' for 'München', 'NYC')
are what people write instead of the canonical name.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LOCALES", "City", "Locale"]


@dataclass(frozen=True, slots=True)
class City:
    name: str  # the canonical, local spelling
    region: str  # US state or UK nation ('' elsewhere): 'Austin, TX', 'Glasgow, Scotland'
    other: tuple[str, ...] = ()  # exonyms, abbreviations, spellings without accents


@dataclass(frozen=True, slots=True)
class Locale:
    faker: str  # Faker locale of the names
    country: str  # ISO 3166 alpha-2
    country_names: tuple[str, ...]  # how people write the country in a location or a CRM
    lang: str
    share: float  # share of the population
    cities: tuple[City, ...]
    free_mail: tuple[str, ...]  # first one (gmail.com) is the most used
    tld: str  # of company domains


def _cities(region: str, *items: str | tuple[str, ...]) -> tuple[City, ...]:
    out = []
    for item in items:
        name, *other = (item,) if isinstance(item, str) else item
        out.append(City(name, region, tuple(other)))
    return tuple(out)


_US = (
    City("New York", "NY", ("NYC", "New York City")),
    City("Los Angeles", "CA", ("LA",)),
    City("Chicago", "IL"),
    City("Houston", "TX"),
    City("Phoenix", "AZ"),
    City("Philadelphia", "PA", ("Philly",)),
    City("San Antonio", "TX"),
    City("San Diego", "CA"),
    City("Dallas", "TX"),
    City("Austin", "TX", ("ATX",)),
    City("San Francisco", "CA", ("SF",)),
    City("Seattle", "WA"),
    City("Denver", "CO"),
    City("Boston", "MA"),
    City("Portland", "OR", ("PDX",)),
    City("Atlanta", "GA", ("ATL",)),
    City("Miami", "FL"),
    City("Minneapolis", "MN"),
)
_GB = (
    *_cities("England", "London", "Manchester", "Birmingham", "Leeds"),
    City("Glasgow", "Scotland"),
    *_cities("England", "Liverpool", "Bristol"),
    City("Edinburgh", "Scotland"),
    City("Sheffield", "England"),
    City("Cardiff", "Wales", ("Caerdydd",)),
    City("Newcastle", "England", ("Newcastle upon Tyne",)),
    *_cities("England", "Nottingham", "Brighton", "Oxford", "Cambridge"),
)
_DE = _cities(
    "",
    "Berlin",
    "Hamburg",
    ("München", "Munich", "Muenchen"),
    ("Köln", "Cologne", "Koeln"),
    ("Frankfurt am Main", "Frankfurt"),
    "Stuttgart",
    ("Düsseldorf", "Duesseldorf", "Dusseldorf"),
    "Leipzig",
    "Dresden",
    ("Nürnberg", "Nuremberg", "Nuernberg"),
    "Bremen",
    ("Hannover", "Hanover"),
)
_FR = _cities(
    "",
    "Paris",
    ("Marseille", "Marseilles"),
    ("Lyon", "Lyons"),
    "Toulouse",
    "Nice",
    "Nantes",
    "Strasbourg",
    "Montpellier",
    "Bordeaux",
    "Lille",
    "Rennes",
    "Grenoble",
)
_ES = _cities(
    "",
    "Madrid",
    "Barcelona",
    ("Valencia", "València"),
    ("Sevilla", "Seville"),
    "Zaragoza",
    ("Málaga", "Malaga"),
    "Bilbao",
    ("Palma", "Palma de Mallorca"),
    "Alicante",
    "Granada",
)
_IT = _cities(
    "",
    ("Roma", "Rome"),
    ("Milano", "Milan"),
    ("Napoli", "Naples"),
    ("Torino", "Turin"),
    "Palermo",
    ("Genova", "Genoa"),
    "Bologna",
    ("Firenze", "Florence"),
    "Bari",
    "Verona",
    ("Venezia", "Venice"),
)
_PL = _cities(
    "",
    ("Warszawa", "Warsaw"),
    ("Kraków", "Krakow", "Cracow"),
    ("Łódź", "Lodz"),
    ("Wrocław", "Wroclaw"),
    ("Poznań", "Poznan"),
    ("Gdańsk", "Gdansk"),
    "Szczecin",
    "Lublin",
    "Katowice",
)
_BR = _cities(
    "",
    ("São Paulo", "Sao Paulo", "Sampa"),
    ("Rio de Janeiro", "Rio"),
    ("Brasília", "Brasilia"),
    "Salvador",
    "Fortaleza",
    ("Belo Horizonte", "BH"),
    "Curitiba",
    "Recife",
    "Porto Alegre",
    "Manaus",
)

LOCALES: tuple[Locale, ...] = (
    Locale(
        "en_US",
        "US",
        ("USA", "United States", "US"),
        "en",
        0.30,
        _US,
        ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "proton.me"),
        ".com",
    ),
    Locale(
        "en_GB",
        "GB",
        ("UK", "United Kingdom", "England"),
        "en",
        0.14,
        _GB,
        ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "icloud.com"),
        ".co.uk",
    ),
    Locale(
        "de_DE",
        "DE",
        ("Germany", "Deutschland", "DE"),
        "de",
        0.12,
        _DE,
        ("gmail.com", "web.de", "gmx.de", "t-online.de", "outlook.de", "posteo.de"),
        ".de",
    ),
    Locale(
        "fr_FR",
        "FR",
        ("France", "FR"),
        "fr",
        0.10,
        _FR,
        ("gmail.com", "orange.fr", "free.fr", "hotmail.fr", "laposte.net", "sfr.fr"),
        ".fr",
    ),
    Locale(
        "es_ES",
        "ES",
        ("Spain", "España", "ES"),
        "es",
        0.09,
        _ES,
        ("gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net"),
        ".es",
    ),
    Locale(
        "it_IT",
        "IT",
        ("Italy", "Italia", "IT"),
        "it",
        0.08,
        _IT,
        ("gmail.com", "libero.it", "virgilio.it", "hotmail.it", "alice.it", "tiscali.it"),
        ".it",
    ),
    Locale(
        "pl_PL",
        "PL",
        ("Poland", "Polska", "PL"),
        "pl",
        0.07,
        _PL,
        ("gmail.com", "wp.pl", "onet.pl", "o2.pl", "interia.pl"),
        ".pl",
    ),
    Locale(
        "pt_BR",
        "BR",
        ("Brazil", "Brasil", "BR"),
        "pt",
        0.10,
        _BR,
        ("gmail.com", "hotmail.com", "yahoo.com.br", "uol.com.br", "bol.com.br", "outlook.com"),
        ".com.br",
    ),
)
