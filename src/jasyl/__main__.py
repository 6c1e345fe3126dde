"""``python -m jasyl`` runs the command line."""

from jasyl.cli import main

main()
