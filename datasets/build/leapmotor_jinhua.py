#!/usr/bin/env python3
"""Rebuild the battery and magnet upstream of datasets/leapmotor-jinhua from ev-battery-chain.

Plain Python 3.11, standard library only. Run from the repository root, after
ev_battery_chain.py:

    python3 datasets/build/ev_battery_chain.py
    python3 datasets/build/leapmotor_jinhua.py

Leapmotor's own rows, the chips, the Jinhua cluster and the Tychy kit line are kept as they are
in leapmotor-jinhua/*.csv (written by hand; see its README). Everything upstream of Leapmotor's
cells and magnets is taken from ev-battery-chain and scaled to Leapmotor's purchases: each
supplier's purchase rows are the ev rows times (what Leapmotor's chain takes from it / its
output in ev). So the same firm has the same ids, names, shares and input mix in both datasets,
every tier is sized for this dataset's own buyers (a firm's need per unit of output is the same
as in ev), and the mineral tables are world shares in both (the pooled routing of ev).
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
EV = os.path.join(HERE, "..", "ev-battery-chain")
LEAP = os.path.join(HERE, "..", "leapmotor-jinhua")


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


ev_firms = {r["firm_id"]: r for r in read(os.path.join(EV, "firms.csv"))}
ev_rows = read(os.path.join(EV, "sourcing.csv"))
leap_firms = read(os.path.join(LEAP, "firms.csv"))
leap_rows = read(os.path.join(LEAP, "sourcing.csv"))

# The battery and magnet chain as it was before this script (removed, rebuilt from ev).
OLD_UPSTREAM = {
    "catl", "eve", "gotion", "cn-magnets", "cn-lfp-cathode", "cn-nmc-cathode", "cn-precursor",
    "cn-anode", "cn-electrolyte", "cn-separator", "cn-synthetic-graphite", "cn-lithium-refining",
    "cl-lithium-refining", "cn-ree-separation", "au-lithium-mining", "cn-lithium-mining",
    "cl-lithium-brine", "zz-lithium-mining", "cn-graphite-mining", "zz-graphite-mining",
    "cd-cobalt-mining", "id-nickel-cobalt-mining", "ph-nickel-mining", "cn-ree-mining",
    "mm-ree-mining", "zz-ree-mining",
}
UPSTREAM_COMPONENTS = {"cell", "ndfeb-magnet", "ndfeb-magnet-aux"}

# Idempotent: a second run also drops what the first one took from ev.
OLD_UPSTREAM |= set(ev_firms) - {"leapmotor"}
kept_firms = [f for f in leap_firms if f["firm_id"] not in OLD_UPSTREAM]
kept_rows = [r for r in leap_rows
             if r["buyer_id"] not in OLD_UPSTREAM
             and not (r["buyer_id"] == "leapmotor" and r["component"] in UPSTREAM_COMPONENTS)]

# Leapmotor's cells: the same rows as in ev-battery-chain (F-LEAP-07, F-LEAP-12, F-ILL-10).
# Its magnets: 38,184,120 USD (1.0% of its hardware cost, as before; ev uses the same figure).
seed = [r for r in ev_rows if r["buyer_id"] == "leapmotor" and r["component"] in UPSTREAM_COMPONENTS]
assert {r["component"] for r in seed} == UPSTREAM_COMPONENTS, seed

ev_out = defaultdict(float)
for r in ev_rows:
    if r["buyer_id"] != r["supplier_id"]:
        ev_out[r["supplier_id"]] += float(r["annual_value"])

by_buyer = defaultdict(list)
for r in ev_rows:
    by_buyer[r["buyer_id"]].append(r)

demand = defaultdict(float)
new_rows = []
for r in seed:
    demand[r["supplier_id"]] += float(r["annual_value"])
    new_rows.append(dict(r))

# Top-down in topological order of the ev graph (it has no cycles).
order = []
seen = set()


def visit(f):
    if f in seen:
        return
    seen.add(f)
    for r in by_buyer[f]:
        visit(r["supplier_id"])
    order.append(f)


for r in seed:
    visit(r["supplier_id"])
for f in reversed(order):  # buyers before their suppliers
    if demand[f] == 0:
        continue
    k = demand[f] / ev_out[f]
    for r in by_buyer[f]:
        v = float(r["annual_value"]) * k
        demand[r["supplier_id"]] += v
        new_rows.append(dict(r, annual_value=v))

reached = [f for f in order if demand[f] > 0]
new_firms = []
for f in reached:
    fr = dict(ev_firms[f])
    if fr["capacity_value"]:
        # The same utilisation as in ev: capacity scales with the output sold here.
        fr["capacity_value"] = str(round(float(fr["capacity_value"]) * demand[f] / ev_out[f] + 0.5))
    new_firms.append(fr)

# Sources of the hand-written part (ids of leapmotor-jinhua/dataset.toml).
FIRM_SOURCE = {
    "leapmotor": "oem-leapmotor", "stellantis-tychy": "leap-tychy",
    "leapmotor-international": "leap-stellantis", "qcom-8155": "leap-architecture",
    "qcom-8295": "leap-architecture", "nxp": "leap-architecture", "nvidia": "leap-architecture",
}
for fr in kept_firms:
    fr["source"] = FIRM_SOURCE.get(fr["firm_id"], "assumption")
ROW_SOURCE = {
    "battery-pack": "supply-leapmotor", "e-drive": "supply-leapmotor", "cockpit-soc": "leap-architecture",
    "adas-soc": "leap-architecture", "gateway-processor": "leap-architecture",
    "central-domain-controller": "leap-inhouse", "body-and-chassis": "leap-inhouse",
    "interior-exterior-thermal": "leap-inhouse", "t03-kit": "leap-tychy",
}
for r in kept_rows:
    r["source"] = ROW_SOURCE.get(r["component"], "assumption")

FIRM_COLS = ["firm_id", "name", "country", "region", "group", "kind", "annual_output_value",
             "recovery_days", "capacity_value", "source"]
ROW_COLS = ["buyer_id", "component", "supplier_id", "share", "annual_value", "inventory_days", "source"]


def fmt_value(v):
    if isinstance(v, str):
        return v
    return f"{v:.2f}".rstrip("0").rstrip(".")


with open(os.path.join(LEAP, "firms.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(FIRM_COLS)
    for fr in kept_firms + new_firms:
        w.writerow([fr.get(c, "") or "" for c in FIRM_COLS])
with open(os.path.join(LEAP, "sourcing.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(ROW_COLS)
    for r in kept_rows + new_rows:
        w.writerow([fmt_value(r.get(c, "")) if c == "annual_value" else (r.get(c, "") or "") for c in ROW_COLS])

# components.csv: the hand-written components still used, then ev's for the rebuilt chain.
ev_comps = read(os.path.join(EV, "components.csv"))
leap_comps = read(os.path.join(LEAP, "components.csv"))
used = {r["component"] for r in kept_rows + new_rows}
comps = [c for c in leap_comps if c["component"] in used and c["component"] not in {e["component"] for e in ev_comps}]
comps += [c for c in ev_comps if c["component"] in used]
with open(os.path.join(LEAP, "components.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["component", "name", "category", "description"])
    for c in comps:
        w.writerow([c["component"], c["name"], c["category"], c["description"]])

print(f"firms {len(kept_firms) + len(new_firms)}, rows {len(kept_rows) + len(new_rows)}")
for f in reached:
    print(f"{f:32s} {demand[f] / 1e6:12.2f} m USD ({100 * demand[f] / ev_out[f]:.2f}% of its ev output)")
