"""The site-engine adapter for mkdocs (and ProperDocs, its maintained continuation).

The only package that imports mkdocs or its themes. :class:`GovsitePlugin` holds mkdocs'
events and hands each over to the library's :class:`~generator.publish.Publication`;
:mod:`.theme` renders govsite's pages in the theme. Another site engine needs only an
adapter like this one.
"""

from .plugin import GovsitePlugin

__all__ = ["GovsitePlugin"]
