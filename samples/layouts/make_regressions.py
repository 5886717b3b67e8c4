"""Write the committed layout regression fixtures: generated variants that each reproduced one
bug of reading tables, kept under the name of what they reproduce.

    .venv/bin/python samples/layouts/make_regressions.py [--out tests/data/layout_regressions]

Each entry names a (seed, index) of the layout generator; the PDF, its gold and its axes are
written as <name>.pdf / .gold.json / .axes.json. Needs the generator tools
(samples/install_generator_tools.sh).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import spec as S  # noqa: E402
import variants  # noqa: E402

ROOT = HERE.parent.parent

# name → (seed, index): what each reproduced, in the words of the fix
REGRESSIONS = {
    "class_column_centred_over_touching_rows": (1, 36),        # 类别 label centred on its middle row, no padding
    "class_column_numbering_restarts_one_row_page": (7, 38),   # groups told by 1,2,3 restarting; 1-row last page
    "header_rule_overflow_and_heading_across_cells": (7, 9),   # 完成时/间 past the header rule; （三）民生… over 2 cells
    "heading_row_run_together_with_next_row": (7, 17),         # （三） heading and the next item touching
    "ruled_row_cut_by_page_break": (7, 15),                    # the side rules run on, no closing rule
    "class_labels_line_under_line": (11, 27),                  # 就业/帮扶/类 right over 人才/协作
    "broken_row_rest_above_repeated_header_row": (11, 29),     # 售480万元 alone above row 11
    "fullwidth_bracket_over_cell_edge": (1, 21),               # （套） whose ） box crosses into the next cell
    "first_row_line_under_unruled_header": (1, 4),             # 新建… set above the row's other cells
    "header_cells_run_past_header_rule": (23, 30),             # 责任领|导, 建设周|期至; 责 kept off furniture
    "bare_numeral_heading_row": (23, 23),                      # 三 | 消费帮扶（3个） touching the next row
    "class_label_centred_leaves_no_blank_row": (23, 4),        # 基础设施… centred over a whole page's rows
    "wrapped_heading_row_walked_from_its_middle": (31, 24),    # （一 / ） and 1668000 / 0 over two lines
    "first_line_of_row_in_top_margin": (31, 18),               # 2021 at the very top of a page
    "ruled_header_over_rest_of_broken_row": (31, 14),          # no rule under a repeated header
    "group_underline_is_no_header_rule": (43, 30),             # 计划投资（元） underlined over its columns
    "repeated_header_labels_cut_short": (43, 19),              # 建设 of 建设年限 on later pages
    "lower_header_row_beside_labels": (59, 15),                # 县级配|自筹资 reaching up beside 项目总投
    "broken_row_rest_under_repeated_header": (59, 5),          # 水、电… | 务局 | 日前 under a repeated header
    "header_overflow_clipped_out_of_view": (59, 16),           # 领 of 责任领导 drawn under a fixed-height cell
    "cell_last_line_at_page_foot": (43, 16),                   # the 3 of 2022-2023 is no page number
    "class_label_top_set_over_numbered_run": (43, 6),          # 就业帮扶类 on the edge of its 1,2,3 run
    "group_label_wrapped_at_open_bracket": (101, 39),          # 计划投资（万 | 元） over its columns
    "group_label_over_group_label": (101, 13),                 # 资金规模（元） over 资金来源 over 市中区帮扶资金
    "one_row_ruled_continuation_page": (202, 7),               # the rest of a broken row alone on the last page
    "class_labels_centred_cover_every_row": (202, 3),          # 产业协作 | 片区任务 | 民生保障类, none left blank
    "wrapped_unit_under_narrow_header": (101, 5),              # 市中/区帮/扶资/金/（万/元）
    "signature_alone_on_its_page": (101, 37),                  # the issuer line atop the last body page
    "class_label_not_over_rest_of_broken_row": (59, 6),        # 补齐… centred below the rest of row 9 of 改善民生
    "class_labels_three_in_one_block": (111, 7),               # 人才支撑/类 | 民生改善 | 基础设施/与基层治/理 touching
    "header_printed_again_mid_page": (222, 23),                # a second table under its own header, same page
    "class_label_top_set_under_repeated_header": (222, 10),    # 改善民生 atop row 12, rows 10-11 still 片区任务
    "narrow_unnamed_label_heads_a_column": (505, 33),          # a text layer's narrow label naming nothing is a column
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "layout_regressions")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    for old in a.out.glob("*.*"):
        old.unlink()
    specs = {name: S.make_spec(seed, index) for name, (seed, index) in REGRESSIONS.items()}
    built = {b.spec.id: b for b in variants.build(list(specs.values()), a.out)}
    index = {}
    for name, s in specs.items():
        for suffix in (".pdf", ".gold.json", ".axes.json"):
            (a.out / f"{s.id}{suffix}").rename(a.out / f"{name}{suffix}")
        index[name] = {"variant": s.id, **s.axes}
        print(f"wrote {name}.pdf ({built[s.id].spec.id}: {variants.short_axes(s.axes)})")
    (a.out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
