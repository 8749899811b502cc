#!/usr/bin/env python3
"""Build datasets/ev-battery-chain/{firms,sourcing,components}.csv and scenarios.toml.

Plain Python 3.11, standard library only. Run from the repository root:

    python3 datasets/build/ev_battery_chain.py

Every figure below is either a fact of datasets/FACTS.md (its id in a comment) or an
illustrative assumption (marked ILL, with the F-ILL id where FACTS.md has one). The
dataset.toml beside the CSVs is written by hand and lists the same sources (the ids used in
the `source` column) and assumptions.

How the tiers are sized (the point of the rewrite): the cells are the world's 2024 EV battery
installations (894.4 GWh, F-CELL-02) split by maker (F-CELL-01), plant and chemistry. Every
upstream tier is sized from what these cells need (cost fractions per chemistry), not from
world tonnages times a price, so a firm's need of its inputs per unit of its output, and its
stock in days, are the same whichever tier it sits on. Within a tier, suppliers' totals are
set to world shares (USGS for mines, IEA for refining, Yano for materials), so the
value-weighted country shares of each component are the world shares.
"""

from __future__ import annotations

import csv
import os
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "ev-battery-chain")

PRICE = 75.0  # USD per kWh of cells, ILL F-ILL-02
M = 1e6  # GWh -> kWh is 1e6; USD per GWh = PRICE * 1e6

# --------------------------------------------------------------------------- firms
firms: dict[str, dict] = {}


def firm(fid, name, country, kind, region="", group="", recovery=0, output=None, source=""):
    assert fid not in firms, fid
    firms[fid] = dict(
        firm_id=fid, name=name, country=country, region=region, group=group, kind=kind,
        annual_output_value=output, recovery_days=recovery, capacity_value=None, source=source,
    )


rows: list[dict] = []


def row(buyer, comp, supplier, value, inv, source):
    assert buyer in firms and supplier in firms, (buyer, supplier)
    if value <= 0:
        return
    rows.append(dict(buyer_id=buyer, component=comp, supplier_id=supplier, value=value,
                     inventory_days=inv, source=source))


def inv_days(buyer, supplier, same, cross):
    return same if firms[buyer]["country"] == firms[supplier]["country"] else cross


# --------------------------------------------------------------------------- cells
# Cell lines: (id, maker group, name, country, region, chemistry, GWh, source).
# Maker totals: SNE Jan-May 2024 shares (F-CELL-01) x 894.4 GWh (F-CELL-02).
TOTAL_GWH = 894.4
share = dict(catl=37.5, byd=15.7, lges=12.6, sk=4.9, sdi=4.8, pana=4.7, calb=4.5, eve=2.4,
             gotion=2.3, sunwoda=2.1, others=8.5)
gwh = {k: v / 100 * TOTAL_GWH for k, v in share.items()}
CATL_DE = 13.0  # ILL: CATL's Erfurt (Germany) plant; Debrecen (Hungary) was not producing in 2024
CATL_CN = gwh["catl"] - CATL_DE
CATL_LFP = 0.65  # ILL: LFP share of CATL's Chinese output (F-BAT-10: LFP 74.6% of China's installations)
SDI_HU = 19.0  # ILL: Samsung SDI Goed (Hungary); F-BAT-09 Hungary ~30% of Europe's output
SK_HU = 16.5  # ILL: SK On Komarom/Ivancsa (Hungary)
lines = [
    ("catl-cn-lfp", "catl", "CATL, China plants, LFP lines", "CN", "Fujian", "lfp", CATL_CN * CATL_LFP, "sne-2024"),
    ("catl-cn-nmc", "catl", "CATL, China plants, NMC lines", "CN", "Fujian", "nmc", CATL_CN * (1 - CATL_LFP), "sne-2024"),
    ("catl-de", "catl", "CATL, Erfurt plant (Germany), NMC (illustrative size)", "DE", "Thuringia", "nmc", CATL_DE, "assumption"),
    ("findreams", "byd", "BYD FinDreams Battery (BYD's cell maker, Blade LFP)", "CN", "Guangdong", "lfp", gwh["byd"], "sne-2024"),
    ("lges-kr", "lges", "LG Energy Solution, Korea plants (NMC)", "KR", "", "nmc", gwh["lges"] - 80.0, "assumption"),
    ("lges-pl", "lges", "LG Energy Solution, Wroclaw plant (Poland, NMC)", "PL", "Lower Silesia", "nmc", 40.0, "assumption"),
    ("lges-cn", "lges", "LG Energy Solution, Nanjing plant (China, NMC)", "CN", "Jiangsu", "nmc", 26.0, "assumption"),
    ("ultium-cells", "lges", "Ultium Cells (GM-LGES 50/50 JV, Warren, Ohio; NMC)", "US", "Ohio", "nmc", 14.0, "supply-ultium"),
    ("sk-on-kr", "sk-on", "SK On, Korea plants (NMC)", "KR", "", "nmc", gwh["sk"] - SK_HU, "sne-2024"),
    ("sk-on-hu", "sk-on", "SK On, Hungary plants (NMC, illustrative size)", "HU", "", "nmc", SK_HU, "assumption"),
    ("samsung-sdi-kr", "samsung-sdi", "Samsung SDI, Korea plants (NMC/NCA)", "KR", "", "nmc", gwh["sdi"] - SDI_HU, "sne-2024"),
    ("samsung-sdi-hu", "samsung-sdi", "Samsung SDI, Goed plant (Hungary, NMC, illustrative size)", "HU", "Pest", "nmc", SDI_HU, "assumption"),
    ("panasonic-us", "panasonic", "Panasonic Energy, Gigafactory Nevada (NCA)", "US", "Nevada", "nca", 36.0, "supply-tesla"),
    ("panasonic-jp", "panasonic", "Panasonic Energy, Japan plants (NCA)", "JP", "", "nca", gwh["pana"] - 36.0, "assumption"),
    ("calb-lfp", "calb", "CALB, LFP lines", "CN", "Jiangsu", "lfp", gwh["calb"] * 0.5, "sne-2024"),
    ("calb-nmc", "calb", "CALB, NMC lines", "CN", "Jiangsu", "nmc", gwh["calb"] * 0.5, "sne-2024"),
    ("eve-lfp", "eve", "EVE Energy, LFP lines", "CN", "Guangdong", "lfp", gwh["eve"] * 0.75, "sne-2024"),
    ("eve-nmc", "eve", "EVE Energy, NMC lines", "CN", "Guangdong", "nmc", gwh["eve"] * 0.25, "sne-2024"),
    ("gotion-lfp", "gotion", "Gotion High-Tech (Hefei), LFP lines", "CN", "Anhui", "lfp", gwh["gotion"] * 0.9, "sne-2024"),
    ("gotion-nmc", "gotion", "Gotion High-Tech (Hefei), NMC lines", "CN", "Anhui", "nmc", gwh["gotion"] * 0.1, "sne-2024"),
    ("sunwoda-lfp", "sunwoda", "Sunwoda, LFP lines", "CN", "Guangdong", "lfp", gwh["sunwoda"] * 0.4, "sne-2024"),
    ("sunwoda-nmc", "sunwoda", "Sunwoda, NMC lines", "CN", "Guangdong", "nmc", gwh["sunwoda"] * 0.6, "sne-2024"),
    ("welion", "welion", "WeLion New Energy (semi-solid, NMC)", "CN", "Jiangsu", "nmc", 1.0, "supply-nio"),
    ("tesla-4680", "tesla", "Tesla in-house 4680 cell line, Texas (NMC, illustrative)", "US", "Texas", "nmc", 3.0, "assumption"),
    ("cn-other-cells-lfp", "", "Other cell makers, assumed Chinese, LFP (aggregate, illustrative)", "CN", "", "lfp", (gwh["others"] - 4.0) * 0.8, "assumption"),
    ("cn-other-cells-nmc", "", "Other cell makers, assumed Chinese, NMC (aggregate, illustrative)", "CN", "", "nmc", (gwh["others"] - 4.0) * 0.2, "assumption"),
]
LINE = {l[0]: l for l in lines}
for fid, grp, name, cc, region, chem, g, src in lines:
    firm(fid, name, cc, "aggregate" if "aggregate" in name else "cell maker", region, grp, 60, source=src)
assert abs(sum(l[6] for l in lines) - TOTAL_GWH) < 1e-6

# --------------------------------------------------------------------------- automakers
# (id, name, country, region, group, source of the volume). Cell purchases in GWh per line
# (ILL F-ILL-07 except the relationships in FACTS F-SUPPLY-*); the remainder of every line
# goes to the two "other" aggregates. EV volumes: F-OEM-01..06, F-LEAP-01, F-ILL-04.
LEAP_GWH = 916_418_880 / PRICE / M  # 24.0% of Leapmotor's 3,818,412,000 USD cost, as in leapmotor-jinhua (12.2 GWh)
oems = [
    # id, name, country, region, group, vehicles, USD per vehicle, source
    ("byd", "BYD, plants outside Hefei", "CN", "Guangdong", "byd", 4_270_000 - 486_000, 25_000, "oem-byd-tesla"),
    ("byd-hefei", "BYD Hefei plant (Changfeng)", "CN", "Anhui", "byd", 486_000, 25_000, "hefei-byd"),
    ("tesla-cn", "Tesla Giga Shanghai", "CN", "Shanghai", "tesla", 0, 0, "oem-byd-tesla"),
    ("tesla-us", "Tesla US plants (Fremont, Texas)", "US", "Texas", "tesla", 0, 0, "oem-byd-tesla"),
    ("tesla-de", "Tesla Giga Berlin", "DE", "Brandenburg", "tesla", 0, 0, "oem-byd-tesla"),
    ("leapmotor", "Leapmotor (Jinhua plants)", "CN", "Zhejiang", "leapmotor", 293_724, 15_000, "oem-leapmotor"),
    ("nio", "Nio (Nio + ONVO; JAC-NIO plant, Hefei)", "CN", "Anhui", "nio", 221_970, 40_000, "oem-nio"),
    ("jac", "JAC's own electric cars, Hefei (illustrative volume)", "CN", "Anhui", "jac", 75_000, 15_000, "assumption"),
    ("li-auto", "Li Auto", "CN", "Beijing", "li-auto", 500_000, 40_000, "oem-li"),
    ("xpeng", "XPeng", "CN", "Guangdong", "xpeng", 190_000, 25_000, "assumption"),
    ("vw-eu", "Volkswagen Group, European plants (EVs)", "DE", "Lower Saxony", "volkswagen", 0, 0, "assumption"),
    ("vw-anhui", "Volkswagen Anhui (VW 75%, JAC 25%; Hefei)", "CN", "Anhui", "volkswagen", 0, 0, "hefei-vw"),
    ("vw-cn-other", "Volkswagen's other Chinese joint ventures (EVs)", "CN", "", "volkswagen", 0, 0, "assumption"),
    ("stellantis", "Stellantis (EVs)", "NL", "", "stellantis", 350_000, 35_000, "assumption"),
    ("bmw", "BMW Group (EVs)", "DE", "Bavaria", "bmw", 400_000, 60_000, "assumption"),
    ("mercedes", "Mercedes-Benz (EVs)", "DE", "Baden-Wuerttemberg", "mercedes", 200_000, 70_000, "assumption"),
    ("gm", "General Motors (EVs)", "US", "Michigan", "gm", 200_000, 50_000, "assumption"),
    ("ford", "Ford (EVs)", "US", "Michigan", "ford", 150_000, 50_000, "assumption"),
    ("hyundai-kia", "Hyundai Motor Group (Hyundai, Kia EVs)", "KR", "", "hyundai", 450_000, 45_000, "assumption"),
    ("cn-other-oems", "Other Chinese automakers (aggregate, illustrative)", "CN", "", "", 0, 20_000, "assumption"),
    ("row-other-oems", "Other automakers, rest of world (aggregate, illustrative)", "ZZ", "", "", 1_500_000, 40_000, "assumption"),
]
buy: dict[str, dict[str, float]] = {o[0]: {} for o in oems}
alloc = {
    "tesla-cn": {"catl-cn-lfp": 40, "lges-cn": 26},  # F-SUPPLY-02, F-SUPPLY-03
    "tesla-us": {"panasonic-us": 36, "panasonic-jp": 2, "tesla-4680": 3, "catl-cn-lfp": 4},  # F-SUPPLY-01; CATL R
    "tesla-de": {"findreams": 3, "lges-pl": 5},  # F-SUPPLY-04; LGES R
    "leapmotor": {"catl-cn-lfp": LEAP_GWH * 0.6, "catl-cn-nmc": LEAP_GWH * 0.1,
                  "eve-lfp": LEAP_GWH * 0.15, "gotion-lfp": LEAP_GWH * 0.15},  # F-LEAP-07, F-LEAP-12
    "nio": {"catl-cn-nmc": 10.6, "catl-cn-lfp": 5.0, "welion": 1.0},  # F-SUPPLY-06
    "jac": {"gotion-lfp": 3.0},  # R
    "li-auto": {"catl-cn-nmc": 12.0, "catl-cn-lfp": 6.0, "cn-other-cells-lfp": 4.5},  # F-SUPPLY-07
    "xpeng": {"catl-cn-lfp": 3.0, "catl-cn-nmc": 1.8, "calb-lfp": 5.0, "calb-nmc": 2.2},  # F-SUPPLY-08
    "vw-eu": {"lges-pl": 22, "samsung-sdi-hu": 8, "catl-de": 5},  # F-SUPPLY-10; plants R
    "vw-anhui": {"gotion-lfp": 3, "catl-cn-nmc": 3},  # F-HEFEI-08; shares R
    "vw-cn-other": {"catl-cn-nmc": 12, "catl-cn-lfp": 2},  # F-SUPPLY-10 (VW ID China)
    "stellantis": {"catl-cn-lfp": 6, "lges-pl": 3, "samsung-sdi-hu": 5},  # F-SUPPLY-10, F-SUPPLY-14 (R)
    "bmw": {"catl-de": 5, "catl-cn-nmc": 7, "samsung-sdi-hu": 6, "samsung-sdi-kr": 6},  # F-SUPPLY-10
    "mercedes": {"catl-de": 3, "catl-cn-nmc": 6, "sk-on-hu": 6},  # F-SUPPLY-10
    "gm": {"ultium-cells": 14, "lges-kr": 2},  # F-SUPPLY-09, F-SUPPLY-14
    "ford": {"sk-on-kr": 5, "lges-kr": 4, "lges-pl": 3},  # F-SUPPLY-10, F-SUPPLY-14
    "hyundai-kia": {"catl-cn-nmc": 6, "lges-kr": 9, "sk-on-kr": 15},  # F-SUPPLY-10, F-SUPPLY-11
    "row-other-oems": {"catl-cn-lfp": 8, "catl-cn-nmc": 10, "findreams": 2, "cn-other-cells-lfp": 5},
}
used = defaultdict(float)
for o, a in alloc.items():
    for l, g in a.items():
        buy[o][l] = g
        used[l] += g
# BYD plants take FinDreams' output after its sales to others, split by vehicles.
byd_total = LINE["findreams"][6] - used["findreams"]
byd_veh = {"byd": 4_270_000 - 486_000, "byd-hefei": 486_000}
for o, v in byd_veh.items():
    buy[o]["findreams"] = byd_total * v / 4_270_000
    used["findreams"] += buy[o]["findreams"]
for fid, _, _, cc, _, _, g, _ in lines:
    rest = g - used[fid]
    assert rest > -1e-9, (fid, rest)
    if rest > 1e-9:
        buy["cn-other-oems" if cc == "CN" else "row-other-oems"][fid] = rest

# Output values. Tesla's 2024 deliveries (F-OEM-02) at 45,000 USD split by cell GWh; VW's
# 750,000 EVs at 45,000 USD split by GWh (ILL).
oem_gwh = {o: sum(b.values()) for o, b in buy.items()}
veh = {o[0]: o[5] for o in oems}
usd = {o[0]: o[6] for o in oems}
output = {}
for o in buy:
    if veh[o]:
        output[o] = veh[o] * usd[o]
tesla = ["tesla-cn", "tesla-us", "tesla-de"]
for o in tesla:
    output[o] = 1_789_226 * 45_000 * oem_gwh[o] / sum(oem_gwh[t] for t in tesla)
    veh[o] = 1_789_226 * oem_gwh[o] / sum(oem_gwh[t] for t in tesla)
vw = ["vw-eu", "vw-anhui", "vw-cn-other"]
for o in vw:
    output[o] = 750_000 * 45_000 * oem_gwh[o] / sum(oem_gwh[t] for t in vw)
    veh[o] = 750_000 * oem_gwh[o] / sum(oem_gwh[t] for t in vw)
# Other Chinese automakers: 5.5 M EVs (F-ILL-04) less JAC's illustrative 75,000.
veh["cn-other-oems"] = 5_500_000 - 75_000
output["cn-other-oems"] = veh["cn-other-oems"] * 20_000

# EU importers of China-made battery-electric cars (the lane an EU duty acts on).
# ILL: 40% of China's ~1.25 M plug-in car exports (F-EV-04) at 24,000 USD, split below.
EU_IMPORTS = 0.40 * 1_250_000 * 24_000
eu_split = {"tesla-cn": 0.25, "byd": 0.15, "cn-other-oems": 0.60}

for o, name, cc, region, grp, _, _, src in oems:
    out = output[o]
    if o in eu_split:
        out -= EU_IMPORTS * eu_split[o]  # the exported cars are sold by the importer node
    firm(o, name, cc, "aggregate" if "aggregate" in name else "oem", region, grp, 30, out, src)
firm("eu-cn-ev-imports",
     "EU importers of China-made battery-electric cars (aggregate, illustrative; XE = the EU, a user-assigned code)",
     "XE", "aggregate", "", "", 30, EU_IMPORTS, "assumption")
for o, s in eu_split.items():
    row("eu-cn-ev-imports", "electric-car", o, EU_IMPORTS * s, 30, "assumption")

# The source of each cell relationship (FACTS F-SUPPLY-*, F-HEFEI-08); plant splits and GWh
# are illustrative whatever the source.
REL = {
    ("tesla-cn", "catl"): "supply-tesla", ("tesla-cn", "lges"): "supply-tesla",
    ("tesla-us", "panasonic"): "supply-tesla", ("tesla-de", "byd"): "supply-tesla-byd",
    ("leapmotor", "catl"): "supply-leapmotor", ("nio", "catl"): "supply-nio", ("nio", "welion"): "supply-nio",
    ("li-auto", "catl"): "supply-li", ("xpeng", "calb"): "supply-xpeng",
    ("vw-eu", "lges"): "supply-sne-customers", ("vw-cn-other", "catl"): "supply-sne-customers",
    ("vw-anhui", "gotion"): "hefei-gotion", ("stellantis", "samsung-sdi"): "supply-sne-customers",
    ("bmw", "catl"): "supply-sne-customers", ("bmw", "samsung-sdi"): "supply-sne-customers",
    ("mercedes", "catl"): "supply-sne-customers", ("mercedes", "sk-on"): "supply-sne-customers",
    ("ford", "sk-on"): "supply-sne-customers", ("ford", "lges"): "supply-sne-customers",
    ("hyundai-kia", "sk-on"): "supply-sne-customers", ("hyundai-kia", "lges"): "supply-sne-customers",
    ("hyundai-kia", "catl"): "supply-kallanish", ("gm", "lges"): "supply-ultium",
    ("byd", "byd"): "supply-byd", ("byd-hefei", "byd"): "supply-byd",
}


def rel_source(oem, line):
    if oem == "gm" and line == "lges-kr":
        return "assumption"
    return REL.get((oem, LINE[line][1]), "assumption")


for o, b in buy.items():
    for l, g in sorted(b.items()):
        chem = LINE[l][5]
        row(o, "cell", l, g * PRICE * M, inv_days(o, l, 7, 30), rel_source(o, l))

# --------------------------------------------------------------------------- magnets
# 100 USD of NdFeB per EV (F-ILL-08); BMW none. Chinese plants buy Chinese magnets
# (domestic sales); plants elsewhere buy 80% from China's export sales, 15% Japan, 5% other.
firm("cn-magnets", "NdFeB magnet makers, China, domestic sales (aggregate, illustrative)", "CN", "aggregate", group="cn-magnets", recovery=90, source="macropolo-magnets")
firm("cn-magnet-exports", "NdFeB magnet makers, China, export sales (aggregate export lane, illustrative)", "CN", "aggregate", group="cn-magnets", recovery=90, source="macropolo-magnets")
firm("jp-magnets", "NdFeB magnet makers, Japan (aggregate, illustrative)", "JP", "aggregate", recovery=90, source="assumption")
firm("zz-magnets", "NdFeB magnet makers, other countries (aggregate, illustrative)", "ZZ", "aggregate", recovery=90, source="assumption")
# Auxiliary motors and speakers (steering, seats, wipers, windows) carry NdFeB magnets in every
# car, BMW's included: 30 USD per EV (ILL F-ILL-08), bought like the traction magnets.


def magnets(o, comp, v):
    if firms[o]["country"] == "CN":
        row(o, comp, "cn-magnets", v, 30, "assumption")
    else:
        row(o, comp, "cn-magnet-exports", v * 0.8, 60, "assumption")
        row(o, comp, "jp-magnets", v * 0.15, 60, "assumption")
        row(o, comp, "zz-magnets", v * 0.05, 60, "assumption")


for o in buy:
    if o != "bmw":
        # Leapmotor: 38,184,120 USD, 1.0% of its hardware cost, as in leapmotor-jinhua (F-ILL-10).
        magnets(o, "ndfeb-magnet", 38_184_120 if o == "leapmotor" else veh[o] * 100)
    magnets(o, "ndfeb-magnet-aux", veh[o] * 30)

# --------------------------------------------------------------------------- materials
# Cost fractions of a cell (ILL F-ILL-03): cathode 40%, anode 10%, electrolyte 6%, separator 5%.
FRAC = {"cathode": 0.40, "anode": 0.10, "electrolyte": 0.06, "separator": 0.05}
cell_value = {l[0]: l[6] * PRICE * M for l in lines}
cn_lines = [l[0] for l in lines if l[3] == "CN"]
abroad = [l[0] for l in lines if l[3] != "CN"]
total_cell = sum(cell_value.values())
cn_cell = sum(cell_value[l] for l in cn_lines)


def china_fraction_abroad(world_cn, lines_abroad):
    """The share of China in lines_abroad (plants outside China that may buy Chinese) that
    makes China's world share world_cn, every plant abroad counted in the total."""
    ab = sum(cell_value[l] for l in lines_abroad)
    tot = total_cell
    return (world_cn * tot - cn_cell) / ab


for fid, name, cc in [
    ("cn-lfp-cathode", "LFP cathode makers, China (aggregate)", "CN"),
    ("cn-nmc-cathode", "NMC cathode makers, China (aggregate)", "CN"),
    ("kr-nmc-cathode", "NMC cathode makers, Korea (aggregate, illustrative)", "KR"),
    ("zz-nmc-cathode", "NMC cathode makers, Europe and North America (aggregate, illustrative)", "ZZ"),
    ("jp-nca-cathode", "NCA cathode makers, Japan (aggregate, illustrative)", "JP"),
    ("cn-anode", "Graphite anode makers, China, domestic sales (aggregate)", "CN"),
    ("cn-anode-export", "Graphite anode makers, China, export sales (aggregate export lane)", "CN"),
    ("kr-anode", "Anode makers, Korea (aggregate, illustrative)", "KR"),
    ("jp-anode", "Anode makers, Japan (aggregate, illustrative)", "JP"),
    ("cn-electrolyte", "Electrolyte makers, China (aggregate)", "CN"),
    ("kr-electrolyte", "Electrolyte makers, Korea (aggregate, illustrative)", "KR"),
    ("jp-electrolyte", "Electrolyte makers, Japan (aggregate, illustrative)", "JP"),
    ("cn-separator", "Separator makers, China (aggregate)", "CN"),
    ("jp-separator", "Separator makers, Japan (aggregate)", "JP"),
    ("kr-separator", "Separator makers, Korea and other (aggregate, illustrative)", "KR"),
]:
    grp = "cn-graphite-exports" if fid == "cn-anode-export" else ""
    src = "yano-materials" if cc == "CN" or fid == "jp-separator" else "assumption"
    firm(fid, name, cc, "aggregate", group=grp, recovery=60 if "electrolyte" in fid else 90, source=src)
firm("syrah-vidalia", "Syrah Resources Vidalia anode (AAM) plant", "US", "material", "Louisiana", "syrah", 120, source="supply-syrah")

# Yano shares (F-MAT-01): cathode 89.4, anode 93.5, separator 87.4, electrolyte 85 (China).
cn_abroad = {
    "cathode": china_fraction_abroad(0.894, [l for l in abroad if LINE[l][5] == "nmc"]),
    "anode": china_fraction_abroad(0.935, abroad),
    "electrolyte": china_fraction_abroad(0.85, abroad),
    "separator": china_fraction_abroad(0.874, abroad),
}


def local_split(line, material):
    """Non-Chinese suppliers of a plant abroad, by plant country (ILL)."""
    cc = LINE[line][3]
    if material == "anode":
        return {"KR": {"kr-anode": 1}, "JP": {"jp-anode": 1}, "US": {"jp-anode": 1}}.get(cc, {"kr-anode": 0.5, "jp-anode": 0.5})
    if material == "electrolyte":
        return {"KR": {"kr-electrolyte": 1}, "JP": {"jp-electrolyte": 1}}.get(cc, {"kr-electrolyte": 0.5, "jp-electrolyte": 0.5})
    if material == "separator":
        return {"jp-separator": 0.77, "kr-separator": 0.23}
    return {"KR": {"kr-nmc-cathode": 1}}.get(cc, {"kr-nmc-cathode": 0.7, "zz-nmc-cathode": 0.3})


for l in [x[0] for x in lines]:
    v, chem, cc = cell_value[l], LINE[l][5], LINE[l][3]
    for mat, f in FRAC.items():
        need = v * f
        comp = f"cathode-{chem}" if mat == "cathode" else mat
        if cc == "CN":
            sup = {"cathode": f"cn-{chem}-cathode", "anode": "cn-anode"}.get(mat, f"cn-{mat}")
            row(l, comp, sup, need, 30, "yano-materials")
            continue
        if mat == "cathode" and chem == "nca":
            row(l, comp, "jp-nca-cathode", need, inv_days(l, "jp-nca-cathode", 30, 45), "assumption")
            continue
        if l == "tesla-4680" and mat == "anode":
            row(l, comp, "syrah-vidalia", need * 0.6, 30, "supply-syrah")
            row(l, comp, "cn-anode-export", need * 0.4, 45, "assumption")
            continue
        x = cn_abroad[mat]
        cn_sup = {"cathode": "cn-nmc-cathode", "anode": "cn-anode-export"}.get(mat, f"cn-{mat}")
        row(l, comp, cn_sup, need * x, 45, "assumption")
        for s, w in local_split(l, mat).items():
            row(l, comp, s, need * (1 - x) * w, inv_days(l, s, 30, 45), "assumption")

# --------------------------------------------------------------------------- minerals
# Mines: USGS MCS 2025, 2024e (F-LITHIUM-01, F-COBALT-01, F-NICKEL-01, F-GRAPHITE-01,
# F-MANGANESE-01, F-REE-01). Tonnes; only the shares matter.
MINES = {
    "lithium": ("lithium-ore", "usgs-lithium", [("au", "AU", "Australia", 88_000), ("cl", "CL", "Chile", 49_000), ("cn", "CN", "China", 41_000), ("zw", "ZW", "Zimbabwe", 22_000), ("ar", "AR", "Argentina", 18_000), ("br", "BR", "Brazil", 10_000), ("zz", "ZZ", "other countries: Canada 4,300, Namibia 2,700, Portugal 380, rounding 4,620", 12_000)]),
    "cobalt": ("cobalt-intermediate", "usgs-cobalt", [("cd", "CD", "Congo (Kinshasa)", 220_000), ("id", "ID", "Indonesia", 28_000), ("ru", "RU", "Russia", 8_700), ("zz", "ZZ", "other countries and rounding", 33_300)]),
    "nickel": ("nickel-intermediate", "usgs-nickel", [("id", "ID", "Indonesia", 2_200_000), ("ph", "PH", "Philippines", 330_000), ("ru", "RU", "Russia", 210_000), ("ca", "CA", "Canada", 190_000), ("cn", "CN", "China", 120_000), ("zz", "ZZ", "other countries and rounding", 650_000)]),
    "graphite": ("natural-graphite", "usgs-graphite", [("cn", "CN", "China", 1_270_000), ("mg", "MG", "Madagascar", 89_000), ("mz", "MZ", "Mozambique", 75_000), ("br", "BR", "Brazil", 68_000), ("zz", "ZZ", "other countries", 1_630_670 - 1_270_000 - 89_000 - 75_000 - 68_000)]),
    "manganese": ("manganese-ore", "usgs-manganese", [("za", "ZA", "South Africa", 7_400), ("ga", "GA", "Gabon", 4_600), ("au", "AU", "Australia", 2_800), ("cn", "CN", "China", 770), ("zz", "ZZ", "other countries and rounding", 4_430)]),
    "rare-earth": ("rare-earth-concentrate", "usgs-rare-earths", [("cn", "CN", "China (production quota)", 270_000), ("us", "US", "United States", 45_000), ("mm", "MM", "Burma (Myanmar)", 31_000), ("au", "AU", "Australia", 13_000), ("ng", "NG", "Nigeria", 13_000), ("th", "TH", "Thailand", 13_000), ("zz", "ZZ", "other countries", 393_950 - 385_000)]),
}
for mineral, (comp, src, mines) in MINES.items():
    label = "natural graphite" if mineral == "graphite" else mineral
    for p, cc, cname, t in mines:
        fid = f"{p}-{mineral}-mining"
        name = f"{label.capitalize()} mining, {cname} (aggregate)" if p == "zz" else f"{cname} {label} mining (aggregate)"
        firm(fid, name, cc, "aggregate", recovery=180, source=src)

# Refiners: China's share from IEA (F-REFINE-02, F-REFINE-03); the rest ILL (F-ILL-05).
REFINERS = {
    "lithium-chemicals": ("iea-gcmo-2025", [("cn-lithium-refining", "Lithium chemical refining, China (aggregate)", "CN", 0.70), ("cl-lithium-refining", "Lithium chemical refining, Chile (aggregate, illustrative)", "CL", 0.204), ("ar-lithium-refining", "Lithium chemical refining, Argentina (aggregate, illustrative)", "AR", 0.05), ("au-lithium-refining", "Lithium hydroxide refining, Australia (aggregate, illustrative)", "AU", 0.025), ("zz-lithium-refining", "Lithium chemical refining, other countries (aggregate, illustrative)", "ZZ", 0.021)]),
    "cobalt-sulfate": ("iea-gcmo-2025", [("cn-cobalt-refining", "Cobalt refining / cobalt sulfate, China (aggregate)", "CN", 0.78), ("fi-cobalt-refining", "Cobalt refining, Finland (aggregate, illustrative)", "FI", 0.055), ("zz-cobalt-refining", "Cobalt refining, other countries (aggregate, illustrative)", "ZZ", 0.165)]),
    "nickel-sulfate": ("iea-cmmr-2023", [("cn-nickel-sulfate", "Nickel sulfate, China (aggregate)", "CN", 0.55), ("id-nickel-refining", "Nickel intermediates and sulfate, Indonesia (aggregate, illustrative)", "ID", 0.25), ("zz-nickel-sulfate", "Nickel sulfate, other countries (aggregate, illustrative)", "ZZ", 0.20)]),
    "manganese-sulfate": ("iea-cmmr-2023", [("cn-manganese-sulfate", "Manganese sulfate, China (aggregate)", "CN", 0.95), ("zz-manganese-sulfate", "Manganese sulfate, other countries (aggregate)", "ZZ", 0.05)]),
    "rare-earth-oxides": ("iea-gcmo-2025", [("cn-ree-separation", "Rare-earth separation, China (aggregate)", "CN", 0.90), ("my-ree-separation", "Rare-earth separation, Malaysia (aggregate, illustrative)", "MY", 0.032), ("zz-ree-separation", "Rare-earth separation, other countries (aggregate, illustrative)", "ZZ", 0.068)]),
    "spherical-graphite": ("iea-gcmo-2025", [("cn-spherical-graphite", "Spherical (purified) graphite makers, China, domestic sales (aggregate)", "CN", 0.0), ("cn-spherical-graphite-export", "Spherical graphite makers, China, export sales (aggregate export lane)", "CN", 0.0)]),
    "synthetic-graphite": ("graphite-synthetic", [("cn-synthetic-graphite", "Synthetic (anode-grade) graphite makers, China (aggregate)", "CN", 0.0), ("cn-synthetic-graphite-export", "Synthetic graphite makers, China, export sales (aggregate export lane)", "CN", 0.0), ("zz-synthetic-graphite", "Synthetic graphite makers outside China (aggregate, illustrative)", "ZZ", 0.0)]),
}
for comp, (src, refs) in REFINERS.items():
    for fid, name, cc, _ in refs:
        grp = "cn-graphite-exports" if fid.endswith("graphite-export") else ""
        firm(fid, name, cc, "aggregate", group=grp, recovery=120, source=src if cc == "CN" else "assumption")

# Refined minerals per unit of cathode value, by chemistry (ILL): LFP needs lithium only
# (iron phosphate is not modelled); NMC lithium, nickel, cobalt, manganese; NCA no manganese.
CATHODE_NEEDS = {
    "lfp": {"lithium-chemicals": 0.30},
    "nmc": {"lithium-chemicals": 0.20, "nickel-sulfate": 0.35, "cobalt-sulfate": 0.12, "manganese-sulfate": 0.03},
    "nca": {"lithium-chemicals": 0.20, "nickel-sulfate": 0.45, "cobalt-sulfate": 0.08},
}
# Anode feed (ILL F-ILL-09): graphite is 40% of anode value; 60% synthetic, 40% natural
# (spherical). Refiners' ore as a share of their output value (ILL F-ILL-01).
ANODE_GRAPHITE = 0.40
SYNTHETIC = 0.60
ORE = {"lithium-chemicals": 0.45, "cobalt-sulfate": 0.80, "nickel-sulfate": 0.75, "manganese-sulfate": 0.18,
       "rare-earth-oxides": 0.33, "spherical-graphite": 0.10}
ORE_OF = {"lithium-chemicals": "lithium", "cobalt-sulfate": "cobalt", "nickel-sulfate": "nickel",
          "manganese-sulfate": "manganese", "rare-earth-oxides": "rare-earth", "spherical-graphite": "graphite"}
MAGNET_REE = 0.72  # rare-earth oxides as a share of magnet value (ILL)


def purchases_of(fid):
    return sum(r["value"] for r in rows if r["supplier_id"] == fid and r["buyer_id"] != fid)


def pooled(buyers_need, comp, suppliers, src, same=45, cross=60):
    """Every buyer buys comp in the suppliers' world shares (a pooled world market)."""
    for b, need in buyers_need.items():
        for s, w in suppliers.items():
            row(b, comp, s, need * w, inv_days(b, s, same, cross), src)


# Cathode makers -> refined minerals (pooled at IEA refining shares).
cathode_chem = {"cn-lfp-cathode": "lfp", "cn-nmc-cathode": "nmc", "kr-nmc-cathode": "nmc",
                "zz-nmc-cathode": "nmc", "jp-nca-cathode": "nca"}
for comp in ["lithium-chemicals", "nickel-sulfate", "cobalt-sulfate", "manganese-sulfate"]:
    src, refs = REFINERS[comp]
    need = {c: purchases_of(c) * CATHODE_NEEDS[ch].get(comp, 0) for c, ch in cathode_chem.items()}
    pooled({b: n for b, n in need.items() if n > 0}, comp, {r[0]: r[3] for r in refs}, src)
# Magnet makers -> separated oxides, pooled at the world separation shares like the rest.
src, refs = REFINERS["rare-earth-oxides"]
pooled({m: purchases_of(m) * MAGNET_REE for m in ["cn-magnets", "cn-magnet-exports", "jp-magnets", "zz-magnets"]},
       "rare-earth-oxides", {r[0]: r[3] for r in refs}, src)

# Anode makers -> spherical (natural) and synthetic graphite. China makes ~all anode-grade
# spherical graphite (F-GRAPHITE-05) and >90% of battery-grade graphite (F-GRAPHITE-04):
# Chinese anode makers buy Chinese graphite; Korean and Japanese anode makers buy spherical
# graphite from China's export sales, and synthetic graphite 80% from China's export sales,
# 20% from makers outside China (ILL). Syrah Vidalia buys Mozambican flake directly.
for a in ["cn-anode", "cn-anode-export", "kr-anode", "jp-anode"]:
    g = purchases_of(a) * ANODE_GRAPHITE
    if a.startswith("cn-"):
        row(a, "graphite", "cn-spherical-graphite", g * (1 - SYNTHETIC), 30, "iea-gcmo-2025")
        row(a, "graphite", "cn-synthetic-graphite", g * SYNTHETIC, 30, "graphite-synthetic")
    else:
        row(a, "graphite", "cn-spherical-graphite-export", g * (1 - SYNTHETIC), 45, "iea-gcmo-2025")
        row(a, "graphite", "cn-synthetic-graphite-export", g * SYNTHETIC * 0.8, 45, "assumption")
        row(a, "graphite", "zz-synthetic-graphite", g * SYNTHETIC * 0.2, 45, "assumption")
row("syrah-vidalia", "natural-graphite", "mz-graphite-mining", purchases_of("syrah-vidalia") * ANODE_GRAPHITE * ORE["spherical-graphite"], 60, "supply-syrah")

# Refiners -> mines: the refiners' ore need, with the few pinned routes of F-ILL-05
# (Chilean, Argentine, Australian lithium refined at home; Finnish cobalt from the DRC and
# Russia; Indonesian nickel refined at home; Malaysia separates Australian concentrate; Syrah
# from Mozambique), the rest pooled so that every country's total is its USGS share.
PINS = {
    "cl-lithium-refining": {"cl": 1.0}, "ar-lithium-refining": {"ar": 1.0}, "au-lithium-refining": {"au": 1.0},
    "fi-cobalt-refining": {"cd": 0.75, "ru": 0.25}, "id-nickel-refining": {"id": 1.0},
    "my-ree-separation": {"au": 1.0},
}
for comp, ore_mineral in ORE_OF.items():
    ore_comp, src, mines = MINES[ore_mineral]
    refs = [r[0] for r in REFINERS[comp][1]]
    need = {r: purchases_of(r) * ORE[comp] for r in refs}
    need = {r: n for r, n in need.items() if n > 0}
    already = sum(r["value"] for r in rows if r["component"] == ore_comp)  # Syrah's flake
    total = sum(need.values()) + already
    tons = sum(t for *_, t in mines)
    left = {p: total * t / tons for p, _, _, t in mines}
    for r in rows:
        if r["component"] == ore_comp:
            left[r["supplier_id"].split("-")[0]] -= r["value"]
    free = {}
    for r, n in need.items():
        if r in PINS:
            for p, w in PINS[r].items():
                row(r, ore_comp, f"{p}-{ore_mineral}-mining", n * w, 60, src)
                left[p] -= n * w
        else:
            free[r] = n
    assert all(v > -1e-6 for v in left.values()), (comp, left)
    pool = sum(left.values())
    assert abs(pool - sum(free.values())) < 1e-3 * pool, (comp, pool, sum(free.values()))
    for r, n in free.items():
        for p, v in left.items():
            row(r, ore_comp, f"{p}-{ore_mineral}-mining", n * v / pool, 60, src)

# --------------------------------------------------------------------------- capacity
# Cell plants: China's cell capacity is ~85% of the world's 3 TWh (F-BAT-06, F-BAT-07), so
# ~2,550 GWh in China and ~450 GWh elsewhere, against this dataset's 2024 output by plant
# country: each plant's capacity_value = its output x (capacity / output) of its side.
# Volkswagen Anhui: 350,000 cars a year (F-HEFEI-07). Nothing else has spare capacity.
out_val = defaultdict(float)
for r in rows:
    if r["buyer_id"] != r["supplier_id"]:
        out_val[r["supplier_id"]] += r["value"]
cn_out = sum(out_val[l] for l in cn_lines) / (PRICE * M)
ab_out = sum(out_val[l] for l in abroad) / (PRICE * M)
ratio = {"CN": 0.85 * 3000 / cn_out, "abroad": 0.15 * 3000 / ab_out}
for l in cn_lines + abroad:
    o = out_val[l]
    firms[l]["capacity_value"] = o * (ratio["CN"] if l in cn_lines else ratio["abroad"])
vwa = firms["vw-anhui"]
vwa["capacity_value"] = max(350_000 * 45_000, vwa["annual_output_value"] + out_val["vw-anhui"])

# --------------------------------------------------------------------------- write


def fmt(x):
    if x is None:
        return ""
    if isinstance(x, float):
        s = f"{x:.2f}".rstrip("0").rstrip(".")
        return s
    return str(x)


def write():
    # Shares from values, per (buyer, component); rounded values, shares to 12 digits and
    # the last row of a pair closing the sum exactly.
    pairs = defaultdict(list)
    for r in rows:
        r["value"] = round(r["value"], 2)
        pairs[(r["buyer_id"], r["component"])].append(r)
    for rs in pairs.values():
        tot = sum(r["value"] for r in rs)
        acc = 0.0
        for r in rs[:-1]:
            r["share"] = round(r["value"] / tot, 12)
            acc += r["share"]
        rs[-1]["share"] = round(1 - acc, 12)
    # No (buyer, component, supplier) row may appear twice.
    seen = {}
    for r in rows:
        k = (r["buyer_id"], r["component"], r["supplier_id"])
        assert k not in seen, k
        seen[k] = r
    with open(os.path.join(OUT, "firms.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        cols = ["firm_id", "name", "country", "region", "group", "kind", "annual_output_value", "recovery_days", "capacity_value", "source"]
        w.writerow(cols)
        for fr in firms.values():
            if fr["capacity_value"] is not None:
                fr["capacity_value"] = round(fr["capacity_value"] + 0.5)
            if fr["annual_output_value"] is not None:
                fr["annual_output_value"] = round(fr["annual_output_value"])
            w.writerow([fmt(fr[c]) for c in cols])
    with open(os.path.join(OUT, "sourcing.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["buyer_id", "component", "supplier_id", "share", "annual_value", "inventory_days", "source"])
        for r in rows:
            w.writerow([r["buyer_id"], r["component"], r["supplier_id"], f"{r['share']:.12g}", fmt(r["value"]), r["inventory_days"], r["source"]])


COMPONENTS = [
    ("electric-car", "China-made battery-electric car (imported into the EU)", "vehicle", "Illustrative: 40% of China's ~1.25 M plug-in car exports (FACTS F-EV-04) at 24,000 USD"),
    ("cell", "Battery cell", "battery", "LFP, NMC or NCA: each supplier is one maker's lines of one chemistry in one country, so an automaker's rows are its chemistry mix; GWh x 75 USD/kWh (illustrative price)"),
    ("ndfeb-magnet", "NdFeB permanent magnets", "component", "Traction-motor magnets, 100 USD per EV (illustrative); Leapmotor 130 USD, 1% of its hardware cost"),
    ("ndfeb-magnet-aux", "NdFeB magnets in auxiliary motors and speakers", "component", "Steering, seat, wiper and window motors and speakers, in every car: 30 USD per EV (illustrative)"),
    ("cathode-lfp", "Cathode active material, LFP", "battery material", "China (FACTS F-MAT-06: 99% of LFP cathode)"),
    ("cathode-nmc", "Cathode active material, NMC", "battery material", "China 89.4% of all cathode (Yano, FACTS F-MAT-01)"),
    ("cathode-nca", "Cathode active material, NCA", "battery material", "Japanese makers (illustrative)"),
    ("anode", "Anode active material (graphite)", "battery material", "China 93.5% (Yano, FACTS F-MAT-01)"),
    ("electrolyte", "Electrolyte", "battery material", "China 85% (Yano, FACTS F-MAT-01)"),
    ("separator", "Separator", "battery material", "China 87.4%, Japan 9.7% (Yano, FACTS F-MAT-01/02)"),
    ("lithium-chemicals", "Lithium carbonate / hydroxide", "refined mineral", "World share: China 70% (IEA GCMO 2025, FACTS F-REFINE-02)"),
    ("cobalt-sulfate", "Refined cobalt / cobalt sulfate", "refined mineral", "World share: China 78% (IEA: nearly 80%)"),
    ("nickel-sulfate", "Nickel sulfate and battery-grade intermediates", "refined mineral", "World share: China 55% (IEA CMMR 2023)"),
    ("manganese-sulfate", "Manganese sulfate", "refined mineral", "World share: China 95% (IEA CMMR 2023)"),
    ("rare-earth-oxides", "Separated rare-earth oxides", "refined mineral", "World share: China 90% (IEA GCMO 2025)"),
    ("graphite", "Anode-grade graphite: spherical (natural) 40%, synthetic 60% (illustrative)", "refined mineral", "China ~100% of coated spherical graphite (FACTS F-GRAPHITE-05), >90% of battery-grade graphite (F-GRAPHITE-04)"),
    ("lithium-ore", "Lithium concentrate or brine", "mined mineral", "World shares, t Li, USGS MCS 2025"),
    ("cobalt-intermediate", "Cobalt hydroxide / MHP", "mined mineral", "World shares, t Co, USGS MCS 2025"),
    ("nickel-intermediate", "Nickel ore / MHP / matte", "mined mineral", "World shares, t Ni, USGS MCS 2025"),
    ("manganese-ore", "Manganese ore", "mined mineral", "World shares, kt Mn, USGS MCS 2025"),
    ("natural-graphite", "Natural flake graphite", "mined mineral", "World shares (of the listed sum), USGS MCS 2025"),
    ("rare-earth-concentrate", "Rare-earth concentrate", "mined mineral", "World shares (of the listed sum), t REO, USGS MCS 2025"),
]


def write_components():
    with open(os.path.join(OUT, "components.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["component", "name", "category", "description"])
        w.writerows(COMPONENTS)


def summary():
    """Headline figures, printed for the README."""
    by = defaultdict(float)
    comp_tot = defaultdict(float)
    for r in rows:
        by[(r["component"], firms[r["supplier_id"]]["country"])] += r["value"]
        comp_tot[r["component"]] += r["value"]
    for c in sorted(comp_tot):
        top = sorted(((v / comp_tot[c], cc) for (k, cc), v in by.items() if k == c), reverse=True)[:3]
        hhi = sum((100 * v / comp_tot[c]) ** 2 for (k, cc), v in by.items() if k == c)
        print(f"{c:24s} " + ", ".join(f"{cc} {100 * s:.1f}" for s, cc in top) + f"  HHI(country) {hhi:,.0f}")
    cells = {l[0]: l[6] for l in lines}
    cn = sum(g for l, g in cells.items() if LINE[l][3] == "CN")
    print(f"cells made in China: {100 * cn / TOTAL_GWH:.1f}% of {TOTAL_GWH} GWh; LFP {100 * sum(g for l, g in cells.items() if LINE[l][5] == 'lfp') / TOTAL_GWH:.1f}%")
    ends = [f for f in firms.values() if f["annual_output_value"]]
    ev = {f["firm_id"]: veh.get(f["firm_id"], 0) for f in ends}
    cnv = sum(v for k, v in ev.items() if firms[k]["country"] == "CN")
    print(f"EVs made in China: {cnv / 1e6:.2f} M of {sum(ev.values()) / 1e6:.2f} M = {100 * cnv / sum(ev.values()):.1f}%")
    # The same by value, as the report's "Where output is made" counts it: an end firm's output in
    # its country, except cars it buys ready-made from another end firm, counted where made.
    made = defaultdict(float)
    for f in ends:
        own = f["annual_output_value"]
        for r in rows:
            if r["buyer_id"] == f["firm_id"] and firms[r["supplier_id"]]["annual_output_value"]:
                made[firms[r["supplier_id"]]["country"]] += r["value"]
                own -= r["value"]
        made[f["country"]] += own
    print(f"EV output value made in China: {100 * made['CN'] / sum(made.values()):.1f}%")
    print(f"capacity ratio: China {ratio['CN']:.2f}, elsewhere {ratio['abroad']:.2f}")
    print(f"firms {len(firms)}, rows {len(rows)}")


if __name__ == "__main__":
    write()
    write_components()
    summary()
    sys.exit(0)
