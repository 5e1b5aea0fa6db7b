"""
Makes assets/fonts/EmergenceSans-{Regular,Bold}.otf: subsets of Noto Sans Hans (Simplified
Chinese, SIL OFL 1.1) renamed "Emergence Sans", as the licence asks of a modified version (its
Reserved Font Name is "Noto Sans"). The subset keeps every glyph the pictures can need:

- Latin: ASCII, Latin-1, general punctuation, arrows and maths signs the charts use;
- the 3755 level-1 hanzi of GB 2312 (the common characters; player names are drawn too);
- every character of the project's own texts: locales, decks, knowledge base.

Run from the repository root with fontTools installed (pip install fonttools) and the source
fonts unpacked from the npm package @embedpdf/fonts-sc (npm pack @embedpdf/fonts-sc):

    python3 assets/fonts/make-subset.py <folder holding NotoSansHans-Regular.otf and -Bold.otf>
"""
import glob
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Emergence Sans"
OUT = Path("assets/fonts")


def gb2312_level1() -> set[int]:
    chars: set[int] = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass  # the unassigned tail of row 55
    return chars


def project_text() -> set[int]:
    chars: set[int] = set()
    files = ["assets/locales/zh.json", "assets/locales/en.json"]
    files += glob.glob("assets/decks/*/deck.json") + glob.glob("assets/knowledge/**/*.json", recursive=True)
    for f in files:
        chars |= {ord(c) for c in Path(f).read_text("utf-8") if ord(c) >= 0x20}
    return chars


def ranges() -> set[int]:
    spans = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2027), (0x2030, 0x203A), (0x2190, 0x2193),
             (0x2212, 0x2212), (0x2264, 0x2265), (0x3000, 0x303F), (0xFF01, 0xFF5E)]
    return {c for a, b in spans for c in range(a, b + 1)}


def rename(font: TTFont, style: str) -> None:
    ps = f"{FAMILY.replace(' ', '')}-{style}"
    names = {1: FAMILY, 2: style, 3: f"{ps};subset of NotoSansHans", 4: f"{FAMILY} {style}", 6: ps, 16: FAMILY, 17: style}
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in names and n.nameID not in (18, 21, 22)]
    for nid, value in names.items():
        table.setName(value, nid, 3, 1, 0x409)
        table.setName(value, nid, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        top.FullName = f"{FAMILY} {style}"
        top.FamilyName = FAMILY


def main(src: str) -> None:
    unicodes = sorted(gb2312_level1() | project_text() | ranges())
    for style in ("Regular", "Bold"):
        font = TTFont(Path(src) / f"NotoSansHans-{style}.otf")
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.notdef_outline = True
        opts.desubroutinize = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=unicodes)
        sub.subset(font)
        rename(font, style)
        out = OUT / f"EmergenceSans-{style}.otf"
        font.save(out)
        print(f"{out}: {len(unicodes)} code points, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
