"""Types shared by every stage, the settings object, and the pandera models of the curated dataset."""
