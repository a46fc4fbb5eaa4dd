#!/usr/bin/env python3
"""Writes a finance portal for benchmarks: ROWS rows x 9 columns of budget lines with a Table
Schema, and a copy with errors at known rows (printed), deterministic for a given seed."""
import os, random, sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rnd = random.Random(2567)
AGENCIES = ["BB", "CGD", "RD", "DGA", "NSO", "ETDA", "DOPA", "DLA"]
CATEGORIES = ["personnel", "operating", "investment", "subsidy", "other"]
PROGRAMS = ["แผนงานบุคลากรภาครัฐ", "แผนงานพื้นฐาน", "แผนงานยุทธศาสตร์", "แผนงานบูรณาการ"]
ERRORS = {1_000: ("amount", "12a"), rows // 2: ("budget_category", "misc"), rows - 1: ("disbursed", "-5")}

SCHEMA = '''[resources.schema]
primaryKey = ["line_id"]
[[resources.schema.fields]]
name = "line_id"
type = "string"
constraints = { required = true, unique = true, pattern = "L[0-9]{7}" }
[[resources.schema.fields]]
name = "fiscal_year"
type = "integer"
constraints = { required = true, minimum = 2560, maximum = 2600 }
[[resources.schema.fields]]
name = "agency"
type = "string"
constraints = { required = true, enum = %s }
[[resources.schema.fields]]
name = "program"
type = "string"
[[resources.schema.fields]]
name = "budget_category"
type = "string"
constraints = { enum = %s }
[[resources.schema.fields]]
name = "amount"
type = "number"
constraints = { minimum = 0 }
[[resources.schema.fields]]
name = "disbursed"
type = "number"
constraints = { minimum = 0 }
[[resources.schema.fields]]
name = "approved"
type = "date"
[[resources.schema.fields]]
name = "audited"
type = "boolean"
''' % (str(AGENCIES).replace("'", '"'), str(CATEGORIES).replace("'", '"'))

def portal(folder, with_errors):
    os.makedirs(f"{folder}/datasets/finance", exist_ok=True)
    os.makedirs(f"{folder}/datasets/agencies", exist_ok=True)
    open(f"{folder}/site.toml", "w").write('title = "bench"\nbase_url = "https://bench.example/"\n[contact]\nemail = "bench@example.go.th"\n')
    open(f"{folder}/datasets/agencies/dataset.toml", "w").write(
        'title = { th = "หน่วยงาน", en = "Agencies" }\ndescription = "a"\nagency = "BB"\nlicense = "CC-BY-4.0"\nmodified = 2025-10-01\n'
        '[[resources]]\nname = "agencies"\npath = "agencies.csv"\n[resources.schema]\n'
        '[[resources.schema.fields]]\nname = "code"\ntype = "string"\n')
    open(f"{folder}/datasets/agencies/agencies.csv", "w").write("code\n" + "\n".join(AGENCIES) + "\n")
    open(f"{folder}/datasets/finance/dataset.toml", "w").write(
        'title = { th = "งบประมาณ", en = "Budget lines" }\ndescription = "b"\nagency = "BB"\nlicense = "CC-BY-4.0"\nmodified = 2025-10-01\n'
        '[[resources]]\nname = "lines"\npath = "lines.csv"\n' + SCHEMA)
    with open(f"{folder}/datasets/finance/lines.csv", "w") as f:
        f.write("line_id,fiscal_year,agency,program,budget_category,amount,disbursed,approved,audited\n")
        r = random.Random(2567)
        for i in range(rows):
            amount = r.randrange(1_000, 50_000_000) * 1.0
            cells = [f"L{i:07d}", str(2565 + i % 4), AGENCIES[i % 8], PROGRAMS[i % 4], CATEGORIES[i % 5],
                     f"{amount:.2f}", f"{amount * r.uniform(0.8, 1.0):.2f}",
                     f"{2021 + i % 4}-{1 + i % 12:02d}-{1 + i % 28:02d}", "true" if i % 3 else "false"]
            if with_errors and i in ERRORS:
                col, value = ERRORS[i]
                cells[["line_id", "fiscal_year", "agency", "program", "budget_category", "amount", "disbursed", "approved", "audited"].index(col)] = value
            f.write(",".join(cells) + "\n")

def frictionless_schema(folder):
    """The same schema as JSON, for frictionless."""
    import json
    num = {"minimum": 0}
    fields = [
        {"name": "line_id", "type": "string", "constraints": {"required": True, "unique": True, "pattern": "L[0-9]{7}"}},
        {"name": "fiscal_year", "type": "integer", "constraints": {"required": True, "minimum": 2560, "maximum": 2600}},
        {"name": "agency", "type": "string", "constraints": {"required": True, "enum": AGENCIES}},
        {"name": "program", "type": "string"},
        {"name": "budget_category", "type": "string", "constraints": {"enum": CATEGORIES}},
        {"name": "amount", "type": "number", "constraints": num},
        {"name": "disbursed", "type": "number", "constraints": num},
        {"name": "approved", "type": "date"},
        {"name": "audited", "type": "boolean"},
    ]
    json.dump({"fields": fields, "primaryKey": ["line_id"]}, open(f"{folder}/lines.schema.json", "w"))

portal(f"{out}/clean", False)
frictionless_schema(out)
portal(f"{out}/errors", True)
for i, (col, value) in sorted(ERRORS.items()):
    print(f"planted error: row {i + 2}, column {col}, value {value!r}")
