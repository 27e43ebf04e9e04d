#!/usr/bin/env python3
"""shrink_png.py IN.png OUT.png [COLOURS]: a Chromium screenshot (8-bit RGB
or RGBA) as a palette PNG of its COLOURS (default 128) most frequent colours,
every other colour mapped to the nearest of them. Pages are flat colours and
anti-aliased text, so this keeps them legible at a third of the size (for
screenshot.png; Debian's ImageMagick would do, but is not a dependency).
Standard library only; about 15 s for 1200x2330.
"""
import collections
import struct
import sys
import zlib


def read_rgb_rows(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IDAT":
            idat += body
        elif kind == b"IHDR":
            header = body
    width, height, depth, colour_type, _, _, interlace = struct.unpack(
        ">IIBBBBB", header)
    if depth != 8 or colour_type not in (2, 6) or interlace:
        sys.exit(f"{path}: want 8-bit RGB or RGBA, not interlaced")
    bpp = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for x in range(stride):  # undo the row's filter (PNG spec, 9.2)
            a = line[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else
                                      b if pb <= pc else c)) & 255
        rows.append([bytes(line[x:x + 3]) for x in range(0, stride, bpp)])
        previous = line
    return width, height, rows


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    width, height, rows = read_rgb_rows(sys.argv[1])
    colours = int(sys.argv[3]) if len(sys.argv) == 4 else 128
    counts = collections.Counter(p for row in rows for p in row)
    palette = [c for c, _ in counts.most_common(colours)]
    index = {c: n for n, c in enumerate(palette)}

    def nearest(colour):
        index[colour] = min(range(len(palette)), key=lambda n: sum(
            (palette[n][k] - colour[k]) ** 2 for k in range(3)))
        return index[colour]

    pixels = bytearray()
    for row in rows:
        pixels.append(0)  # no filter: palette indices compress well as is
        pixels.extend(index[p] if p in index else nearest(p) for p in row)

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    with open(sys.argv[2], "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" +
                  chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3,
                                             0, 0, 0)) +
                  chunk(b"PLTE", b"".join(palette)) +
                  chunk(b"IDAT", zlib.compress(bytes(pixels), 9)) +
                  chunk(b"IEND", b""))


if __name__ == "__main__":
    main()
