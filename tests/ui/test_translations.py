"""Every label the desktop passes to ``tr()`` has an English entry in resources/translations/en.json.

Chinese is the source language of the interface; a label without an entry stays Chinese in the English
interface. The checks are static (``ast``) so they cover screens no other test opens:

* literal calls ``tr("…")`` (also ``tr("…").format(…)``) anywhere under ui/;
* dynamic calls ``tr(expr)``: every one must either iterate a literal written in the loop itself
  (``for h in ("…", "…")``), or be listed in ``DYNAMIC_SOURCES`` with the texts it can receive;
* the English values: not empty, no Chinese left in them, the same ``{placeholders}`` as the key.
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui"
EN_JSON = ROOT / "resources" / "translations" / "en.json"

# CJK ideographs, CJK punctuation (、。「」《》〔〕) and full-width forms (（）：，？).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

# English values that deliberately keep Chinese characters, with the reason. Empty today: proper names
# that appear in labels (district names, bureau names) come from data, not from en.json.
CJK_ALLOWED: dict[str, str] = {}


@dataclass(frozen=True)
class Call:
    path: str  # relative to the repository, with forward slashes
    line: int
    node: ast.Call

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _english() -> dict[str, str]:
    with EN_JSON.open(encoding="utf-8") as handle:
        return json.load(handle)


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def _tr_calls() -> Iterator[tuple[Call, dict[ast.AST, ast.AST]]]:
    for file in sorted(UI.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        parents = _parents(tree)
        relative = file.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr" and node.args:
                yield Call(relative, node.lineno, node), parents


def _literal(call: Call) -> str | None:
    first = call.node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _bound_names(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


_LITERALS = (ast.Tuple, ast.List, ast.Set, ast.Dict)


def _inline_loop_texts(call: Call, parents: dict[ast.AST, ast.AST]) -> list[str] | None:
    """Texts of ``tr(name)`` where ``name`` is bound by an enclosing for loop or comprehension over a
    literal written in place (``for h in ("…", "…")``, ``enumerate((("…", n), …))``); None otherwise."""
    argument = call.node.args[0]
    if not isinstance(argument, ast.Name):
        return None
    node: ast.AST = call.node
    while node in parents:
        node = parents[node]
        loops: list[ast.For | ast.comprehension] = []
        if isinstance(node, ast.For):
            loops = [node]
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            loops = list(node.generators)
        for loop in loops:
            if argument.id not in _bound_names(loop.target):
                continue
            iterable = loop.iter
            if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.args:
                iterable = iterable.args[0]  # enumerate(…), sorted(…), reversed(…)
            return _strings(iterable) if isinstance(iterable, _LITERALS) else None
    return None


def _calls_in(path: str, function: str) -> list[str]:
    """String constants of the first argument of every ``function(…)`` call in ``path``."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    texts: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == function
            and node.args
            and isinstance(node.args[0], _LITERALS)
        ):
            texts += _strings(node.args[0])
    return texts


# --- the texts each dynamic tr(expr) can receive ------------------------------------------------------------


def _finding_statuses() -> list[str]:
    from hazdesk.domain.lifecycle import FindingStatus, label

    return [label(status) for status in FindingStatus]


def _severities() -> list[str]:
    from hazdesk.domain.lifecycle import Severity, label

    return [label(severity) for severity in Severity]


def _document_kinds() -> list[str]:
    from ui.dialogs.documents import KINDS

    return [title for _code, title in KINDS]


def _document_states() -> list[str]:
    from ui.dialogs.documents import STATE_LABELS

    return list(STATE_LABELS.values())


def _reinspection_results() -> list[str]:
    from ui.dialogs.finding_history import RESULT_TEXT

    return list(RESULT_TEXT.values())


def _hazard_persons() -> list[str]:
    from ui.dialogs.hazard_source import PERSONS

    return list(PERSONS)


def _hazard_headers() -> list[str]:
    from ui.dialogs.hazard_source import HEADERS

    return list(HEADERS)


def _inspection_kinds() -> list[str]:
    from ui.models.inspections import KIND_LABELS
    from ui.widgets.coded_values import INSPECTION_KINDS

    return [*KIND_LABELS.values(), *INSPECTION_KINDS.values()]


def _inspection_states() -> list[str]:
    from ui.models.inspections import STATE_LABELS

    return list(STATE_LABELS.values())


def _pages() -> list[str]:
    from ui.main_window import PAGES

    return [title for _key, title in PAGES]


def _columns(module: str) -> Callable[[], list[str]]:
    def texts() -> list[str]:
        import importlib

        return list(importlib.import_module(module).COLUMNS)

    return texts


def _inspection_results() -> list[str]:
    from ui.views.inspection_item import RESULT_LABELS

    return list(RESULT_LABELS.values())


def _sync(name: str) -> Callable[[], list[str]]:
    def texts() -> list[str]:
        from ui.views import sync_support

        return list(getattr(sync_support, name).values())

    return texts


def _enterprise_fields() -> list[str]:
    from ui.widgets.enterprise_basics import _FIELDS

    return [title for _key, title in _FIELDS]


def _chemical_headers() -> list[str]:
    from ui.widgets.enterprise_chemicals import HEADERS

    return list(HEADERS)


def _licence_headers() -> list[str]:
    from ui.widgets.licence_table import _HEADERS

    return list(_HEADERS)


def _hazard_levels() -> list[str]:
    from hazdesk.domain.gb18218 import catalog

    return [band.level for band in catalog().level_bands]


# (file, the argument of tr as ast.unparse writes it) → the texts it can receive. A dynamic call that is
# neither here nor an in-place literal loop fails test_every_dynamic_tr_call_is_accounted_for.
DYNAMIC_SOURCES: dict[tuple[str, str], Callable[[], Iterable[str]]] = {
    ("ui/dialogs/documents.py", "title"): _document_kinds,
    ("ui/dialogs/documents.py", "titles.get(doc.kind, doc.kind)"): _document_kinds,
    ("ui/dialogs/documents.py", "STATE_LABELS.get(doc.state, doc.state)"): _document_states,
    ("ui/dialogs/finding.py", "label(self.status)"): _finding_statuses,
    ("ui/dialogs/finding_history.py", "RESULT_TEXT[row.result]"): _reinspection_results,
    ("ui/dialogs/hazard_source.py", "key"): _hazard_persons,
    ("ui/dialogs/hazard_source.py", "h"): _hazard_headers,
    ("ui/dialogs/inspection_start.py", "text"): _inspection_kinds,
    ("ui/main_window.py", "title"): _pages,
    ("ui/models/enterprises.py", "COLUMNS[section]"): _columns("ui.models.enterprises"),
    ("ui/models/findings.py", "COLUMNS[section]"): _columns("ui.models.findings"),
    ("ui/models/findings.py", "label(FindingStatus(row.status))"): _finding_statuses,
    ("ui/models/inspections.py", "COLUMNS[section]"): _columns("ui.models.inspections"),
    ("ui/models/inspections.py", "KIND_LABELS.get(row.kind, row.kind)"): _inspection_kinds,
    ("ui/models/inspections.py", "STATE_LABELS.get(row.state, row.state)"): _inspection_states,
    ("ui/views/enterprise_detail.py", "h"): lambda: _calls_in("ui/views/enterprise_detail.py", "_table"),
    ("ui/views/findings.py", "label(status)"): _finding_statuses,
    ("ui/views/findings.py", "label(severity)"): _severities,
    ("ui/views/inspection_item.py", "label(FindingStatus(finding.status))"): _finding_statuses,
    ("ui/views/inspection_item.py", "RESULT_LABELS[result]"): _inspection_results,
    ("ui/views/inspection_view.py", "KIND_LABELS.get(inspection.kind, inspection.kind)"): _inspection_kinds,
    ("ui/views/inspections.py", "text"): _inspection_states,
    ("ui/views/sync.py", "ROLE_LABELS.get(role, role)"): _sync("ROLE_LABELS"),
    ("ui/views/sync_office.py", "ROLE_LABELS.get(device.role, device.role)"): _sync("ROLE_LABELS"),
    ("ui/views/sync_office.py", "ROLE_LABELS.get(p.role, p.role)"): _sync("ROLE_LABELS"),
    ("ui/views/sync_support.py", "TABLE_LABELS.get(name, name)"): _sync("TABLE_LABELS"),
    ("ui/views/sync_support.py", "FIELD_LABELS[name]"): _sync("FIELD_LABELS"),
    ("ui/views/sync_support.py", "BUNDLE_STATUS.get(status, status)"): _sync("BUNDLE_STATUS"),
    ("ui/views/today.py", "label(FindingStatus(row.status))"): _finding_statuses,
    ("ui/widgets/coded_values.py", "INSPECTION_KINDS[code]"): _inspection_kinds,
    ("ui/widgets/coded_values.py", "label(FindingStatus(code))"): _finding_statuses,
    ("ui/widgets/coded_values.py", "label(Severity(code))"): _severities,
    ("ui/widgets/enterprise_basics.py", "title"): _enterprise_fields,
    ("ui/widgets/enterprise_chemicals.py", "h"): _chemical_headers,
    ("ui/widgets/finding_form.py", "label(Severity(code))"): _severities,
    ("ui/widgets/grading_panel.py", "assessment.level"): _hazard_levels,
    ("ui/widgets/licence_table.py", "h"): _licence_headers,
}


def _dynamic_calls() -> list[tuple[Call, list[str] | None]]:
    """Each dynamic call with the texts found in place (None: they must come from DYNAMIC_SOURCES)."""
    return [(call, _inline_loop_texts(call, parents)) for call, parents in _tr_calls() if _literal(call) is None]


def _placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field is not None}


def test_the_scan_finds_the_interface() -> None:
    literals = [call for call, _parents in _tr_calls() if _literal(call) is not None]
    assert len(literals) > 500, "the tr() scan no longer sees ui/: check UI and the parser"


def test_every_literal_tr_text_has_an_english_entry() -> None:
    english = _english()
    missing: dict[str, list[str]] = {}
    for call, _parents in _tr_calls():
        text = _literal(call)
        if text is not None and not english.get(text, "").strip():
            missing.setdefault(text, []).append(call.where)
    report = "\n".join(f"  {json.dumps(t, ensure_ascii=False)}  ({', '.join(w)})" for t, w in sorted(missing.items()))
    assert not missing, f"{len(missing)} tr() texts have no English in {EN_JSON.name}:\n{report}"


def test_every_dynamic_tr_call_is_accounted_for() -> None:
    unknown = [
        f"  {call.where}: tr({ast.unparse(call.node.args[0])})"
        for call, inline in _dynamic_calls()
        if inline is None and (call.path, ast.unparse(call.node.args[0])) not in DYNAMIC_SOURCES
    ]
    assert not unknown, (
        "tr() called with a computed text: add the texts it can receive to DYNAMIC_SOURCES "
        "(or pass tr() literals):\n" + "\n".join(unknown)
    )


def test_no_stale_dynamic_sources() -> None:
    present = {(call.path, ast.unparse(call.node.args[0])) for call, _inline in _dynamic_calls()}
    stale = sorted(set(DYNAMIC_SOURCES) - present)
    assert not stale, f"DYNAMIC_SOURCES lists calls that no longer exist: {stale}"


def test_every_dynamic_tr_text_has_an_english_entry() -> None:
    english = _english()
    missing: dict[str, set[str]] = {}
    for call, inline in _dynamic_calls():
        source = DYNAMIC_SOURCES.get((call.path, ast.unparse(call.node.args[0])))
        texts = inline if inline is not None else list(source()) if source is not None else []
        assert inline is not None or texts, f"{call.where}: no texts found for tr({ast.unparse(call.node.args[0])})"
        for text in texts:
            if not english.get(text, "").strip():
                missing.setdefault(text, set()).add(call.where)
    report = "\n".join(
        f"  {json.dumps(t, ensure_ascii=False)}  ({', '.join(sorted(w))})" for t, w in sorted(missing.items())
    )
    assert not missing, f"{len(missing)} texts reach tr() without English in {EN_JSON.name}:\n{report}"


def test_english_file_is_a_flat_object_of_non_empty_strings() -> None:
    english = _english()
    assert isinstance(english, dict)
    bad = [key for key, value in english.items() if not isinstance(value, str) or not value.strip()]
    assert not bad, f"empty or non-text English values: {bad}"


def test_english_values_contain_no_chinese() -> None:
    leftover = {key: value for key, value in _english().items() if CJK.search(value) and key not in CJK_ALLOWED}
    report = "\n".join(
        f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" for k, v in leftover.items()
    )
    assert not leftover, f"English values with Chinese characters or punctuation:\n{report}"


def test_allowed_chinese_is_still_used() -> None:
    stale = sorted(set(CJK_ALLOWED) - set(_english()))
    assert not stale, f"CJK_ALLOWED names keys en.json no longer has: {stale}"


def test_placeholders_survive_translation() -> None:
    wrong = {}
    for key, value in _english().items():
        try:
            if _placeholders(key) != _placeholders(value):
                wrong[key] = (sorted(_placeholders(key)), sorted(_placeholders(value)))
        except ValueError as exc:  # unbalanced braces: str.format would raise at run time
            wrong[key] = str(exc)
    assert not wrong, f"placeholders differ between key and English value: {wrong}"
