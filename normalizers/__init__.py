"""Document parts → contract records: text, numbers, dates, vocabularies, reconciliation, checks."""
