"""govsite: governance reports on platform policies, built from a git archive and YAML analyses.

The library knows nothing of mkdocs: :func:`generator.build.build_site` turns a site
configuration into pages as data and a list of diagnostics. The mkdocs plugin
(:mod:`generator.plugin`) and the command line (:mod:`generator.cli`) are thin layers over it.
"""

__version__ = "0.1.0"
