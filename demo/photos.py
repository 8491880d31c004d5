"""The demo's item photos: a soft, studio-like picture of a shape, drawn with
Pillow (no network, no files in the repository), with its thumbnail
halved from it (``Image.reduce``, a few times cheaper than a blur or a
resampling: the demo draws sixty of them, in every test that loads it)."""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

SIZE = 800
PAPER = (240, 235, 228)


def _background(draw) -> None:
    for y in range(SIZE):
        shade = int(12 * y / SIZE)
        draw.line([(0, y), (SIZE, y)], fill=(246 - shade, 241 - shade, 234 - shade))
    draw.ellipse([150, 640, 650, 720], fill=(222, 214, 204))


def _vessel(draw, shape, colour, base) -> None:
    if shape in {"bowl", "plate"}:
        top = 300 if shape == "bowl" else 430
        draw.chord([160, top - 140, 640, 660], 0, 180, fill=colour)
        draw.ellipse([160, top - 40, 640, top + 60], fill=base)
    elif shape == "teapot":
        draw.polygon([(250, 470), (120, 330), (150, 320), (290, 430)], fill=colour)
        draw.ellipse([470, 360, 620, 560], outline=colour, width=30)
        draw.ellipse([220, 300, 580, 670], fill=colour)
        draw.ellipse([330, 250, 470, 320], fill=base)
    else:  # mug, vase
        width = 150 if shape == "mug" else 120
        top = 330 if shape == "mug" else 140
        draw.rounded_rectangle(
            [400 - width, top, 400 + width, 670], radius=40, fill=colour
        )
        if shape == "mug":
            draw.ellipse([530, 420, 640, 580], outline=colour, width=28)
        draw.ellipse([400 - width, top - 30, 400 + width, top + 30], fill=base)


def _jewel(draw, shape, colour) -> None:
    if shape == "necklace":
        draw.arc([180, 120, 620, 560], 20, 160, fill=colour, width=10)
        draw.ellipse([350, 500, 450, 600], fill=colour)
    elif shape == "bracelet":
        draw.ellipse([200, 260, 600, 580], outline=colour, width=44)
    else:  # ring, earrings
        for cx in [400] if shape == "ring" else [300, 500]:
            radius = 150 if shape == "ring" else 70
            draw.ellipse(
                [cx - radius, 400 - radius, cx + radius, 400 + radius], fill=colour
            )
            if shape == "ring":
                inner = radius - 32
                draw.ellipse(
                    [cx - inner, 400 - inner, cx + inner, 400 + inner], fill=PAPER
                )


def _flat(draw, shape, colour, base, rnd) -> None:
    if shape == "spoon":
        draw.ellipse([300, 160, 500, 400], fill=colour)
        draw.rounded_rectangle([380, 380, 420, 680], radius=18, fill=colour)
    elif shape == "board":
        draw.rounded_rectangle([200, 220, 600, 660], radius=60, fill=colour)
        draw.ellipse([370, 160, 430, 220], outline=colour, width=16)
    elif shape in {"notebook", "card"}:
        box = [230, 170, 570, 660] if shape == "notebook" else [180, 240, 620, 560]
        draw.rectangle(box, fill=colour)
        draw.rectangle([box[0] + 30, box[1] + 40, box[2] - 30, box[1] + 70], fill=base)
        if shape == "notebook":
            draw.line(
                [(box[0] + 18, box[1]), (box[0] + 18, box[3])], fill=base, width=8
            )
    else:  # textiles: a woven panel
        draw.rounded_rectangle([170, 200, 630, 660], radius=18, fill=colour)
        for x in range(190, 630, 22):
            draw.line([(x, 200), (x + rnd.randint(-6, 6), 660)], fill=base, width=6)


def _jpeg(image, name) -> ContentFile:
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    return ContentFile(output.getvalue(), name=name)


def demo_photo(*, colour, shape, seed) -> tuple[ContentFile, ContentFile]:
    """The photo (800 px) and its thumbnail (400 px)."""
    rnd = random.Random(seed)  # noqa: S311 - decoration only
    base = tuple(min(255, c + 40) for c in colour)
    image = Image.new("RGB", (SIZE, SIZE), (246, 241, 234))
    draw = ImageDraw.Draw(image)
    _background(draw)
    if shape in {"bowl", "plate", "mug", "vase", "teapot"}:
        _vessel(draw, shape, colour, base)
    elif shape in {"ring", "earrings", "necklace", "bracelet"}:
        _jewel(draw, shape, colour)
    else:
        _flat(draw, shape, colour, base, rnd)
    name = f"demo-{shape}-{seed}"
    return _jpeg(image, f"{name}.jpg"), _jpeg(image.reduce(2), f"{name}-thumb.jpg")
