"""govsite: governance reports on platform policies, built from a git archive and YAML analyses.

The library knows nothing of mkdocs: :func:`generator.pipeline.run` takes a site's
configuration through the stages of :data:`generator.pipeline.STAGES`, to pages as data, a
list of diagnostics and the build's publication. The mkdocs plugin
(:mod:`generator.mkdocs_plugin`) and the command line (:mod:`generator.cli`) are thin layers
over it.
"""

__version__ = "0.1.0"
