"""For researchers: SQL over the curated dataset (query), files for pandas, Excel, SQLite and parquet
users (export), the column dictionary (docs/DATA.md) and a static HTML report with charts (report)."""
