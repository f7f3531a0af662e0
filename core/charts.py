"""Simple bar charts drawn on the server as SVG, always shown with a table of the same figures.

The SVG is decoration for sighted readers (aria-hidden); the table is the text alternative that screen
readers, keyboard users and copy-paste get. Render with {% include "components/bar_chart.html" %}.
"""

from dataclasses import dataclass, field

LABEL_WIDTH = 240
BAR_AREA = 320
ROW_HEIGHT = 32
LABEL_CHARACTERS = 32


@dataclass
class Bar:
    label: str
    value: float
    display: str  # the value as the table shows it: "12", "76,7 %", "4,2"

    @property
    def short_label(self):
        if len(self.label) <= LABEL_CHARACTERS:
            return self.label
        return self.label[: LABEL_CHARACTERS - 1].rstrip() + "…"


@dataclass
class BarChart:
    """`scale` is the value of a full-length bar (e.g. 100 for percentages, 5 for grades); by default
    the largest value."""

    id: str
    title: str
    value_heading: str
    label_heading: str
    bars: list = field(default_factory=list)
    scale: float | None = None

    def add(self, label, value, display=None):
        self.bars.append(Bar(str(label), value or 0, display if display is not None else str(value)))

    @property
    def rows(self):
        scale = self.scale or max((bar.value for bar in self.bars), default=0) or 1
        for index, bar in enumerate(self.bars):
            width = round(BAR_AREA * min(bar.value, scale) / scale, 1)
            y = index * ROW_HEIGHT
            yield {
                "bar": bar,
                "y": y + 6,
                "text_y": y + 21,
                "width": width,
                "value_x": LABEL_WIDTH + width + 8,
            }

    @property
    def height(self):
        return max(len(self.bars), 1) * ROW_HEIGHT

    label_width = LABEL_WIDTH
    view_width = LABEL_WIDTH + BAR_AREA + 80
