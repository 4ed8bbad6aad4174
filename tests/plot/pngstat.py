#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# What a screenshot shows, for tests/plot/render-check.sh: reads a PNG
# (8-bit grey, RGB or RGBA, not interlaced: what Chromium writes) with the
# standard library only and prints one line:
#   width=W height=H colours=N ink=F RRGGBB=N ...
# colours: distinct colours; ink: the share of pixels that are not white;
# then, for each colour asked for, the pixels within 6 of it per channel.
#   python3 tests/plot/pngstat.py shot.png 0072b2 e69f00
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def unfilter(data, height, stride, bpp):
    rows, prior = [], bytearray(stride)
    for y in range(height):
        at = y * (stride + 1)
        kind, row = data[at], bytearray(data[at + 1:at + 1 + stride])
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up = prior[i]
            corner = prior[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + ((left + up) >> 1)) & 255
            elif kind == 4:
                row[i] = (row[i] + paeth(left, up, corner)) & 255
        rows.append(row)
        prior = row
    return rows


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s: not a PNG" % path)
    at, idat = 8, []
    while at < len(data):
        size, name = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + size]
        at += size + 12
        if name == b"IHDR":
            width, height, depth, kind, _, _, lace = struct.unpack(">IIBBBBB", body)
        elif name == b"IDAT":
            idat.append(body)
        elif name == b"IEND":
            break
    channels = {0: 1, 2: 3, 6: 4}.get(kind)
    if depth != 8 or not channels or lace:
        sys.exit("%s: only 8-bit grey, RGB or RGBA, not interlaced" % path)
    rows = unfilter(zlib.decompress(b"".join(idat)), height,
                    width * channels, channels)
    return width, height, channels, rows


def main():
    path, want = sys.argv[1], [w.lower() for w in sys.argv[2:]]
    width, height, ch, rows = read_png(path)
    counts = {}
    for row in rows:
        for x in range(0, width * ch, ch):
            px = bytes(row[x:x + 3]) if ch >= 3 else bytes([row[x]] * 3)
            counts[px] = counts.get(px, 0) + 1
    white = counts.get(b"\xff\xff\xff", 0)
    out = ["width=%d" % width, "height=%d" % height, "colours=%d" % len(counts),
           "ink=%.4f" % (1 - white / float(width * height))]
    for w in want:
        rgb = bytes.fromhex(w)
        n = sum(c for px, c in counts.items()
                if all(abs(px[i] - rgb[i]) <= 6 for i in range(3)))
        out.append("%s=%d" % (w, n))
    print(" ".join(out))


main()
