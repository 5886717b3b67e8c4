"""PDF → document parts: pages with positioned text, metadata, narrative items, table rows."""
