"""Stage 1, content: what contributors write in ``content/``, read and checked.

:func:`load_content` reads every YAML file into the typed records of :mod:`.records`,
checking each against the format declared once in :mod:`.schema`; :mod:`.yamlfile` reads
YAML keeping the line and column of every value, so each problem is reported where it is.
"""

from .load import load_content
from .records import Content

__all__ = ["Content", "load_content"]
