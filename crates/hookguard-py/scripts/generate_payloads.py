"""Generates ``python/hookguard/payloads.py`` from the published schemas (``schemas/events/*.json``,
``schemas/catalog.json``): one TypedDict per organization-level event and the test delivery,
``EventName`` and ``EVENT_PAYLOADS``, as the npm package's ``events.d.ts`` is generated.
``--check`` fails when the checked-in file differs (run by the tests).

The schemas use a small subset of JSON Schema (type, enum, const, properties, required, items;
the alias pairs' anyOf only requires one of two declared members): anything else stops the
generator rather than being typed loosely.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
OUTPUT = Path(__file__).resolve().parents[1] / "python" / "hookguard" / "payloads.py"
KNOWN = {"$schema", "title", "description", "examples", "$comment", "type", "enum", "const", "format",
         "pattern", "minimum", "properties", "required", "items", "anyOf", "additionalProperties"}
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


def type_name(name: str) -> str:
    """``book.detect.signal_found`` -> ``BookDetectSignalFound``."""
    return "".join(part[:1].upper() + part[1:].lower() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


class Generator:
    def __init__(self) -> None:
        self.classes: list[str] = []

    def annotation(self, schema: Any, owner: str, field: str) -> str:
        if schema is True or schema == {}:
            return "Any"
        unknown = set(schema) - KNOWN
        if unknown:
            raise SystemExit(f"{owner}.{field}: keywords the generator does not type: {sorted(unknown)}")
        if "const" in schema:
            return f"Literal[{json.dumps(schema['const'])}]"
        types = schema.get("type")
        names = [types] if isinstance(types, str) else list(types or [])
        parts: list[str] = []
        if "enum" in schema:
            parts.append("Literal[" + ", ".join(json.dumps(value) for value in schema["enum"] if value is not None) + "]")
            names = [name for name in names if name not in ("string",)]
        for name in names:
            if name in SCALARS:
                parts.append(SCALARS[name])
            elif name == "array":
                parts.append(f"list[{self.annotation(schema.get('items', True), owner, field + '[]')}]")
            elif name == "object":
                if "properties" in schema:
                    parts.append(self.typed_dict(f"{owner}{type_name(field)}", schema, nested=True))
                else:
                    parts.append("dict[str, Any]")
            else:
                raise SystemExit(f"{owner}.{field}: unknown type {name}")
        if not parts:
            return "Any"
        # None last, as a reader expects `str | None`.
        parts.sort(key=lambda part: part == "None")
        return " | ".join(dict.fromkeys(parts))

    def typed_dict(self, name: str, schema: dict[str, Any], nested: bool = False) -> str:
        required = set(schema.get("required", []))
        lines = [f"class {name}(TypedDict):"]
        description = (schema.get("description") or "").strip()
        if description:
            lines.append(f'    """{description}"""' if '"""' not in description else "")
            lines.append("")
        for field, sub in sorted(schema.get("properties", {}).items()):
            annotation = self.annotation(sub, name, field)
            if field not in required:
                annotation = f"NotRequired[{annotation}]"
            if not field.isidentifier():
                raise SystemExit(f"{name}.{field}: not a Python identifier")
            lines.append(f"    {field}: {annotation}")
        if len(lines) <= 2:
            lines.append("    pass")
        self.classes.append("\n".join(line for line in lines) + "\n")
        return name


def main() -> None:
    catalog = json.loads((ROOT / "schemas/catalog.json").read_text())
    canonical = sorted({name for event in catalog["events"] for name in event["canonical_names"]})
    generator = Generator()
    for name in canonical:
        generator.typed_dict(type_name(name), json.loads((ROOT / f"schemas/events/{name}.json").read_text()))
    generator.typed_dict("TestDelivery", json.loads((ROOT / "schemas/test-delivery.json").read_text()))
    text = "\n".join([
        '"""The payload of every organization-level event and of the test delivery, as TypedDicts.',
        "",
        "Generated from schemas/ by crates/hookguard-py/scripts/generate_payloads.py (`scripts/just",
        "python-types`). Do not edit: change the Rust event types and regenerate.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Literal, NotRequired, TypedDict, Union",
        "",
        "",
        "\n\n".join(generator.classes),
        "",
        "#: Organization-level (canonical) event names: what a valid report's ``event_name`` holds.",
        "EventName = Literal[\n" + "".join(f'    "{name}",\n' for name in canonical) + "]",
        "",
        "#: The normalized payload type of each organization-level event name.",
        "EVENT_PAYLOADS: dict[str, type] = {\n" + "".join(f'    "{name}": {type_name(name)},\n' for name in canonical) + "}",
        "",
        "#: Any normalized event payload.",
        "HookguardEvent = Union[\n" + "".join(f"    {type_name(name)},\n" for name in canonical) + "]",
        "",
    ])
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    if "--check" in sys.argv:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            raise SystemExit(f"{OUTPUT} is not what the schemas generate: run `scripts/just python-types`")
        return
    OUTPUT.write_text(text)


if __name__ == "__main__":
    main()
