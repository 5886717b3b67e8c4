"""Every tunable of the pipeline in one settings object, checked when made.

Defaults are named constants so a reader can see them; flows take a Settings and hand
it down, nothing reads configuration on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_HEADER_MATCH_MIN = 70.0        # rapidfuzz score for a table header to name a field
DEFAULT_HEADER_GUESS_MIN = 55.0        # a column no label names takes the field its header scores this against (产权掘: 57), flagged
DEFAULT_CATEGORY_MATCH_MIN = 80.0      # canonical_category score for a printed heading to name a category
DEFAULT_ITEM_MATCH_MIN = 45.0          # name similarity for a narrative item and a table row to be one project
DEFAULT_CONTENT_MATCH_MIN = 85.0       # ... or, names and amounts apart, a table content this alike within one item's text
DEFAULT_CONTENT_MATCH_CHARS = 12       # ... the content at least this long
DEFAULT_MIN_SUBSEQUENCE_SHARE = 0.4    # shorter/longer length for "one reading abbreviates the other"
DEFAULT_GARBLED_NAME_SHARE = 0.6       # a scan's table name this much in the longer narrative name (in order) is a garbled reading of it
DEFAULT_AMOUNT_TOLERANCE = 0.005       # 万元: sums within this are equal
DEFAULT_MAX_PAGES = 500                # a larger PDF is refused: no plan is that long
DEFAULT_FURNITURE_MARGIN = 0.1        # share of the page height at top and bottom where page numbers and running lines stand
DEFAULT_FURNITURE_SIMILARITY = 85.0     # rapidfuzz ratio: a scanned page's margin line read this alike on another page repeats it
DEFAULT_FURNITURE_MIN_CHARS = 8         # a margin line this long at least may be matched as read alike (shorter: exact only)
DEFAULT_FURNITURE_SMALL_TYPE = 0.6      # a margin line standing apart set smaller than this share of the page's usual type is furniture
DEFAULT_FURNITURE_PLACED_TYPE = 0.8     # ... and one right under the body, where another page's footer stands, set smaller than this share
DEFAULT_TOWER_RATIO = 4.0              # a piece of a line boxed this many times taller than the page's usual line ...
DEFAULT_TOWER_TYPE = 1.5               # ... its characters this many lines' heights wide each, is a seal read as text
DEFAULT_LINE_TOLERANCE = 3.0           # points: chars this close vertically share a line
DEFAULT_TABLE_MARGIN = 0.06            # share of the page height at top and bottom where no table row starts
DEFAULT_RULE_SHARE = 0.25              # a horizontal rule at least this share of the page wide can bound a table row
DEFAULT_LABEL_TIGHT_EM = 0.5            # em: two pieces of a header line this close are one word's characters
DEFAULT_LABEL_SPLIT_EM = 1.0            # em: two pieces of a header line this close that make one label are one (OCR split)
DEFAULT_UNLABELLED_LINE_SHARE = 0.3     # share of a table's lines holding text between two labels' columns: a column whose label went unread
DEFAULT_UNLABELLED_COLUMN_SHARE = 0.5   # share of the lines a labelled column usually holds text on: enough for a column whose label went unread
DEFAULT_GUTTER_CROSS_SHARE = 0.15      # share of a table's lines (heading rows) that may cross a gutter between columns
DEFAULT_UNFOUNDED_MAX_EM = 3.0         # a header piece naming nothing this narrow (a seal's word or two) may head no column
DEFAULT_YUAN_FIGURE_MIN = 100_000.0     # a table's median amount this large, no unit said: 元 (in 万元 it would be 10亿元 a project; the seed plans' largest is under 2000万元)
DEFAULT_DATE_COLUMN_SHARE = 0.8         # share of an unlabelled column's cells holding dates (2024, 2024-2025, 2024年10月): a date column
DEFAULT_SCRAMBLED_LABEL_CHARS = 3       # a header label this long read out of order or in look-alikes still names its field
DEFAULT_CATEGORY_LABEL_LINES = 6        # lines a category label stacked in a 类别 cell runs over at most (产/业/合/作)
DEFAULT_NAME_COLUMN_SHARE = 0.5         # share of an unlabelled column's cells that look like one field's (names ending 项目, item numbers, people): that column
DEFAULT_LABEL_FRAGMENT_CHARS = 2        # a piece of a split label this short naming nothing joins a label beside it (行业)
DEFAULT_GUTTER_EM = 0.3                # em: a gap this wide between two characters of a line separates two cells
DEFAULT_CELL_GAP_EM = 0.3              # em: beyond the table's usual line gap, what still keeps two lines in one cell
DEFAULT_WRAP_GAP_EM = 0.6              # em: the lines of one cell stand at most this far apart (line spacing 1.6)
DEFAULT_WRAP_OVERLAP_SHARE = 0.3       # ... and OCR boxes of its lines overlap by at most this share of a box's height
DEFAULT_ROW_KEY_EM = 0.4               # em: cells whose middles (or tops) are this close stand in one row
DEFAULT_ROW_WRAP_EM = 2.0              # em: two row keys with no gap between them this close are one wrapped row's
DEFAULT_ROW_CUT_EDGE_SHARE = 0.25      # share of a text box's height at its top and bottom a row boundary may cut (OCR grows boxes)
DEFAULT_RULE_SNAP = 4.0                # points: a gap between text lines this close to a rule is that rule
DEFAULT_HEADING_ROW_CELLS = 4          # a row of this few cells may be a heading run over several columns
DEFAULT_HEADER_AGAIN_PIECES = 3        # header texts a body line prints again to start a next table under it
DEFAULT_FIT_SHARE = 0.6                # share of a table's lines that must keep within its columns
DEFAULT_LABEL_SLACK_EM = 1.0           # em per row a merged 类别 label leaves blank, against its centring
DEFAULT_LABEL_GAP_EM = 1.5             # em per row a merged 类别 label's run leaves blank between two runs (a label unread)
DEFAULT_GROUP_CENTRE_EM = 1.0         # a group label stands centred over its columns within this many ems
DEFAULT_HEADER_TAIL_CHARS = 4          # a header cell's last line run out under the header is this short at most
DEFAULT_HTTP_CONNECT_TIMEOUT = 10.0     # seconds
DEFAULT_HTTP_READ_TIMEOUT = 60.0        # seconds between bytes
DEFAULT_MAX_DOWNLOAD_BYTES = 100 * 2**20   # a plan PDF is a few MB; refuse anything this large
DEFAULT_HTTP_RETRIES = 3                # further tries after a transient failure
DEFAULT_HTTP_BACKOFF = 2.0              # seconds, doubled after each try
DEFAULT_HTTP_DEADLINE = 600.0           # seconds for one whole download (redirects, retries, every read)
DEFAULT_HTTP_MAX_REDIRECTS = 5          # redirects followed for one address
DEFAULT_MAX_LISTING_BYTES = 5 * 2**20   # a listing page is tens of KB; refuse one this large
DEFAULT_MAX_OVERRIDE_CHARS = 4000       # an override value longer than this is refused (a project's content is ~500)
DEFAULT_MAX_OVERRIDES_BYTES = 20 * 2**20   # an overrides file larger than this is not read
DEFAULT_OCR_DPI = 200                   # page images are read at this resolution
DEFAULT_OCR_WORKERS = 0                 # pages OCR'd at once; 0: one per core
DEFAULT_OCR_DET_SIDE = 960              # longest side (px) the text detector sees (PaddleOCR's own default)
DEFAULT_OCR_REC_SQUEEZE = 0.5           # lines wider than 320 px are narrowed to this share (not below 320) to be read
DEFAULT_MIN_LAYER_QUALITY = 0.9         # a text layer with fewer plausible characters is re-read by OCR
DEFAULT_MIN_LAYER_AGREEMENT = 0.9       # share of characters a layer must share with a fresh OCR of a strip
DEFAULT_MIN_BLANK_MIDDLE_AGREEMENT = 0.5  # ... of its inkiest band, on a page blank across the middle (a denser
                                          # band, a table's, where two good readings differ more; garbage shares ~0)
DEFAULT_LAYER_RUN_GAP = 1.5             # line heights: characters of an OCR layer closer than this are one run, re-spaced evenly
DEFAULT_MAX_RULE_MARK_SHARE = 0.01      # a layer region with more | and look-alikes than this share read across table rules
DEFAULT_MIN_PAGE_CONFIDENCE = 0.9       # mean OCR confidence below which a page is tried upside down (on a strip)
DEFAULT_MAX_READ_DOWN_SHARE = 0.3       # share of a page's OCR'd characters in lines running down it, above which
                                        # the page is taken as a quarter turn off (its ink looked upright)
DEFAULT_MAX_GREY_SHARE = 0.1            # a page image with fewer mid-grey pixels than this share is a 1-bit scan
DEFAULT_BILEVEL_SMOOTHING = 0.8         # px (at 200 dpi): Gaussian sigma that smooths a 1-bit scan before OCR
DEFAULT_BILEVEL_OCR_DPI = 300           # a 1-bit scan's page is read at this resolution (0: at ocr_dpi like any other)
DEFAULT_MAX_SKEW = 3.5                  # degrees: the largest tilt of a scanned page measured and undone
DEFAULT_METADATA_MATCH_MIN = 75.0       # rapidfuzz partial ratio for a misread title to name a program (one wrong of 4)
DEFAULT_MAX_BOX_IMPRECISION = 0.15      # share of a layer's hanzi boxes off their line's width (tesseract: 0.35-0.5; glyph-placed: <0.02)
DEFAULT_TITLE_TYPE_RATIO = 1.25       # a layer line this many times taller than the page's usual line is a title's, checked alone
DEFAULT_MAX_JOINED_SHARE = 0.15         # share of a layer's characters in runs joining cells (bundled 2023 layer: 0.12 at most)
DEFAULT_TABULAR_LINE_SHARE = 0.15       # share of a page's lines in three runs or more: the page holds a table
DEFAULT_NOISE_LINE_QUALITY = 0.5        # a line with fewer plausible characters is dropped as noise
DEFAULT_CORRECTION_MIN = 85.0           # confusion-weighted score for a gazetteer correction
DEFAULT_OFFICE_RESTORE_MIN_CHARS = 5    # a scanned office whose body (after the county) is this long may be restored ...
DEFAULT_OFFICE_RESTORE_MAX_EDITS = 0.25  # ... with at most this share of its characters edited ...
DEFAULT_OFFICE_RESTORE_MARGIN = 2       # ... and every other office at least this many edits further
DEFAULT_AMBIGUITY_MARGIN = 2.0          # two candidates closer than this: change nothing, flag
DEFAULT_MAX_PAGE_PIXELS = 25_000_000    # a page image larger than this at ocr_dpi is read at a lower dpi
DEFAULT_MIN_OCR_DPI = 100               # ... but not below this (8 pt table text reads as at 200 dpi); else refused
DEFAULT_MAX_MEMORY_MB = 512             # one page's images while read (embedded images decoded + rendering)
DEFAULT_MAX_SECONDS_PER_FILE = 600.0    # a file still being read after this is refused (scans: ~2-4 s a page)
DEFAULT_REVIEW_MIN_CONFIDENCE = 0.95    # aidplans review: a correction scored below this (score/100) is queued
DEFAULT_REVIEW_CROP_DPI = 110           # review crops are rendered at this resolution
DEFAULT_REVIEW_CROP_MARGIN = 18.0       # points of page shown around a reading's box
DEFAULT_REVIEW_CROP_MIN_WIDTH = 300.0   # points: a crop is at least this wide (a narrow cell with its row around)
DEFAULT_REVIEW_NEAR_READING = 85.0      # a scan's two readings this similar (rapidfuzz ratio), not equal: one is misread
DEFAULT_REVIEW_FILLED_SHARE = 0.5       # a scan's empty value is queued when this share of its plan's projects fill the field
DEFAULT_REVIEW_NEAR_NAME = 70.0          # a title or issuer naming the plan's county this nearly (partial ratio), not exactly: misread
DEFAULT_SEAL_RED_MARGIN = 40            # red channel above green and blue by this much (0-255): red ink
DEFAULT_SEAL_MIN_MM = 12.0              # a red blob at least this wide and high may be a seal (a 名章 is ~15 mm)
DEFAULT_SEAL_MAX_MM = 70.0              # ... and at most this long (official seals are 38-45 mm)
DEFAULT_SEAL_MAX_ASPECT = 1.5           # ... round or square: a red letterhead or rule is much wider than high
DEFAULT_RING_SEAL_MIN_MM = 30.0         # a dark ring this wide at least, in a grey or 1-bit scan, may be a seal ...
DEFAULT_RING_SEAL_MAX_MM = 50.0         # ... and at most this wide (official seals are 38-45 mm) ...
DEFAULT_UNREAD_INK_PT2 = 12.0           # square points of ink in a scan's cell no character covers: a lost glyph
DEFAULT_UNREAD_CHAR_MARGIN = 1.0        # points: a character's box grown by this covers its glyph's ink
DEFAULT_RING_SEAL_COVER = 0.25          # ... inked round this share of its circle at least (seals 0.35-0.5, none ≤ 0.05)


class SettingsError(ValueError):
    """A setting is out of its range."""


@dataclass(frozen=True)
class Settings:
    header_match_min: float = DEFAULT_HEADER_MATCH_MIN
    header_guess_min: float = DEFAULT_HEADER_GUESS_MIN
    item_match_min: float = DEFAULT_ITEM_MATCH_MIN
    content_match_min: float = DEFAULT_CONTENT_MATCH_MIN
    content_match_chars: int = DEFAULT_CONTENT_MATCH_CHARS
    category_match_min: float = DEFAULT_CATEGORY_MATCH_MIN
    min_subsequence_share: float = DEFAULT_MIN_SUBSEQUENCE_SHARE
    garbled_name_share: float = DEFAULT_GARBLED_NAME_SHARE
    amount_tolerance: float = DEFAULT_AMOUNT_TOLERANCE
    max_pages: int = DEFAULT_MAX_PAGES
    line_tolerance: float = DEFAULT_LINE_TOLERANCE
    furniture_margin: float = DEFAULT_FURNITURE_MARGIN
    furniture_similarity: float = DEFAULT_FURNITURE_SIMILARITY
    furniture_min_chars: int = DEFAULT_FURNITURE_MIN_CHARS
    furniture_small_type: float = DEFAULT_FURNITURE_SMALL_TYPE
    furniture_placed_type: float = DEFAULT_FURNITURE_PLACED_TYPE
    table_margin: float = DEFAULT_TABLE_MARGIN
    rule_share: float = DEFAULT_RULE_SHARE
    gutter_em: float = DEFAULT_GUTTER_EM
    tower_ratio: float = DEFAULT_TOWER_RATIO
    tower_type: float = DEFAULT_TOWER_TYPE
    label_split_em: float = DEFAULT_LABEL_SPLIT_EM
    label_tight_em: float = DEFAULT_LABEL_TIGHT_EM
    label_fragment_chars: int = DEFAULT_LABEL_FRAGMENT_CHARS
    unlabelled_line_share: float = DEFAULT_UNLABELLED_LINE_SHARE
    unlabelled_column_share: float = DEFAULT_UNLABELLED_COLUMN_SHARE
    name_column_share: float = DEFAULT_NAME_COLUMN_SHARE
    category_label_lines: int = DEFAULT_CATEGORY_LABEL_LINES
    date_column_share: float = DEFAULT_DATE_COLUMN_SHARE
    yuan_figure_min: float = DEFAULT_YUAN_FIGURE_MIN
    scrambled_label_chars: int = DEFAULT_SCRAMBLED_LABEL_CHARS
    gutter_cross_share: float = DEFAULT_GUTTER_CROSS_SHARE
    unfounded_max_em: float = DEFAULT_UNFOUNDED_MAX_EM
    cell_gap_em: float = DEFAULT_CELL_GAP_EM
    wrap_gap_em: float = DEFAULT_WRAP_GAP_EM
    wrap_overlap_share: float = DEFAULT_WRAP_OVERLAP_SHARE
    row_key_em: float = DEFAULT_ROW_KEY_EM
    row_wrap_em: float = DEFAULT_ROW_WRAP_EM
    row_cut_edge_share: float = DEFAULT_ROW_CUT_EDGE_SHARE
    rule_snap: float = DEFAULT_RULE_SNAP
    heading_row_cells: int = DEFAULT_HEADING_ROW_CELLS
    header_again_pieces: int = DEFAULT_HEADER_AGAIN_PIECES
    fit_share: float = DEFAULT_FIT_SHARE
    header_tail_chars: int = DEFAULT_HEADER_TAIL_CHARS
    label_slack_em: float = DEFAULT_LABEL_SLACK_EM
    label_gap_em: float = DEFAULT_LABEL_GAP_EM
    group_centre_em: float = DEFAULT_GROUP_CENTRE_EM
    http_connect_timeout: float = DEFAULT_HTTP_CONNECT_TIMEOUT
    http_read_timeout: float = DEFAULT_HTTP_READ_TIMEOUT
    max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    http_retries: int = DEFAULT_HTTP_RETRIES
    http_backoff: float = DEFAULT_HTTP_BACKOFF
    http_deadline: float = DEFAULT_HTTP_DEADLINE
    http_max_redirects: int = DEFAULT_HTTP_MAX_REDIRECTS
    max_listing_bytes: int = DEFAULT_MAX_LISTING_BYTES
    max_override_chars: int = DEFAULT_MAX_OVERRIDE_CHARS
    max_overrides_bytes: int = DEFAULT_MAX_OVERRIDES_BYTES
    ocr_dpi: int = DEFAULT_OCR_DPI
    ocr_workers: int = DEFAULT_OCR_WORKERS
    ocr_det_side: int = DEFAULT_OCR_DET_SIDE
    ocr_rec_squeeze: float = DEFAULT_OCR_REC_SQUEEZE
    min_layer_quality: float = DEFAULT_MIN_LAYER_QUALITY
    min_layer_agreement: float = DEFAULT_MIN_LAYER_AGREEMENT
    min_blank_middle_agreement: float = DEFAULT_MIN_BLANK_MIDDLE_AGREEMENT
    layer_run_gap: float = DEFAULT_LAYER_RUN_GAP
    max_rule_mark_share: float = DEFAULT_MAX_RULE_MARK_SHARE
    min_page_confidence: float = DEFAULT_MIN_PAGE_CONFIDENCE
    max_read_down_share: float = DEFAULT_MAX_READ_DOWN_SHARE
    max_grey_share: float = DEFAULT_MAX_GREY_SHARE
    bilevel_smoothing: float = DEFAULT_BILEVEL_SMOOTHING
    bilevel_ocr_dpi: int = DEFAULT_BILEVEL_OCR_DPI
    max_skew: float = DEFAULT_MAX_SKEW
    metadata_match_min: float = DEFAULT_METADATA_MATCH_MIN
    max_box_imprecision: float = DEFAULT_MAX_BOX_IMPRECISION
    tabular_line_share: float = DEFAULT_TABULAR_LINE_SHARE
    max_joined_share: float = DEFAULT_MAX_JOINED_SHARE
    title_type_ratio: float = DEFAULT_TITLE_TYPE_RATIO
    noise_line_quality: float = DEFAULT_NOISE_LINE_QUALITY
    correction_min: float = DEFAULT_CORRECTION_MIN
    office_restore_min_chars: int = DEFAULT_OFFICE_RESTORE_MIN_CHARS
    office_restore_max_edits: float = DEFAULT_OFFICE_RESTORE_MAX_EDITS
    office_restore_margin: int = DEFAULT_OFFICE_RESTORE_MARGIN
    ambiguity_margin: float = DEFAULT_AMBIGUITY_MARGIN
    max_page_pixels: int = DEFAULT_MAX_PAGE_PIXELS
    min_ocr_dpi: int = DEFAULT_MIN_OCR_DPI
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    max_seconds_per_file: float = DEFAULT_MAX_SECONDS_PER_FILE
    review_min_confidence: float = DEFAULT_REVIEW_MIN_CONFIDENCE
    review_crop_dpi: int = DEFAULT_REVIEW_CROP_DPI
    review_crop_margin: float = DEFAULT_REVIEW_CROP_MARGIN
    review_crop_min_width: float = DEFAULT_REVIEW_CROP_MIN_WIDTH
    review_near_reading: float = DEFAULT_REVIEW_NEAR_READING
    review_filled_share: float = DEFAULT_REVIEW_FILLED_SHARE
    review_near_name: float = DEFAULT_REVIEW_NEAR_NAME
    seal_red_margin: int = DEFAULT_SEAL_RED_MARGIN
    seal_min_mm: float = DEFAULT_SEAL_MIN_MM
    seal_max_mm: float = DEFAULT_SEAL_MAX_MM
    seal_max_aspect: float = DEFAULT_SEAL_MAX_ASPECT
    ring_seal_min_mm: float = DEFAULT_RING_SEAL_MIN_MM
    ring_seal_max_mm: float = DEFAULT_RING_SEAL_MAX_MM
    ring_seal_cover: float = DEFAULT_RING_SEAL_COVER
    unread_ink_pt2: float = DEFAULT_UNREAD_INK_PT2
    unread_char_margin: float = DEFAULT_UNREAD_CHAR_MARGIN
    lift_seals: bool = True             # False: read colour scans as grey, seals and all
    correct: bool = True                # False: keep every value as read (to measure what correction does)

    def __post_init__(self) -> None:
        for name in ("header_match_min", "item_match_min", "content_match_min", "category_match_min",
                     "metadata_match_min"):
            v = getattr(self, name)
            if not 0 <= v <= 100:
                raise SettingsError(f"{name} must be a rapidfuzz score from 0 to 100, got {v!r}")
        if self.content_match_chars < 1:
            raise SettingsError(f"content_match_chars must be >= 1, got {self.content_match_chars!r}")
        for name in ("min_subsequence_share", "garbled_name_share"):
            if not 0 < getattr(self, name) <= 1:
                raise SettingsError(f"{name} must be in (0, 1], got {getattr(self, name)!r}")
        if self.amount_tolerance < 0:
            raise SettingsError(f"amount_tolerance must be >= 0, got {self.amount_tolerance!r}")
        if self.max_pages < 1:
            raise SettingsError(f"max_pages must be >= 1, got {self.max_pages!r}")
        for name in ("http_connect_timeout", "http_read_timeout"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be > 0 seconds, got {getattr(self, name)!r}")
        if self.max_download_bytes < 1024:
            raise SettingsError(f"max_download_bytes must be >= 1024, got {self.max_download_bytes!r}")
        if self.http_retries < 0 or self.http_backoff < 0:
            raise SettingsError(f"http_retries and http_backoff must be >= 0, got "
                                f"{self.http_retries!r}, {self.http_backoff!r}")
        if self.http_deadline <= 0 or self.http_max_redirects < 0:
            raise SettingsError(f"http_deadline must be > 0 seconds and http_max_redirects >= 0, got "
                                f"{self.http_deadline!r}, {self.http_max_redirects!r}")
        for name in ("max_listing_bytes", "max_overrides_bytes", "max_override_chars"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be >= 1, got {getattr(self, name)!r}")
        if not 72 <= self.ocr_dpi <= 600:
            raise SettingsError(f"ocr_dpi must be from 72 to 600, got {self.ocr_dpi!r}")
        if self.ocr_workers < 0:
            raise SettingsError(f"ocr_workers must be >= 0 (0: one per core), got {self.ocr_workers!r}")
        if self.ocr_det_side < 320:
            raise SettingsError(f"ocr_det_side must be >= 320 pixels, got {self.ocr_det_side!r}")
        if not 0.3 <= self.ocr_rec_squeeze <= 1:
            raise SettingsError(f"ocr_rec_squeeze must be from 0.3 to 1 (1: crops as they are), "
                                f"got {self.ocr_rec_squeeze!r}")
        if not 0 < self.max_skew <= 10:
            raise SettingsError(f"max_skew must be from 0 to 10 degrees, got {self.max_skew!r}")
        if self.bilevel_ocr_dpi and not self.ocr_dpi <= self.bilevel_ocr_dpi <= 600:
            raise SettingsError(f"bilevel_ocr_dpi must be 0 (off) or from ocr_dpi ({self.ocr_dpi}) to 600, "
                                f"got {self.bilevel_ocr_dpi!r}")
        if self.bilevel_smoothing < 0:
            raise SettingsError(f"bilevel_smoothing must be >= 0 pixels (0: none), got {self.bilevel_smoothing!r}")
        if not 1 < self.title_type_ratio <= 5:
            raise SettingsError(f"title_type_ratio must be above 1 and at most 5 (times a line's height), "
                                f"got {self.title_type_ratio!r}")
        if self.layer_run_gap <= 0:
            raise SettingsError(f"layer_run_gap must be > 0 line heights, got {self.layer_run_gap!r}")
        for name in ("min_layer_quality", "min_layer_agreement", "min_blank_middle_agreement", "noise_line_quality",
                     "max_rule_mark_share", "min_page_confidence", "max_grey_share", "max_read_down_share",
                     "max_box_imprecision", "tabular_line_share", "max_joined_share", "office_restore_max_edits"):
            if not 0 <= getattr(self, name) <= 1:
                raise SettingsError(f"{name} must be a share from 0 to 1, got {getattr(self, name)!r}")
        if self.office_restore_min_chars < 1 or self.office_restore_margin < 1:
            raise SettingsError(f"office_restore_min_chars and office_restore_margin must be >= 1, got "
                                f"{self.office_restore_min_chars!r}, {self.office_restore_margin!r}")
        if not 0 <= self.correction_min <= 100 or self.ambiguity_margin < 0:
            raise SettingsError(f"correction_min must be a score from 0 to 100 and ambiguity_margin >= 0, "
                                f"got {self.correction_min!r}, {self.ambiguity_margin!r}")
        if not 0 <= self.furniture_margin < 0.5:
            raise SettingsError(f"furniture_margin must be a share from 0 to 0.5, got {self.furniture_margin!r}")
        if not 0 <= self.header_guess_min <= self.header_match_min:
            raise SettingsError(f"header_guess_min must be a score from 0 to header_match_min "
                                f"({self.header_match_min!r}), got {self.header_guess_min!r}")
        if not 0 <= self.furniture_small_type <= self.furniture_placed_type < 1:
            raise SettingsError(f"furniture_small_type and furniture_placed_type must be shares from 0 to 1, the "
                                f"first no larger, got {self.furniture_small_type!r}, {self.furniture_placed_type!r}")
        if not 0 < self.furniture_similarity <= 100 or self.furniture_min_chars < 1:
            raise SettingsError(f"furniture_similarity must be a score from 0 to 100 and furniture_min_chars >= 1, "
                                f"got {self.furniture_similarity!r}, {self.furniture_min_chars!r}")
        for name in ("table_margin", "rule_share", "fit_share", "unlabelled_line_share", "name_column_share",
                     "unlabelled_column_share",
                     "gutter_cross_share", "date_column_share", "wrap_overlap_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise SettingsError(f"{name} must be a share from 0 to 1, got {getattr(self, name)!r}")
        for name in ("gutter_em", "cell_gap_em", "wrap_gap_em", "row_key_em", "rule_snap", "label_slack_em", "label_gap_em",
                     "group_centre_em", "label_split_em", "label_tight_em"):
            if not 0 <= getattr(self, name) <= 10:
                raise SettingsError(f"{name} must be from 0 to 10 (ems or points), got {getattr(self, name)!r}")
        if self.tower_ratio <= 1 or self.tower_type <= 0:
            raise SettingsError(f"tower_ratio must be above 1 and tower_type above 0 (times a line's height), got "
                                f"{self.tower_ratio!r}, {self.tower_type!r}")
        if not 0 <= self.row_wrap_em <= 10:
            raise SettingsError(f"row_wrap_em must be from 0 to 10 (ems), got {self.row_wrap_em!r}")
        if not 0 <= self.row_cut_edge_share < 0.5:
            raise SettingsError(f"row_cut_edge_share must be a share from 0 to 0.5, got {self.row_cut_edge_share!r}")
        if not 1 <= self.category_label_lines <= 20:
            raise SettingsError(f"category_label_lines must be from 1 to 20, got {self.category_label_lines!r}")
        if not 0 <= self.label_fragment_chars <= 10:
            raise SettingsError(f"label_fragment_chars must be from 0 to 10, got {self.label_fragment_chars!r}")
        if self.yuan_figure_min <= 0:
            raise SettingsError(f"yuan_figure_min must be a positive amount, got {self.yuan_figure_min!r}")
        if self.scrambled_label_chars < 2:
            raise SettingsError(f"scrambled_label_chars must be >= 2 (a shorter label's characters read in any "
                                f"order are too many labels), got {self.scrambled_label_chars!r}")
        if self.unfounded_max_em < 0:
            raise SettingsError(f"unfounded_max_em must be >= 0 ems, got {self.unfounded_max_em!r}")
        if self.header_again_pieces < 2:
            raise SettingsError(f"header_again_pieces must be >= 2 (one text is no header), got {self.header_again_pieces!r}")
        if self.heading_row_cells < 1 or self.header_tail_chars < 0:
            raise SettingsError(f"heading_row_cells must be >= 1 and header_tail_chars >= 0, got "
                                f"{self.heading_row_cells!r}, {self.header_tail_chars!r}")
        if self.line_tolerance <= 0:
            raise SettingsError(f"line_tolerance must be > 0, got {self.line_tolerance!r}")
        if not 0 <= self.review_min_confidence <= 1 or not 36 <= self.review_crop_dpi <= 600:
            raise SettingsError(f"review_min_confidence must be a share from 0 to 1 and review_crop_dpi from 36 to "
                                f"600, got {self.review_min_confidence!r}, {self.review_crop_dpi!r}")
        if not 0 <= self.review_near_reading <= 100:
            raise SettingsError(f"review_near_reading must be a rapidfuzz score from 0 to 100, got "
                                f"{self.review_near_reading!r}")
        if not 0 <= self.review_near_name <= 100:
            raise SettingsError(f"review_near_name must be a rapidfuzz score from 0 to 100, got {self.review_near_name!r}")
        if not 0 < self.review_filled_share <= 1:
            raise SettingsError(f"review_filled_share must be a share above 0 and at most 1, got "
                                f"{self.review_filled_share!r}")
        if self.review_crop_margin < 0 or self.review_crop_min_width < 0:
            raise SettingsError(f"review_crop_margin and review_crop_min_width must be >= 0 points, got "
                                f"{self.review_crop_margin!r}, {self.review_crop_min_width!r}")
        if self.max_page_pixels < 1_000_000 or not 72 <= self.min_ocr_dpi <= self.ocr_dpi:
            raise SettingsError(f"max_page_pixels must be >= 1000000 and min_ocr_dpi from 72 to ocr_dpi, "
                                f"got {self.max_page_pixels!r}, {self.min_ocr_dpi!r}")
        if self.max_memory_mb < 64 or self.max_seconds_per_file <= 0:
            raise SettingsError(f"max_memory_mb must be >= 64 and max_seconds_per_file > 0, "
                                f"got {self.max_memory_mb!r}, {self.max_seconds_per_file!r}")
        if not 0 < self.ring_seal_min_mm <= self.ring_seal_max_mm or not 0 <= self.ring_seal_cover <= 1:
            raise SettingsError(f"ring_seal_min_mm must be > 0 and <= ring_seal_max_mm, and ring_seal_cover a share "
                                f"from 0 to 1; got {self.ring_seal_min_mm!r}, {self.ring_seal_max_mm!r}, "
                                f"{self.ring_seal_cover!r}")
        if not 1 <= self.seal_red_margin <= 255 or not 0 < self.seal_min_mm <= self.seal_max_mm \
                or self.seal_max_aspect < 1:
            raise SettingsError(f"seal_red_margin must be from 1 to 255, 0 < seal_min_mm <= seal_max_mm and "
                                f"seal_max_aspect >= 1, got {self.seal_red_margin!r}, {self.seal_min_mm!r}, "
                                f"{self.seal_max_mm!r}, {self.seal_max_aspect!r}")
