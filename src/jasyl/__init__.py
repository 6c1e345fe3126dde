"""jasyl."""
