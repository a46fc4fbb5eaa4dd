"""Checks a built Sala site with the field's own validators, offline.

Usage: python3 validate.py SITE_DIR SHARED_DATA_DIR

- every datasets/*/datapackage.json: `frictionless validate` (metadata and data) and the
  Tabular Data Package JSON Schema profile (frictionless alone accepts {"resources": []});
- /catalog.ttl and /catalog.jsonld parse as RDF, state the same triples, and conform to
  DCAT-AP 3.0.1's SHACL shapes (mandatory properties and class ranges) with pyshacl;
- /data.json against the Project Open Data 1.1 JSON Schema (references resolved locally);
- /api/openapi.json is valid OpenAPI 3.1, every path in it exists in the site (templated
  paths expanded with the dataset index) and every JSON file matches its documented schema;
- each dataset page's schema.org JSON-LD parses as RDF and names every download of the dataset.

Prints one line per check and exits 1 if any failed. Run by generator/tests/validators.rs.
"""

import glob
import html.parser
import importlib.util
import json
import os
import sys

import frictionless
import jsonschema
import pyshacl
import rdflib
from openapi_spec_validator import validate as validate_openapi
from rdflib.compare import isomorphic
from referencing import Registry
from referencing.jsonschema import DRAFT4

from report import check, finish, loader

SITE, SHARED = sys.argv[1], sys.argv[2]
load = loader(SITE)


def package_profile():
    spec = importlib.util.find_spec("datapackage")
    path = os.path.join(os.path.dirname(spec.origin), "profiles", "tabular-data-package.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# Data Packages
profile = jsonschema.Draft4Validator(package_profile())
packages = sorted(glob.glob(os.path.join(SITE, "datasets", "*", "datapackage.json")))
index = load("api/v1/datasets.json")
check("a datapackage.json per dataset", len(packages) == index["count"] > 0, f"{len(packages)} packages, {index['count']} datasets")
for path in packages:
    rel = os.path.relpath(path, SITE)
    report = frictionless.validate(path)
    errors = [e.message for task in report.tasks for e in task.errors] + [e.message for e in report.errors]
    check(f"frictionless validate {rel}", report.valid, "; ".join(errors[:5]))
    with open(path, encoding="utf-8") as f:
        errors = [f"{list(e.path)}: {e.message}" for e in profile.iter_errors(json.load(f))]
    check(f"tabular-data-package profile {rel}", not errors, "; ".join(errors[:5]))

# DCAT-AP
turtle = rdflib.Graph().parse(os.path.join(SITE, "catalog.ttl"), format="turtle")
jsonld = rdflib.Graph().parse(os.path.join(SITE, "catalog.jsonld"), format="json-ld")
check("catalog.ttl and catalog.jsonld state the same triples", isomorphic(turtle, jsonld), f"{len(turtle)} vs {len(jsonld)} triples")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
datasets = set(turtle.subjects(rdflib.RDF.type, DCAT.Dataset))
check("the catalog lists every dataset", len(datasets) == index["count"], f"{len(datasets)} dcat:Dataset")
shapes = rdflib.Graph()
for name in ("shapes.ttl", "range.ttl"):
    shapes.parse(os.path.join(SHARED, "dcat-ap-3.0.1-shacl", name), format="turtle")
conforms, _, text = pyshacl.validate(turtle, shacl_graph=shapes)
check("catalog.ttl conforms to DCAT-AP 3.0.1 SHACL (shapes.ttl + range.ttl)", conforms, text[:3000])

# DCAT-US / Project Open Data 1.1
pod = os.path.join(SHARED, "pod-1.1-schema")
registry = Registry()
for name in ("catalog", "dataset", "distribution", "organization", "vcard"):
    with open(os.path.join(pod, name + ".json"), encoding="utf-8") as f:
        registry = registry.with_resource(
            f"https://project-open-data.cio.gov/v1.1/schema/{name}.json", DRAFT4.create_resource(json.load(f))
        )
with open(os.path.join(pod, "catalog.json"), encoding="utf-8") as f:
    pod_validator = jsonschema.Draft4Validator(json.load(f), registry=registry)
data_json = load("data.json")
errors = [f"{list(e.path)}: {e.message}" for e in pod_validator.iter_errors(data_json)]
check("data.json validates against Project Open Data 1.1", not errors, "; ".join(errors[:5]))
check("data.json lists every dataset", len(data_json["dataset"]) == index["count"])

# OpenAPI
openapi = load("api/openapi.json")
try:
    validate_openapi(openapi)
    check("openapi.json is valid OpenAPI 3.1", openapi["openapi"].startswith("3.1"))
except Exception as e:  # the validator raises its own error types
    check("openapi.json is valid OpenAPI 3.1", False, str(e)[:2000])


def expansions(template, item=None):
    """Every concrete path of a templated path: datasets, resources and pages from the dataset
    index, any other parameter from the values its schema enumerates."""
    for param in (item or {}).get("get", {}).get("parameters", []):
        name = "{" + param["name"] + "}"
        if param["name"] not in ("dataset", "resource", "page") and name in template:
            return [p for v in param["schema"]["enum"] for p in expansions(template.replace(name, str(v)), item)]
    out = []
    for d in index["datasets"]:
        resources = d["resources"] if "{resource}" in template else [None]
        for r in resources:
            pages = range(1, r["pages"] + 1) if "{page}" in template else [None]
            for p in pages:
                path = template.replace("{dataset}", d["id"])
                if r is not None:
                    path = path.replace("{resource}", r["name"])
                if p is not None:
                    path = path.replace("{page}", str(p))
                out.append(path)
        if "{dataset}" not in template:
            break
    return out


components = openapi["components"]
paged_checked = 0
for template, item in sorted(openapi["paths"].items()):
    concrete = expansions(template, item)
    if "{page}" in template:
        paged_checked = len(concrete)
    missing = [p for p in concrete if not os.path.isfile(os.path.join(SITE, p.lstrip("/")))]
    check(f"every file of {template} exists ({len(concrete)})", not missing, ", ".join(missing[:5]))
    content = item["get"]["responses"]["200"]["content"]
    if "application/json" in content:
        schema = dict(content["application/json"]["schema"], components=components)
        validator = jsonschema.Draft202012Validator(schema)
        bad = []
        for p in concrete:
            errors = list(validator.iter_errors(load(p.lstrip("/"))))
            if errors:
                bad.append(f"{p}: {list(errors[0].path)}: {errors[0].message[:300]}")
        check(f"every file of {template} matches its schema", not bad, "; ".join(bad[:3]))
    for param in item["get"].get("parameters", []):
        if param["name"] == "dataset":
            check(f"{template} lists every dataset id", param["schema"]["enum"] == [d["id"] for d in index["datasets"]])
print(f"     ({paged_checked} pages of rows checked)")


# schema.org JSON-LD in dataset pages
class JsonLd(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.blocks = False, []

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self.inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.blocks[-1] += data


SDO = rdflib.Namespace("https://schema.org/")
for d in index["datasets"]:
    downloads = {r[f] for r in d["resources"] for f in ("csv", "json", "ndjson", "parquet", "xlsx")}
    for lang, url in d["pages"].items():
        page = url.split("://", 1)[1].split("/", 1)[1] + "index.html"
        parser = JsonLd()
        with open(os.path.join(SITE, page), encoding="utf-8") as f:
            parser.feed(f.read())
        if len(parser.blocks) != 1:
            check(f"one JSON-LD block in {page}", False, f"{len(parser.blocks)} found")
            continue
        g = rdflib.Graph().parse(data=parser.blocks[0], format="json-ld")
        subjects = list(g.subjects(rdflib.RDF.type, SDO.Dataset))
        urls = {str(u) for s in subjects for dist in g.objects(s, SDO.distribution) for u in g.objects(dist, SDO.contentUrl)}
        check(f"JSON-LD of {page} is a schema:Dataset naming its {len(downloads)} downloads", len(subjects) == 1 and urls == downloads, f"{sorted(downloads ^ urls)[:4]}")

finish()
