"""Static checks of the Swift package, run by test.mjs (no Swift compiler can be had where the suite runs).

  python check_swift.py parse FILE...        every syntax error (tree-sitter ERROR or MISSING node) as file:line:col,
                                             and every `try` right of an operator (parses, does not compile)
  python check_swift.py metadata FILE SCHEMA every `metadata.json: <pointer>` type of FILE against the schema
  python check_swift.py package DIR SCHEMA   parse every .swift file of DIR, and check what a compiler would not see
                                             either: metadata keys against the schema, the core's imports, the
                                             package's targets and resources, ship.json

Exits 1 with one line per problem. Needs tree-sitter and tree-sitter-swift (native-runtimes/requirements-test.txt).
"""

import json
import re
import sys
from pathlib import Path

import tree_sitter_swift
from tree_sitter import Language, Parser

PARSER = Parser(Language(tree_sitter_swift.language()))
FORMATS = {"onnx", "torchscript", "openvino", "coreml", "tflite", "tensorrt"}
POINTER = re.compile(r"metadata\.json:\s*(#\S*)")


def text(source, node):
    return source[node.start_byte : node.end_byte].decode("utf8")


def syntax_errors(path):
    """file:line:col lines for every ERROR and MISSING node of the file."""
    source = Path(path).read_bytes()
    tree = PARSER.parse(source)
    problems = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_missing or node.is_error:
            line, column = node.start_point
            what = f"missing {node.type}" if node.is_missing else f"cannot parse {text(source, node)[:40]!r}"
            problems.append((line, column, f"{path}:{line + 1}:{column + 1}: syntax error: {what}"))
            if node.is_error:
                continue
        stack.extend(node.children)
    return [message for _, _, message in sorted(problems)]


# Operators after which Swift refuses a `try` ("'try' cannot appear to the right of a non-assignment operator"),
# which parses fine: the one compile error of this kind a parser can still see.
OPERATOR_EXPRESSIONS = {
    "additive_expression",
    "multiplicative_expression",
    "comparison_expression",
    "equality_expression",
    "conjunction_expression",
    "disjunction_expression",
    "nil_coalescing_expression",
    "infix_expression",
    "range_expression",
    "bitwise_operation",
    "ternary_expression",
}


def misplaced_try(path):
    """file:line:col lines for every `try` that is an operand right of an operator."""
    source = Path(path).read_bytes()
    problems = []
    stack = [PARSER.parse(source).root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        parent = node.parent
        if (
            node.type == "try_expression"
            and parent is not None
            and parent.type in OPERATOR_EXPRESSIONS
            and parent.named_children.index(node) > 0
        ):
            line, column = node.start_point
            where = f"{path}:{line + 1}:{column + 1}"
            problems.append(
                (line, column, f"{where}: `try` right of an operator does not compile; put one `try` before it all")
            )
    return [message for _, _, message in sorted(problems)]


# ---- metadata.json keys against the schema ---------------------------------------------------------------------


def schema_node(schema, pointer):
    """The schema object at a JSON pointer (`#/$defs/document/properties/input`), following $ref on the way."""
    node = schema
    for token in [t for t in pointer.lstrip("#").split("/") if t]:
        while token not in node and "$ref" in node:
            node = schema_node(schema, node["$ref"])
        if token not in node:
            raise KeyError(pointer)
        node = node[token]
    return node


def schema_keys(schema, node):
    """(every property name, the names every valid document has) of an object schema, over $ref and oneOf."""
    properties = set(node.get("properties", {}))
    required = set(node.get("required", []))
    if "$ref" in node:
        ref_properties, ref_required = schema_keys(schema, schema_node(schema, node["$ref"]))
        properties |= ref_properties
        required |= ref_required
    branches = [schema_keys(schema, branch) for branch in node.get("oneOf", []) + node.get("anyOf", [])]
    branches = [b for b in branches if b[0]]
    if branches:
        properties |= set().union(*(b[0] for b in branches))
        required |= set.intersection(*(b[1] for b in branches))
    return properties, required


def leading_comments(node):
    comments = []
    sibling = node.prev_sibling
    while sibling is not None and sibling.type in ("comment", "multiline_comment"):
        comments.append(sibling)
        sibling = sibling.prev_sibling
    return comments


def stored_properties(source, body):
    """(name, optional) of a type body's stored instance properties."""
    found = []
    for child in body.children:
        if child.type != "property_declaration":
            continue
        if any(c.type == "computed_property" for c in child.children):
            continue
        modifiers = next((c for c in child.children if c.type == "modifiers"), None)
        if modifiers is not None and "static" in text(source, modifiers).split():
            continue
        pattern = next(c for c in child.children if c.type == "pattern")
        annotation = next((c for c in child.children if c.type == "type_annotation"), None)
        optional = annotation is not None and text(source, annotation).rstrip().endswith("?")
        found.append((text(source, pattern), optional))
    return found


def coding_keys(source, body):
    """{case name: JSON key} of the type's CodingKeys enum, or None when it has none."""
    for child in body.children:
        if child.type != "class_declaration":
            continue
        name = next((c for c in child.children if c.type == "type_identifier"), None)
        if name is None or text(source, name) != "CodingKeys":
            continue
        keys = {}
        enum_body = next(c for c in child.children if c.type == "enum_class_body")
        for entry in (c for c in enum_body.children if c.type == "enum_entry"):
            case = None
            for part in entry.children:
                if part.type == "simple_identifier":
                    case = text(source, part)
                    keys[case] = case
                elif part.type == "line_string_literal" and case is not None:
                    keys[case] = text(source, part).strip('"')
        return keys
    return None


def metadata_key_problems(path, schema):
    """Every type annotated `metadata.json: <pointer>` reads only keys the schema has, and requires only keys every
    valid metadata.json has (a non-optional property of an optional key would refuse a valid file)."""
    source = Path(path).read_bytes()
    tree = PARSER.parse(source)
    problems = []
    annotated = 0
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "class_declaration":
            continue
        pointers = [m.group(1) for c in leading_comments(node) for m in [POINTER.search(text(source, c))] if m]
        if not pointers:
            continue
        annotated += 1
        type_name = text(source, next(c for c in node.children if c.type == "type_identifier"))
        where = f"{path}:{node.start_point[0] + 1}: {type_name}"
        try:
            properties, required = schema_keys(schema, schema_node(schema, pointers[0]))
        except KeyError:
            problems.append(f"{where}: {pointers[0]} is not in the schema")
            continue
        body = next(c for c in node.children if c.type == "class_body")
        stored = stored_properties(source, body)
        keys = coding_keys(source, body)
        if keys is None:
            problems.append(f"{where}: has no CodingKeys (every key it reads is spelled out there)")
            continue
        names = {name for name, _ in stored}
        if set(keys) != names:
            problems.append(
                f"{where}: CodingKeys cases {sorted(keys)} are not its stored properties {sorted(names)}"
                " (synthesised Codable would not compile)"
            )
        for name, optional in stored:
            key = keys.get(name, name)
            if key not in properties:
                problems.append(f"{where}.{name}: key {key!r} is not a property of {pointers[0]}")
            elif not optional and key not in required:
                problems.append(f"{where}.{name}: {key!r} is optional in the schema, so it must be optional here")
    if annotated == 0:
        problems.append(f"{path}: no type is annotated `metadata.json: <pointer>`, so nothing was checked")
    return problems


# ---- the package's shape ---------------------------------------------------------------------------------------


def import_problems(core_dir):
    """The core is Foundation only: no CoreML, Vision or UIKit in it."""
    problems = []
    for path in sorted(Path(core_dir).rglob("*.swift")):
        source = path.read_bytes()
        for node in PARSER.parse(source).root_node.children:
            if node.type == "import_declaration":
                module = text(source, node).split()[-1]
                if module != "Foundation":
                    problems.append(f"{path}:{node.start_point[0] + 1}: the core imports {module} (Foundation only)")
    return problems


def package_problems(package_dir):
    """Every target of Package.swift has its folder, every resource exists, ship.json lists existing files and
    every file a build of the shipped targets needs."""
    root = Path(package_dir)
    manifest = (root / "Package.swift").read_text()
    problems = []
    targets = re.findall(r'\.(target|executableTarget|testTarget)\(\s*name:\s*"([^"]+)"', manifest)
    if not targets:
        problems.append("Package.swift declares no targets")
    for kind, name in targets:
        folder = root / ("Tests" if kind == "testTarget" else "Sources") / name
        if not folder.is_dir() or not any(folder.rglob("*.swift")):
            problems.append(f"Package.swift: target {name} has no Swift files in {folder.relative_to(root)}/")
    for resource in re.findall(r'\.(?:copy|process)\("([^"]+)"\)', manifest):
        if not any((root / "Tests" / name / resource).exists() for kind, name in targets if kind == "testTarget"):
            problems.append(f"Package.swift: resource {resource} does not exist in the test target's folder")
    ship = json.loads((root / "ship.json").read_text())
    if ship.get("runtime") != "swift":
        problems.append(f"ship.json: runtime is {ship.get('runtime')!r}, not 'swift'")
    if not ship.get("formats") or not set(ship["formats"]) <= FORMATS:
        problems.append(f"ship.json: formats {ship.get('formats')} are not Edgepack format ids")
    if not isinstance(ship.get("summary"), str) or not ship["summary"].strip():
        problems.append("ship.json: no summary")
    listed = set(ship.get("files", []))
    for file in sorted(listed):
        if not (root / file).is_file():
            problems.append(f"ship.json: {file} does not exist")
        if file.startswith("Tests/"):
            problems.append(f"ship.json: {file} is a test (tests are not shipped)")
    needed = {"Package.swift", "README.md"} | {
        str(p.relative_to(root))
        for kind, name in targets
        if kind != "testTarget"
        for p in (root / "Sources" / name).rglob("*.swift")
    }
    for file in sorted(needed - listed):
        problems.append(f"ship.json: {file} is not listed, so a bundle's package would not build")
    return problems


def main(argv):
    if len(argv) >= 2 and argv[0] == "parse":
        problems = [p for path in argv[1:] for p in syntax_errors(path) + misplaced_try(path)]
    elif len(argv) == 3 and argv[0] == "metadata":
        problems = metadata_key_problems(argv[1], json.loads(Path(argv[2]).read_text()))
    elif len(argv) == 3 and argv[0] == "package":
        root = Path(argv[1])
        schema = json.loads(Path(argv[2]).read_text())
        files = sorted(p for p in root.rglob("*.swift") if "Vectors" not in p.parts and ".build" not in p.parts)
        problems = [p for path in files for p in syntax_errors(path) + misplaced_try(path)]
        problems += metadata_key_problems(root / "Sources/EdgepackCore/Metadata.swift", schema)
        problems += import_problems(root / "Sources/EdgepackCore")
        problems += package_problems(root)
        if not problems:
            print(
                f"{len(files)} Swift files parse; metadata keys, core imports, targets, resources and ship.json check out."
            )
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
