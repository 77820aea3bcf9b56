#!/usr/bin/env python3
"""Derive monthly unaccompanied-children encounters from CBP's Nationwide
Encounters state files, independently of Amparo's Go importer, so that the
tests can compare every value the importer stores with this table.

Reads ../data/cbp-nationwide/*.csv.gz (copied byte for byte, gzip -9 -n) and
writes cbp_uc_monthly.csv in Amparo's long format with a scope column:

    country_iso3,indicator,period,value,unit,source,scope

Rows: GTM, HND, SLV, NIC, MEX and ALL (every citizenship, CBP's OTHER too);
scopes cbp-enc-nw (all regions) and cbp-enc-swlb (Southwest Land Border
region), each for Title 8 + Title 42, Title 8 only (-t8) and Title 42 only
(-t42, March 2020 - May 2023 only); every month of the files and every
fiscal year a file holds whole. A month found in several releases takes the
newest release's figure; the script prints every month where releases
disagree. Python standard library only: python3 make_cbp_uc.py
"""

import csv
import gzip
import hashlib
import io
import os
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "cbp-nationwide")
# Oldest release first: a later file overrides an earlier one's months.
RELEASES = [
    "nationwide-encounters-fy20-fy23-state.csv.gz",
    "nationwide-encounters-fy22-fy25-state.csv.gz",
    "nationwide-encounters-fy23-fy26-nov-state.csv.gz",
]
FOCUS = {"GUATEMALA": "GTM", "HONDURAS": "HND", "EL SALVADOR": "SLV", "NICARAGUA": "NIC", "MEXICO": "MEX"}
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
UC_LABELS = {"UC / Single Minors", "UAC"}


def calendar_month(fiscal_year, abbv):
    m = MONTHS.index(abbv) + 1
    y = fiscal_year - 1 if m >= 10 else fiscal_year
    return "%04d-%02d" % (y, m)


def fiscal_year_of(month):
    y, m = int(month[:4]), int(month[5:])
    return y + 1 if m >= 10 else y


def in_title42_era(month):
    return "2020-03" <= month <= "2023-05"


def read_release(name):
    raw = gzip.open(os.path.join(DATA, name)).read()
    print("%s  sha256 (uncompressed) %s" % (name, hashlib.sha256(raw).hexdigest()), file=sys.stderr)
    sums = defaultdict(int)  # (code, scope, month) -> count
    months = set()
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8"))):
        fy = int(row["Fiscal Year"].split()[0])
        month = calendar_month(fy, row["Month (abbv)"])
        months.add(month)
        if row["Demographic"] not in UC_LABELS:
            continue
        title = {"Title 8": "t8", "Title 42": "t42"}[row["Title of Authority"]]
        n = int(row["Encounter Count"])
        codes = ["ALL"] + ([FOCUS[row["Citizenship"]]] if row["Citizenship"] in FOCUS else [])
        regions = ["cbp-enc-nw"] + (["cbp-enc-swlb"] if row["Land Border Region"] == "Southwest Land Border" else [])
        for code in codes:
            for region in regions:
                sums[(code, region, month)] += n
                sums[(code, region + "-" + title, month)] += n
    return sums, months


def scopes_for(months):
    out = []
    for region in ("cbp-enc-nw", "cbp-enc-swlb"):
        out += [region, region + "-t8"]
        if any(in_title42_era(m) for m in months):
            out.append(region + "-t42")
    return out


def main():
    chosen = {}  # (code, scope, period) -> (value, release)
    codes = ["ALL"] + sorted(FOCUS.values())
    for release in RELEASES:
        sums, months = read_release(release)
        periods = {m: [m] for m in months}
        by_fy = defaultdict(list)
        for m in months:
            by_fy[fiscal_year_of(m)].append(m)
        for fy, ms in by_fy.items():
            if len(ms) == 12:
                periods["FY%d" % fy] = ms
        for period, ms in periods.items():
            for code in codes:
                for scope in scopes_for(ms):
                    v = sum(sums.get((code, scope, m), 0) for m in ms)
                    key = (code, scope, period)
                    if key in chosen and chosen[key][0] != v:
                        print("revised: %s %s %s %d (%s) -> %d (%s)" % (code, scope, period, chosen[key][0], chosen[key][1], v, release), file=sys.stderr)
                    chosen[key] = (v, release)
    out_path = os.path.join(HERE, "cbp_uc_monthly.csv")
    with open(out_path, "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["country_iso3", "indicator", "period", "value", "unit", "source", "scope"])
        for (code, scope, period) in sorted(chosen):
            v, release = chosen[(code, scope, period)]
            w.writerow([code, "uac_encounters", period, v, "children", "CBP Nationwide Encounters " + release.replace("nationwide-encounters-", "").replace("-state.csv.gz", ""), scope])
    print("wrote %d rows to %s" % (len(chosen), out_path), file=sys.stderr)


if __name__ == "__main__":
    main()
