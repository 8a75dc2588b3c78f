"""Demo data: a realistic, reproducible database of Nanjing's hazardous-chemical enterprises, their
major hazard sources, inspectors, inspections, findings and re-inspections (``hazdesk demo``).

Everything is invented — names, codes, people, phone numbers — but shaped like the real thing, so the
desk can be shown and load-tested at district (3,000 enterprises) and city (20,000) scale.
"""

from hazdesk.demo.build import DEFAULT_DISTRICT, DemoReport, build_demo, has_data
from hazdesk.demo.context import SCALES, Scale
from hazdesk.demo.writer import BuildCancelled, BuildProgress

__all__ = [
    "DEFAULT_DISTRICT",
    "SCALES",
    "BuildCancelled",
    "BuildProgress",
    "DemoReport",
    "Scale",
    "build_demo",
    "has_data",
]
