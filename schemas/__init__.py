"""Types shared by every stage, the settings object, the curated tables' column declaration (tables.py)
and the pandera models built from it (models.py)."""
