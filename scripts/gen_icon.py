"""Draw the extension's icon, extension/icon.png (128x128, what the Marketplace shows; vsce takes PNG only):
a loss curve that falls and flattens, on a dark rounded square. Run with the project's Python (Pillow):

    .venv/bin/python scripts/gen_icon.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "extension" / "icon.png"
SIZE, SCALE = 128, 4  # drawn 4x larger, then downsampled: smooth edges


def main() -> None:
    s = SIZE * SCALE
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, s - 1, s - 1), radius=24 * SCALE, fill=(30, 41, 59, 255))
    # axes
    x0, y0, x1, y1 = 22 * SCALE, 20 * SCALE, 108 * SCALE, 104 * SCALE
    d.line([(x0, y0), (x0, y1), (x1, y1)], fill=(148, 163, 184, 255), width=5 * SCALE, joint="curve")
    # a loss that learns: exp decay, in orange
    pts = [(x0 + 8 * SCALE + t * (x1 - x0 - 12 * SCALE), y0 + 6 * SCALE + (y1 - y0 - 18 * SCALE) * (1 - math.exp(-4.5 * t)))
           for t in (i / 60 for i in range(61))]
    r = 4.5 * SCALE  # a round pen: a disc at every point of the curve
    for i, (ax, ay) in enumerate(pts[:-1]):
        bx, by = pts[i + 1]
        for k in range(8):
            x, y = ax + (bx - ax) * k / 8, ay + (by - ay) * k / 8
            d.ellipse((x - r, y - r, x + r, y + r), fill=(251, 146, 60, 255))
    img.resize((SIZE, SIZE), Image.LANCZOS).save(OUT, optimize=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
