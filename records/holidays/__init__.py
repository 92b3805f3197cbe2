"""A year's holidays in one form: the State Council's notice entered as it is written (one row
per holiday: its name, the rest days as a range, the make-up working days), previewed against
Monday–Friday, saved as calendar overrides (records.calendar.calendar_days_set)."""
