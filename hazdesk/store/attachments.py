"""Photo files, content-addressed: ``<data root>/attachments/ab/abcdef…`` named by their SHA-256.

A stored file is never overwritten (the same bytes always land at the same name), so an attachment
arriving later in a sync bundle cannot replace evidence already kept. Photos are downscaled on intake:
a 12-megapixel phone picture becomes a few hundred kilobytes, which keeps bundles small enough for
a USB stick or a mail attachment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from hazdesk.errors import ValidationError

MAX_EDGE = 2048  # pixels on the long edge after intake
JPEG_QUALITY = 85
MAX_INPUT_BYTES = 60 * 1024 * 1024  # larger files are not photos a laptop camera or phone produces
Image.MAX_IMAGE_PIXELS = 80_000_000  # refuse decompression bombs early (Pillow raises above 2× this)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    mime_type: str
    taken_at: dt.datetime | None
    width: int
    height: int


def attachment_path(data_root: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return data_root / "attachments" / sha256[:2] / sha256


def store_bytes(data_root: Path, content: bytes) -> tuple[str, Path]:
    """Write ``content`` under its hash (temp file + rename, so a crash never leaves half a photo)."""
    digest = hashlib.sha256(content).hexdigest()
    target = attachment_path(data_root, digest)
    if target.exists():
        return digest, target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return digest, target


def intake_photo(data_root: Path, source: Path) -> StoredFile:
    """Read a photo, turn it upright, downscale it and store it as JPEG. Bad files are refused by name."""
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise ValidationError(f"无法读取照片 {source}：{exc.strerror}", field="photo") from exc
    if size > MAX_INPUT_BYTES:
        raise ValidationError(
            f"照片 {source.name} 太大（{size // (1024 * 1024)} MB），不是可用的照片文件", field="photo"
        )
    try:
        with Image.open(source) as original:
            taken_at = _exif_time(original)
            image = ImageOps.exif_transpose(original)
            image.thumbnail((MAX_EDGE, MAX_EDGE))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise ValidationError(f"{source.name} 的像素过多（超过 8000 万），不能作为照片保存", field="photo") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(
            f"{source.name} 不是可识别的图片文件（支持 JPEG、PNG、BMP、GIF、TIFF、WebP），或文件已损坏", field="photo"
        ) from exc
    content = buffer.getvalue()
    digest, _ = store_bytes(data_root, content)
    return StoredFile(digest, len(content), "image/jpeg", taken_at, width, height)


def _exif_time(image: Image.Image) -> dt.datetime | None:
    exif = image.getexif()
    raw = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)  # DateTimeOriginal, else DateTime
    if not isinstance(raw, str):
        return None
    try:
        return dt.datetime.strptime(raw.strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
