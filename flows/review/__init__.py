"""`aidplans review`: the archivist's queue of values that need a human eye (queue.py), each with
crops of the page around every reading of the value (crops.py), as a sheet and a static HTML page
(page.py); decisions are lines of the overrides file (flows/overrides_file.py)."""
