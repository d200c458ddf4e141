"""`python -m generator` runs the govsite command line."""

from .cli import main

main()
