"""Draw the integration's brand images: custom_components/intecular/brand/*.png.

Home Assistant (2026.3 and later) shows a custom integration's icon and logo from its
``brand/`` folder: on the integration's card, its update entity and elsewhere. The
artwork is our own: an outlet set into a wall plate, with the faceplate's light ring;
not the maker's logo. Run from the repository root to regenerate (Pillow, which .venv
has as a Home Assistant dependency)::

    .venv/bin/python scripts/make-brand.py

Images: icon.png 256x256 and icon@2x.png 512x512 (square), logo.png 512x256 and
logo@2x.png 1024x512 (a two-outlet plate, landscape), and ``dark_`` variants of each
for dark themes, where the plate's edge is drawn lighter. Transparent backgrounds.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = Path(__file__).resolve().parent.parent / "custom_components" / "intecular" / "brand"
SUPERSAMPLE = 4  # drawn larger, then scaled down: smooth edges without anti-aliasing tricks

PLATE = (246, 247, 249, 255)
SOCKET = (226, 229, 234, 255)
HOLE = (46, 52, 64, 255)
RING = (0, 168, 170, 255)  # the faceplate's light ring
EDGE = {"light": (58, 66, 80, 255), "dark": (196, 204, 216, 255)}


def _outlet(
    draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, edge: tuple[int, ...]
) -> None:
    """One receptacle of radius ``r`` centred at (cx, cy): light ring, face, slots, ground."""
    ring = r * 1.16
    draw.ellipse((cx - ring, cy - ring, cx + ring, cy + ring), fill=RING)
    draw.ellipse(
        (cx - r, cy - r, cx + r, cy + r), fill=SOCKET, outline=edge, width=max(1, round(r * 0.06))
    )
    slot_w, slot_h, gap = r * 0.16, r * 0.56, r * 0.34
    top = cy - r * 0.5
    for sx in (cx - gap - slot_w / 2, cx + gap - slot_w / 2):
        draw.rounded_rectangle((sx, top, sx + slot_w, top + slot_h), radius=slot_w / 2, fill=HOLE)
    g = r * 0.15
    gy = cy + r * 0.45
    draw.pieslice((cx - g, gy - g, cx + g, gy + g), 180, 360, fill=HOLE)
    draw.rectangle((cx - g, gy, cx + g, gy + g * 0.9), fill=HOLE)


def draw(width: int, height: int, outlets: int, theme: str) -> Image.Image:
    """A wall plate with ``outlets`` receptacles side by side, ``width`` x ``height`` px."""
    w, h = width * SUPERSAMPLE, height * SUPERSAMPLE
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    edge = EDGE[theme]
    margin = min(w, h) * 0.06
    line = min(w, h) * 0.035
    canvas.rounded_rectangle(
        (margin, margin, w - margin, h - margin),
        radius=min(w, h) * 0.18,
        fill=PLATE,
        outline=edge,
        width=round(line),
    )
    if outlets == 1:  # the screws that hold a single plate to the wall box
        screw = min(w, h) * 0.035
        for sy in (margin + line + screw * 1.6, h - margin - line - screw * 1.6):
            canvas.ellipse((w / 2 - screw, sy - screw, w / 2 + screw, sy + screw), fill=edge)
    r = min(w / outlets, h) * 0.24
    for i in range(outlets):
        _outlet(canvas, w * (2 * i + 1) / (2 * outlets), h / 2, r, edge)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def main() -> None:
    """Write every image into the brand folder."""
    BRAND.mkdir(parents=True, exist_ok=True)
    sizes = {"icon": (256, 256, 1), "logo": (512, 256, 2)}
    for name, (width, height, outlets) in sizes.items():
        for scale, suffix in ((1, ""), (2, "@2x")):
            for theme, prefix in (("light", ""), ("dark", "dark_")):
                image = draw(width * scale, height * scale, outlets, theme)
                path = BRAND / f"{prefix}{name}{suffix}.png"
                image.save(path, optimize=True)
                print(f"{path.relative_to(BRAND.parents[2])}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
