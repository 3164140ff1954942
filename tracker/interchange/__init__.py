"""Data in and out: spreadsheet import/export (`resources`, `formats`) and the seed files
(`seeds`)."""
