"""Merging one row: the local version and an incoming one become one result, the same in any order.

* Mutable fields take the version with the later stamp, field by field; equal clocks are decided
  by device id (:func:`hazdesk.sync.fieldstamps.key`). That is a join (commutative, associative,
  idempotent), hence any order of bundles, with repeats, ends in the same state.
* Every version that loses is returned as a :class:`Conflict` with both values; the importer keeps
  them all and :func:`still_open` decides which a person must review: not an edit made on top of
  the other (the winner's ``base`` is the loser's stamp) nor one its own device replaced later —
  the author saw the value it replaced.
* Evidence never changes: answers, re-inspections, attachments and audit events are immutable;
  an inspection once completed and a document once issued are frozen (a frozen version beats any
  draft, whatever the clocks say; a draft-era edit it overrides is kept as a conflict). A different
  content under a known id raises :class:`ImmutableChanged`: the bundle is refused.
* ``deleted`` is a tombstone: once true it stays true, so an old bundle cannot bring a row back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hazdesk.sync.fieldstamps import Stamp, key

IMMUTABLE = frozenset({"inspection_answer", "reinspection", "attachment", "audit_event"})
# table → (is this version frozen?, fields that may still change once frozen)
FROZEN: dict[str, tuple[Callable[[dict[str, Any]], bool], frozenset[str]]] = {
    "inspection": (lambda v: v["state"] == "completed", frozenset()),
    "document": (lambda v: v["state"] in ("issued", "voided"), frozenset({"state", "void_reason"})),
}
_DOCUMENT_STATE_RANK = {"draft": 0, "issued": 1, "voided": 2}


class ImmutableChanged(Exception):
    def __init__(self, fields: list[str], reason: str = "") -> None:
        super().__init__(", ".join(fields))
        self.fields = fields
        self.reason = reason


@dataclass
class Version:
    values: dict[str, Any]  # every column, Python values
    stamps: dict[str, Stamp]  # every data field (not id/origin/hlc/deleted)


@dataclass
class Conflict:
    field: str
    winner_value: Any
    winner_stamp: Stamp
    loser_value: Any
    loser_stamp: Stamp


@dataclass
class Outcome:
    values: dict[str, Any]
    stamps: dict[str, Stamp]
    conflicts: list[Conflict] = field(default_factory=list)


def _lost(name: str, winner: Version, loser: Version) -> Conflict | None:
    """The losing version of a field, whenever the two versions are different edits."""
    w, s = winner.stamps[name], loser.stamps[name]
    if key(w) == key(s):
        return None
    return Conflict(name, winner.values[name], w, loser.values[name], s)


def still_open(loser: Stamp, loser_value: Any, current: Stamp, current_value: Any, others: list[Stamp]) -> bool:
    """Is a losing version a conflict a person must see?

    Not when nothing was lost (same value as now), nor when it was superseded: its own device
    edited the field again later, or some edit was made on top of it (its ``base``). Decided over
    every version this database has seen of the field, so the answer does not depend on the order
    in which they arrived.
    """
    if loser_value == current_value:
        return False
    for other in (current, *others):
        if key(other) == key(loser):
            continue
        if (other[1] == loser[1] and other[0] > loser[0]) or other[2] == loser[0]:
            return False
    return True


Merged = tuple[dict[str, Any], dict[str, Stamp], list[Conflict]]


def _whole(fields: list[str], winner: Version, loser: Version) -> Merged:
    conflicts = [c for name in fields if (c := _lost(name, winner, loser)) is not None]
    return dict(winner.values), dict(winner.stamps), conflicts


def _field_by_field(
    fields: list[str], local: Version, incoming: Version
) -> tuple[dict[str, Any], dict[str, Stamp], list[Conflict]]:
    values = dict(local.values)
    stamps = dict(local.stamps)
    conflicts: list[Conflict] = []
    for name in fields:
        mine, theirs = local.stamps[name], incoming.stamps[name]
        if key(theirs) > key(mine):
            values[name], stamps[name] = incoming.values[name], theirs
            conflict = _lost(name, incoming, local)
        elif key(theirs) < key(mine):
            conflict = _lost(name, local, incoming)
        elif local.values[name] != incoming.values[name]:
            # Same clock and device but different values: only a forged or hand-edited row does
            # this. Pick deterministically so every order agrees.
            values[name] = max(local.values[name], incoming.values[name], key=repr)
            conflict = None
        else:
            conflict = None
        if conflict is not None:
            conflicts.append(conflict)
    return values, stamps, conflicts


def _differing(fields: list[str], a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return [name for name in fields if a[name] != b[name]]


def merge(table: str, fields: list[str], local: Version, incoming: Version) -> Outcome:
    """The merged row. ``fields`` are the data columns (everything but id/origin/hlc/deleted)."""
    lv, iv = local.values, incoming.values
    deleted = bool(lv["deleted"] or iv["deleted"])
    if table in IMMUTABLE:
        changed = _differing([*fields, "origin_device_id"], lv, iv)
        if changed:
            raise ImmutableChanged(changed)
        values = dict(lv)
        values["deleted"], values["hlc"] = deleted, max(lv["hlc"], iv["hlc"])
        return Outcome(values, dict(local.stamps))

    frozen_rule = FROZEN.get(table)
    local_frozen = frozen_rule is not None and frozen_rule[0](lv)
    incoming_frozen = frozen_rule is not None and frozen_rule[0](iv)
    if local_frozen and incoming_frozen:
        assert frozen_rule is not None
        may_change = frozen_rule[1]
        changed = _differing([f for f in [*fields, "origin_device_id"] if f not in may_change], lv, iv)
        if changed:
            raise ImmutableChanged(changed)
        values, stamps, conflicts = _frozen_pair(table, fields, local, incoming)
    elif local_frozen:
        values, stamps, conflicts = _whole(fields, local, incoming)
    elif incoming_frozen:
        values, stamps, conflicts = _whole(fields, incoming, local)
    else:
        values, stamps, conflicts = _field_by_field(fields, local, incoming)

    if (
        table == "document"
        and deleted
        and values["state"] in ("issued", "voided")
        and not (lv["deleted"] and iv["deleted"])
    ):
        raise ImmutableChanged(["deleted"], "已签发的文书不能删除，只能作废")
    values["id"] = lv["id"]
    values["deleted"] = deleted
    values["hlc"] = max(lv["hlc"], iv["hlc"])
    # Rows made under a derived id (checklists, bureau settings) exist on every device: the smallest
    # origin is a choice every order of merging agrees on.
    values["origin_device_id"] = min(lv["origin_device_id"], iv["origin_device_id"])
    return Outcome(values, stamps, conflicts)


def _frozen_pair(
    table: str, fields: list[str], local: Version, incoming: Version
) -> tuple[dict[str, Any], dict[str, Stamp], list[Conflict]]:
    """Two frozen versions with equal content: only voiding (documents) can differ."""
    if table != "document":
        return _field_by_field(fields, local, incoming)
    lv, iv = local.values, incoming.values
    rank_l, rank_i = _DOCUMENT_STATE_RANK[lv["state"]], _DOCUMENT_STATE_RANK[iv["state"]]
    if rank_l != rank_i:
        # Voiding is one-way: the voided version wins with its reason, whatever the clocks say.
        winner, loser = (local, incoming) if rank_l > rank_i else (incoming, local)
        values, stamps = dict(lv), dict(local.stamps)
        for name in ("state", "void_reason"):
            values[name], stamps[name] = winner.values[name], winner.stamps[name]
        conflicts = [c for name in ("state", "void_reason") if (c := _lost(name, winner, loser)) is not None]
        return values, stamps, conflicts
    return _field_by_field(fields, local, incoming)
