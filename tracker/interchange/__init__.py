"""Data in and out: spreadsheet import/export (`resources`) and the seed files (`seeds`)."""
