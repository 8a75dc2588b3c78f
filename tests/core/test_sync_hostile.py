"""Hostile and damaged bundles: each is refused with a message naming the problem, and the database
is exactly as before (a full dump of every table compared, except the log of refusals, which must
have gained that one refusal)."""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from hazdesk.store.models import Reinspection, SyncBundle, SyncRejection
from hazdesk.sync import members
from hazdesk.sync.records import specs
from tests.core.test_sync_support import (
    Site,
    district_site,
    dump,
    empty_site,
    enroll,
    forge,
    inner_stream,
    manifest_for,
    raw_member,
    records_lines,
    send,
    take_one,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("hostile")
    district = district_site(tmp, "jiangning", "320115")
    office = empty_site(tmp, "office", role="office")
    enroll(office, district)
    good = send(district, tmp / "good", to=office)
    first = take_one(office, good.paths)
    assert first.status == "applied", first.message
    yield tmp, district, office, good
    district.close()
    office.close()


def refused(office: Site, paths: list[Path], code: str, *words: str) -> str:
    before = dump(office.db, exclude=("sync_rejection",))
    with office.db.session() as session:
        count = session.query(SyncRejection).count()
    result = take_one(office, paths)
    assert result.status == "rejected", result.message
    assert result.code == code, (result.code, result.message)
    for word in words:
        assert word in result.message, result.message
    assert dump(office.db, exclude=("sync_rejection",)) == before
    with office.db.session() as session:
        rows = session.scalars(select(SyncRejection).order_by(SyncRejection.id)).all()
    assert len(rows) == count + 1 and rows[-1].code == code and rows[-1].reason == result.message
    return result.message


def _copy(paths: list[Path], target: Path, change: Callable[[bytearray], None]) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for path in paths:
        data = bytearray(path.read_bytes())
        change(data)
        copy = target / path.name
        copy.write_bytes(bytes(data))
        out.append(copy)
    return out


def _fresh_bundle(world, name: str) -> list[Path]:
    """A new valid bundle of the district (not imported), to damage."""
    tmp, district, office, _ = world
    return send(district, tmp / name, to=office, full=True).paths


# --- damaged files -------------------------------------------------------------------------------
@pytest.mark.parametrize("keep", [0.0, 0.01, 0.5, 0.99])
def test_truncated_file(world, keep: float) -> None:
    tmp, _, office, _ = world
    paths = _fresh_bundle(world, f"trunc-src-{keep}")
    cut = _copy(paths, tmp / f"trunc-{keep}", lambda d: d.__delitem__(slice(max(int(len(d) * keep), 3), None)))
    message = refused(office, cut, "not_bundle" if keep == 0.0 else "truncated")
    assert cut[0].name in message


@pytest.mark.parametrize("where", ["header", "body-start", "body-middle", "body-end", "trailer", "signature"])
def test_one_flipped_byte(world, where: str) -> None:
    tmp, _, office, _ = world
    from hazdesk.sync.container import read_part

    paths = _fresh_bundle(world, f"flip-src-{where}")
    size = paths[0].stat().st_size
    start = read_part(paths[0]).body_offset
    position = {
        "header": 40,
        "body-start": start + 3,
        "body-middle": size // 2,
        "body-end": size - 400,
        "trailer": size - 90,
        "signature": size - 30,
    }[where]

    def flip(data: bytearray) -> None:
        data[position] ^= 0x01

    damaged = _copy(paths, tmp / f"flip-{where}", flip)
    result_codes = {"header": "signature", "trailer": "signature", "signature": "signature"}
    refused(office, damaged, result_codes.get(where, "hash"))


def test_wrong_signature(world) -> None:
    tmp, district, office, _ = world
    impostor = empty_site(tmp, "impostor")
    try:
        inner = inner_stream(manifest_for(district, uuid.uuid4(), []), [])
        # Claims to be the enrolled district (its key in the header) but is signed by another key.
        paths = forge(district, tmp / "wrong-sig", inner, signing=impostor.keys)
        refused(office, paths, "signature", "签名无效")
    finally:
        impostor.close()


def test_a_known_device_signing_with_another_key(world) -> None:
    tmp, district, office, _ = world
    impostor = empty_site(tmp, "impostor2")
    try:
        import base64

        header = {
            "signer": {
                "device_id": str(district.db.device_id),
                "public_key": base64.b64encode(impostor.keys.signing_public).decode(),
                "fingerprint": impostor.keys.fingerprint,
            }
        }
        bundle = uuid.uuid4()
        inner = inner_stream(manifest_for(district, bundle, []), [])
        paths = forge(district, tmp / "other-key", inner, bundle_id=bundle, header=header, signing=impostor.keys)
        refused(office, paths, "signature", "登记的密钥不符")
    finally:
        impostor.close()


def test_unknown_signer_is_quarantined_and_applied_after_enrolment(world) -> None:
    from hazdesk.sync.peers import trust
    from hazdesk.sync.quarantine import release

    tmp, _, office, _ = world
    stranger = district_site(tmp, "gaochun", "320118", seed=1)
    try:
        result = send(stranger, tmp / "stranger", to=office)
        data_before = dump(office.db, exclude=("sync_bundle", "sync_rejection"))
        outcome = take_one(office, result.paths)
        assert outcome.status == "quarantined" and "未登记" in outcome.message
        assert dump(office.db, exclude=("sync_bundle", "sync_rejection")) == data_before
        with office.db.session() as session:
            assert session.get(SyncBundle, result.bundle_id).status == "quarantined"
        assert take_one(office, result.paths).status == "quarantined"  # still not applied
        trust(office.db, stranger.identity)
        released = release(office.db, office.root)
        assert [r.status for r in released] == ["applied"], [r.message for r in released]
        with office.db.session() as session:
            assert session.get(SyncBundle, result.bundle_id).status == "applied"
        assert take_one(office, result.paths).status == "already"
    finally:
        stranger.close()


def test_replayed_bundle_changes_nothing(world) -> None:
    _, _, office, good = world
    before = dump(office.db)
    result = take_one(office, good.paths)
    assert result.status == "already" and str(good.bundle_id) in result.message
    assert dump(office.db) == before


def test_replayed_bundle_id_with_other_content_is_refused(world) -> None:
    tmp, district, office, good = world
    inner = inner_stream(manifest_for(district, good.bundle_id, []), [])
    paths = forge(district, tmp / "replay-other", inner, bundle_id=good.bundle_id)
    refused(office, paths, "replay", "内容不同")


# --- malicious contents -------------------------------------------------------------------------
def _bundle_with(
    world, name: str, member_bytes: list[bytes], listed: list[tuple[str, bytes]], **manifest
) -> list[Path]:
    tmp, district, _, _ = world
    bundle = uuid.uuid4()
    inner = inner_stream(manifest_for(district, bundle, listed, **manifest), member_bytes)
    return forge(district, tmp / name, inner, bundle_id=bundle)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "records/../../x.jsonl", "C:/x", "files\\x"])
def test_member_names_that_escape(world, name: str) -> None:
    _, _, office, _ = world
    data = b"x"
    paths = _bundle_with(world, "escape", [raw_member(name, data)], [(name, data)])
    refused(office, paths, "member_name", "成员名")


def test_member_name_only_in_the_member_frame(world) -> None:
    _, _, office, _ = world
    data = records_lines("inspector", [])
    name = "records/inspector.jsonl"
    paths = _bundle_with(world, "escape-frame", [raw_member("../inspector.jsonl", data)], [(name, data)])
    refused(office, paths, "member_name")


def test_decompression_bomb(world) -> None:
    _, _, office, _ = world
    bomb = bytes(200 * 1024**2)  # 200 MiB of zeros, ~200 KiB compressed
    name = "records/inspector.jsonl"
    member = raw_member(name, bomb, declared=1000)
    paths = _bundle_with(world, "bomb", [member], [(name, bomb[:1000])])
    refused(office, paths, "bomb", "压缩炸弹")


def test_decompression_bomb_declared_honestly(world) -> None:
    _, _, office, _ = world
    bomb = bytes(300 * 1024**2)
    name = "records/inspector.jsonl"
    paths = _bundle_with(world, "bomb2", [raw_member(name, bomb)], [(name, bomb)])
    refused(office, paths, "bomb", "压缩比异常")


def test_oversized_member(world) -> None:
    _, _, office, _ = world
    name = "files/" + "ab" * 32
    data = b"jpeg"
    member = raw_member(name, data, compress=False)
    meta = {"name": name, "codec": "none", "size": 300 * 1024**2, "stored": 300 * 1024**2}
    raw = json.dumps(meta).encode()
    fake = len(raw).to_bytes(4, "big") + raw + data
    listed = [(name, data)]
    paths = _bundle_with(world, "oversize-manifest", [member], listed)
    refused(office, paths, "manifest")  # the listed hash is not the name: refused before reading
    tmp, district, _, _ = world
    bundle = uuid.uuid4()
    manifest = manifest_for(district, bundle, [])
    manifest["members"] = [{"name": name, "size": 300 * 1024**2, "sha256": "ab" * 32}]
    paths = forge(district, tmp / "oversize", inner_stream(manifest, [fake]), bundle_id=bundle)
    refused(office, paths, "oversize", "超过上限")


def test_unknown_format_version(world) -> None:
    tmp, district, office, _ = world
    inner = inner_stream(manifest_for(district, uuid.uuid4(), []), [])
    paths = forge(district, tmp / "v2", inner, header={"version": 2})
    refused(office, paths, "version", "格式版本 2")
    bundle = uuid.uuid4()
    inner = inner_stream(manifest_for(district, bundle, [], version=2), [])
    paths = forge(district, tmp / "v2m", inner, bundle_id=bundle)
    refused(office, paths, "version")
    bundle = uuid.uuid4()
    inner = inner_stream(manifest_for(district, bundle, [], schema_revision="9999_future"), [])
    paths = forge(district, tmp / "rev", inner, bundle_id=bundle)
    refused(office, paths, "version", "更新版本")


def _a_row(office: Site, table: str) -> dict:
    from tests.core.test_sync_support import content

    rows = content(office.db, [table])[table]
    row = dict(next(iter(rows.values())))
    spec = specs()[table]
    return {c.name: _encode(c.kind, row[c.name]) for c in spec.columns}


def _encode(kind: str, value):
    from hazdesk.sync.records import encode_value

    return encode_value(kind, value)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("severity", "critical", ["severity", "不在允许范围"]),
        ("deadline", "2026-13-01", ["deadline", "日期"]),
        ("hlc", "soon", ["hlc", "整数"]),
        ("description", 42, ["description", "文本"]),
        ("description", None, ["description", "不能为空"]),
        ("district_code", "3" * 13, ["district_code", "超过上限"]),
        ("enterprise_id", "not-a-uuid", ["enterprise_id", "UUID"]),
    ],
)
def test_records_with_wrong_types(world, field: str, value, words: list[str]) -> None:
    _, _, office, _ = world
    row = _a_row(office, "finding")
    row["id"] = uuid.uuid4().hex
    row[field] = value
    data = records_lines("finding", [row])
    name = "records/finding.jsonl"
    paths = _bundle_with(world, f"types-{field}", [raw_member(name, data)], [(name, data)])
    refused(office, paths, "record", *words)


def test_dangling_reference(world) -> None:
    _, _, office, _ = world
    row = _a_row(office, "finding")
    row["id"] = uuid.uuid4().hex
    row["enterprise_id"] = uuid.uuid4().hex
    data = records_lines("finding", [row])
    name = "records/finding.jsonl"
    paths = _bundle_with(world, "dangling", [raw_member(name, data)], [(name, data)])
    refused(office, paths, "reference", "既不在数据包中也不在数据库中")


def test_a_known_evidence_id_with_different_content(world) -> None:
    _, _, office, _ = world
    with office.db.session() as session:
        known = session.scalars(select(Reinspection).limit(1)).one()
    row = _a_row(office, "reinspection")
    row.update({c.name: _encode(c.kind, getattr(known, c.name)) for c in specs()["reinspection"].columns})
    row["note"] = "复查合格（改）"
    row["hlc"] = row["hlc"] + 1000
    data = records_lines("reinspection", [row])
    name = "records/reinspection.jsonl"
    paths = _bundle_with(world, "immutable", [raw_member(name, data)], [(name, data)])
    message = refused(office, paths, "immutable", "note", "不能修改")
    assert str(known.id) in message


def test_a_hash_that_does_not_match_the_manifest(world) -> None:
    _, _, office, _ = world
    data = records_lines("inspector", [])
    name = "records/inspector.jsonl"
    paths = _bundle_with(world, "member-hash", [raw_member(name, data)], [(name, data + b" ")])
    refused(office, paths, "manifest")  # size differs from the manifest: refused before reading


def test_members_out_of_reference_order(world) -> None:
    _, _, office, _ = world
    a, b = records_lines("finding", []), records_lines("enterprise", [])
    listed = [("records/finding.jsonl", a), ("records/enterprise.jsonl", b)]
    paths = _bundle_with(world, "order", [raw_member(n, d) for n, d in listed], listed)
    refused(office, paths, "manifest", "顺序")


def test_garbage_that_is_not_a_bundle(world) -> None:
    tmp, _, office, _ = world
    path = tmp / "holiday.jpg.hzb"
    path.write_bytes(zlib.compress(b"not a bundle" * 100))
    refused(office, [path], "not_bundle", "不是 hazdesk 数据包")


def test_member_constants_are_sane() -> None:
    assert members.MAX_RATIO < 1000 < members.MAX_FILE_MEMBER


def test_a_unique_constraint_violation_is_refused_cleanly(world) -> None:
    _, _, office, _ = world
    row = _a_row(office, "checklist_template")
    row["id"] = uuid.uuid4().hex  # same code and version as a known template, another id
    data = records_lines("checklist_template", [row])
    name = "records/checklist_template.jsonl"
    paths = _bundle_with(world, "unique", [raw_member(name, data)], [(name, data)])
    refused(office, paths, "constraint", "违反数据库约束")


@pytest.mark.parametrize("stamps", ["x", {"*": [0, "0" * 32, 0]}, {"bogus": [5, "0" * 32, 0]}, {"*": [5, "A" * 32, 0]}])
def test_malformed_field_stamps_in_an_otherwise_well_formed_chunk(world, stamps) -> None:
    _, _, office, _ = world
    row = _a_row(office, "finding")
    row["id"] = uuid.uuid4().hex
    row["_fc"] = stamps
    data = records_lines("finding", [row])
    name = "records/finding.jsonl"
    paths = _bundle_with(world, f"stamps-{uuid.uuid4().hex[:6]}", [raw_member(name, data)], [(name, data)])
    refused(office, paths, "record", "_fc")


@pytest.mark.parametrize("framing", ["two records on one line", "one record over two lines"])
def test_a_record_per_line(world, framing: str) -> None:
    _, _, office, _ = world
    rows = []
    for _ in range(2):
        row = _a_row(office, "finding")
        row["id"] = uuid.uuid4().hex
        rows.append(row)
    header, first, second = records_lines("finding", rows).rstrip(b"\n").split(b"\n")
    if framing == "two records on one line":
        body = first + b"," + second
    else:
        cut = first.index(b",") + 1
        body = first[:cut] + b"\n" + first[cut:] + b"\n" + second
    data = header + b"\n" + body + b"\n"
    name = "records/finding.jsonl"
    paths = _bundle_with(world, f"framing-{uuid.uuid4().hex[:6]}", [raw_member(name, data)], [(name, data)])
    refused(office, paths, "record", "第 2 行")
