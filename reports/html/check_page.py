#!/usr/bin/env python3
"""Checks forkcheck's HTML pages, for the sh tests (Python's standard library).

  check_page.py page FILE [COUNTS]  FILE is our output: well-formed XML too
  check_page.py dom FILE [COUNTS]   FILE is a browser's --dump-dom
  check_page.py png FILE WIDTH HEIGHT   a screenshot of that size, not blank

COUNTS: --cells N (matrix cells with a verdict), --svgs N, --grids N,
--text T (must appear as text, e.g. a model name that is markup;
repeatable),
--id ID (an element with that id; repeatable), --class_count CLASS=N
(exactly N elements have that class; repeatable).
Both page checks fail on any reference to an external resource (scripts,
links, images, frames, src/href attributes, CSS url() or @import); an
href to a fragment of the page itself ("#why-3") is allowed, and fails
unless an element has that id.
Exit status 0 if every check passes, 1 otherwise (each failure printed).
"""
import argparse
import html.parser
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

FORBIDDEN_TAGS = {"script", "link", "img", "iframe", "object", "embed", "frame",
                  "audio", "video", "source"}
FORBIDDEN_ATTRIBUTES = {"src", "href", "xlink:href", "srcset", "action"}


class PageCounter(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells = self.svgs = self.grids = 0
        self.ids = set()
        self.classes = {}
        self.svgs_with_title = 0
        self.problems = []
        self.fragment_links = []
        self.text = []
        self._in_style = False
        self._last_svg_open = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for c in classes:
            self.classes[c] = self.classes.get(c, 0) + 1
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"external resource element <{tag}>")
        for name, value in attributes.items():
            if name == "href" and (value or "").startswith("#"):
                self.fragment_links.append(value[1:])
                continue
            if name in FORBIDDEN_ATTRIBUTES:
                self.problems.append(f"<{tag}> has a {name}= attribute")
        style = attributes.get("style") or ""
        if "url(" in style:
            self.problems.append(f"<{tag}> style uses url(): {style}")
        if tag == "td" and "cell" in classes and any(
                c.startswith("v-") for c in classes):
            self.cells += 1
        if tag == "table" and "grid" in classes:
            self.grids += 1
        if tag == "title" and self._last_svg_open:
            self.svgs_with_title += 1
        self._last_svg_open = tag == "svg"
        if tag == "svg":
            self.svgs += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False
        self._last_svg_open = False

    def handle_data(self, data):
        if self._in_style and ("url(" in data or "@import" in data):
            self.problems.append("a style sheet loads something (url/@import)")
        self.text.append(data)


def check_page(path, args, as_xml):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    problems = []
    if as_xml:
        try:
            root = ET.fromstring(text.replace("<!DOCTYPE html>", "", 1))
        except ET.ParseError as e:
            return [f"{path}: not well-formed XML: {e}"]
        svg_tag = "{http://www.w3.org/2000/svg}svg"
        title_tag = "{http://www.w3.org/2000/svg}title"
        for svg in root.iter(svg_tag):
            if len(svg) == 0 or svg[0].tag != title_tag or not svg[0].text:
                problems.append("an <svg> without a <title> first")
    counter = PageCounter()
    counter.feed(text)
    counter.close()
    problems += counter.problems
    for target in counter.fragment_links:
        if target not in counter.ids:
            problems.append(f"a link to #{target}, which no element has")
    if counter.svgs_with_title != counter.svgs:
        problems.append(f"{counter.svgs - counter.svgs_with_title} svgs "
                        "lack a <title>")
    for name, wanted, found in (("cells", args.cells, counter.cells),
                                ("svgs", args.svgs, counter.svgs),
                                ("grids", args.grids, counter.grids)):
        if wanted is not None and wanted != found:
            problems.append(f"{name}: wanted {wanted}, found {found}")
    for wanted in args.id:
        if wanted not in counter.ids:
            problems.append(f"no element with id {wanted!r}")
    for wanted in args.class_count:
        name, _, count = wanted.partition("=")
        found = counter.classes.get(name, 0)
        if found != int(count):
            problems.append(f"class {name}: wanted {count}, found {found}")
    shown = "".join(counter.text)
    for text in args.text:
        if text not in shown:
            problems.append(f"text {text!r} not shown as text")
    return [f"{path}: {p}" for p in problems]


def check_png(path, width, height):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return [f"{path}: not a PNG"]
    position, idat, size = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    problems = []
    if size != (width, height):
        problems.append(f"size {size}, wanted {(width, height)}")
    pixels = zlib.decompress(idat)
    distinct = len(set(pixels))
    # A blank page is one colour: a handful of byte values with the
    # filter bytes. Grids, bars and text give many.
    if distinct < 32:
        problems.append(f"looks blank ({distinct} distinct byte values)")
    return [f"{path}: {p}" for p in problems]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["page", "dom", "png"])
    parser.add_argument("file")
    parser.add_argument("size", nargs="*", type=int)
    parser.add_argument("--cells", type=int)
    parser.add_argument("--svgs", type=int)
    parser.add_argument("--grids", type=int)
    parser.add_argument("--text", action="append", default=[])
    parser.add_argument("--id", action="append", default=[])
    parser.add_argument("--class_count", action="append", default=[])
    args = parser.parse_args()
    if args.mode == "png":
        if len(args.size) != 2:
            parser.error("png wants WIDTH HEIGHT")
        problems = check_png(args.file, *args.size)
    else:
        problems = check_page(args.file, args, args.mode == "page")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{args.file}: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
