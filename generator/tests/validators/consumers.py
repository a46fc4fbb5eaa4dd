"""Reads a built Sala site the way its consumers do, offline.

Usage: python3 consumers.py SITE_DIR

- every Parquet file with pyarrow: whole (its values equal the JSON download's, row for row)
  and with a filter on a string column (`pq.read_table(..., filters=[...])`, the call that
  fails on Arrow string_view files), and with DuckDB (`read_parquet`, a count with a WHERE);
- each resource's JSON Schema (linked from the API as `json_schema`) accepts its JSON
  download's items and every NDJSON line (jsonschema, with format checks);
- the data.json harvest rule of CKAN's data.json harvester (the name it makes from a title,
  munge_title_to_name, must be at least 2 characters and unique) on /en/data.json;
- every .xlsx and every dataset's .zip read as Java's ZipInputStream (which Apache POI opens
  workbooks with) and Info-ZIP's `unzip` read them: local header after local header, each
  entry inflated to its end and followed by its data descriptor where the header is flagged
  for one, else sized by its header, its CRC checked, the central directory right after;
- every .xlsx with openpyxl: the header row is the Thai and English titles (the name where a
  title is missing, one title where both are the same), the cells are the
  JSON download's values, typed (numbers, booleans, dates);
- ckanext-dcat's rule for a distribution's format on both catalog files (a plain label such
  as CSV, not the EU IRI, and a media type);
- both Atom feeds with feedparser (well-formed, one entry per dataset);
- --old: only the Parquet checks, without DuckDB (for an old pyarrow in its own folder).

Prints one line per check and the pyarrow version, exits 1 if any failed. Run by
generator/tests/validators.rs with the current pyarrow and with pyarrow 14.
"""

import datetime
import json
import os
import sys

import pyarrow
import pyarrow.parquet as pq

from report import check, finish, loader

SITE = sys.argv[1]
OLD = "--old" in sys.argv
load = loader(SITE)
print(f"pyarrow {pyarrow.__version__}")


def plain(value):
    """A value read from Parquet as the JSON download writes it."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def local(url):
    return os.path.join(SITE, url.split("://", 1)[1].split("/", 1)[1])


index = load("api/v1/datasets.json")
files = 0
for d in index["datasets"]:
    for r in d["resources"]:
        path = local(r["parquet"])
        rel = os.path.relpath(path, SITE)
        files += 1
        with open(local(r["json"]), encoding="utf-8") as f:
            records = json.load(f)
        try:
            table = pq.read_table(path)
        except Exception as e:  # any reader error is the finding
            check(f"pyarrow reads {rel}", False, repr(e)[:500])
            continue
        rows = [{k: plain(v) for k, v in row.items()} for row in table.to_pylist()]
        check(f"pyarrow reads {rel}: {len(rows)} rows equal to the JSON download", rows == records,
              next((f"row {i}: {a} != {b}" for i, (a, b) in enumerate(zip(rows, records)) if a != b), f"{len(rows)} vs {len(records)} rows"))
        types = {str(field.type) for field in table.schema}
        check(f"{rel} has no Arrow view types", not any("view" in t for t in types), ", ".join(sorted(types)))
        # A filter on the first string column with a value, the first row's.
        strings = [f["name"] for f in r["fields"] if f["type"] == "string"]
        column = next((c for c in strings if any(rec[c] is not None for rec in records)), None)
        if column is None:
            continue
        value = next(rec[column] for rec in records if rec[column] is not None)
        expected = sum(1 for rec in records if rec[column] == value)
        try:
            filtered = pq.read_table(path, filters=[(column, "==", value)]).num_rows
        except Exception as e:
            check(f"pyarrow reads {rel} with a filter on {column}", False, repr(e)[:500])
            continue
        check(f"pyarrow reads {rel} with a filter on {column}: {filtered} rows", filtered == expected, f"expected {expected}")
        if not OLD:
            import duckdb

            con = duckdb.connect()
            total = con.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchone()[0]
            where = con.execute(f'SELECT count(*) FROM read_parquet(?) WHERE "{column}" = ?', [path, value]).fetchone()[0]
            check(f"duckdb reads {rel}: {total} rows, {where} where {column} matches", (total, where) == (len(records), expected),
                  f"expected {len(records)}, {expected}")
            con.close()

print(f"     ({files} Parquet files read)")

if not OLD:
    import re

    import jsonschema

    for d in index["datasets"]:
        for r in d["resources"]:
            schema_path = local(r["json_schema"])
            with open(schema_path, encoding="utf-8") as f:
                schema = json.load(f)
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            with open(local(r["json"]), encoding="utf-8") as f:
                records = json.load(f)
            with open(local(r["ndjson"]), encoding="utf-8") as f:
                lines = [json.loads(line) for line in f]
            bad = [f"{kind} {i}: {e.message[:200]}" for kind, rows in (("item", records), ("line", lines))
                   for i, row in enumerate(rows) for e in validator.iter_errors(row)]
            rel = os.path.relpath(schema_path, SITE)
            check(f"{rel} accepts the {len(records)} JSON items and {len(lines)} NDJSON lines", not bad and len(records) == len(lines) > 0, "; ".join(bad[:3]))

    import struct
    import zlib


    def stream_entries(path):
        """The entries of the zip package at `path` read as a streaming reader reads them; an
        error names the entry that such a reader cannot get past."""
        data = open(path, "rb").read()
        at, names = 0, []
        while data[at:at + 4] == b"PK\x03\x04":
            flags, method, _, _, crc, csize, size, nlen, elen = struct.unpack_from("<HHHHIIIHH", data, at + 6)
            name = data[at + 30:at + 30 + nlen].decode()
            start = at + 30 + nlen + elen
            if method != 8:
                raise ValueError(f"{name}: method {method}")
            inflate = zlib.decompressobj(-15)
            body = inflate.decompress(data[start:])
            if not inflate.eof:
                raise ValueError(f"{name}: the deflate stream does not end")
            used = len(data) - start - len(inflate.unused_data)
            at = start + used
            if flags & 8:
                if data[at:at + 4] == b"PK\x07\x08":
                    at += 4
                crc, csize, size = struct.unpack_from("<III", data, at)
                at += 12
            if (csize, size, crc) != (used, len(body), zlib.crc32(body)):
                raise ValueError(f"{name}: sized {csize}/{size}, CRC {crc:08x}; read {used}/{len(body)}, CRC {zlib.crc32(body):08x}")
            names.append(name)
        if data[at:at + 4] not in (b"PK\x01\x02", b"PK\x05\x06"):
            raise ValueError(f"after {names[-1] if names else 'the start'}: no local header and no central directory at byte {at}")
        return names


    packages = [local(d["zip"]) for d in index["datasets"]] + [local(r["xlsx"]) for d in index["datasets"] for r in d["resources"]]
    for path in packages:
        try:
            names, error = stream_entries(path), ""
        except Exception as e:
            names, error = [], str(e)
        check(f"streams {os.path.relpath(path, SITE)}: {len(names)} entries, each sized and checked", not error and names, error)

    import openpyxl

    for d in index["datasets"]:
        for r in d["resources"]:
            path = local(r["xlsx"])
            with open(local(r["json"]), encoding="utf-8") as f:
                records = json.load(f)
            sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
            # Each column's Thai and English titles, the name standing in for a missing one.
            header = []
            for f in r["fields"]:
                th, en = f["title"]["th"].strip() or f["name"], f["title"]["en"].strip() or f["name"]
                header.append(th if th == en else f"{th} / {en}")
            # Excel has no date type of its own: a date cell reads back as midnight of that day.
            dates = [f["type"] == "date" for f in r["fields"]]
            cells = [[plain(v.date()) if is_date and isinstance(v, datetime.datetime) else plain(v) for v, is_date in zip(row, dates)]
                     for row in rows[1:]]
            expected = [[rec[f["name"]] for f in r["fields"]] for rec in records]
            same = cells == expected
            rel = os.path.relpath(path, SITE)
            check(f"openpyxl reads {rel}: {len(cells)} typed rows equal to the JSON download", same,
                  next((f"row {i}: {x} != {y}" for i, (x, y) in enumerate(zip(cells, expected)) if x != y), f"{len(cells)} vs {len(expected)} rows"))
            check(f"{rel} has the Thai and English titles as its header", list(rows[0]) == header, f"{rows[0]}")

    import feedparser

    for path in ("feed.xml", "en/feed.xml"):
        feed = feedparser.parse(os.path.join(SITE, path))
        links = {e.link for e in feed.entries}
        check(f"feedparser reads {path}: {len(feed.entries)} entries, each linking its dataset page", not feed.bozo and len(links) == len(feed.entries) == index["count"],
              repr(feed.get("bozo_exception")))

    import rdflib
    from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS

    # ckanext-dcat's format rule (_distribution_format): a dct:format IRI typed dct:IMT (its
    # first rdf:type) gives its rdfs:label as the format; any other IRI is shown as it is;
    # without dct:format there is no label, only the media type. NDJSON has no EU file type,
    # and DCAT-AP's vocabulary shapes refuse any other dct:format: its media type tells it.
    formats = {}
    for fmt, path in (("turtle", "catalog.ttl"), ("json-ld", "catalog.jsonld")):
        g = rdflib.Graph().parse(os.path.join(SITE, path), format=fmt)
        for dist in g.subjects(RDF.type, DCAT.Distribution):
            node = g.value(dist, DCTERMS.format)
            first_type = next(g.objects(node, RDF.type), None) if node is not None else None
            label = str(g.value(node, RDFS.label)) if first_type == DCTERMS.IMT else str(node)
            formats.setdefault(path, []).append((label, str(g.value(dist, DCAT.mediaType))))
    for path, pairs in formats.items():
        labels = sorted({label for label, _ in pairs})
        unlabelled = {m for label, m in pairs if label == "None"}
        check(f"CKAN reads a plain format (NDJSON: its media type) and a media type for each of the {len(pairs)} distributions in {path}: {', '.join(labels)}",
              labels == ["CSV", "JSON", "None", "Parquet", "XLSX"] and all(m != "None" for _, m in pairs)
              and unlabelled == {"https://www.iana.org/assignments/media-types/application/x-ndjson"}, f"{labels} {unlabelled}")

    def munge_title_to_name(title):
        """CKAN's name for a title (ckan.lib.munge), which its data.json harvester uses."""
        name = re.sub("[ .:/]", "-", title)
        name = re.sub("[^a-zA-Z0-9-_]", "", name).lower()
        name = re.sub("-+", "-", name)
        return name.strip("-")

    for path in ("data.json", "en/data.json"):
        catalog = load(path)
        names = [munge_title_to_name(ds["title"]) for ds in catalog["dataset"]]
        harvestable = sum(1 for n in names if len(n) >= 2 and names.count(n) == 1)
        print(f"     {path}: {harvestable} of {len(names)} titles make a CKAN name")
        if path == "en/data.json":
            check(f"every title in {path} makes a unique CKAN name", harvestable == len(names) == index["count"], ", ".join(names))

finish()
