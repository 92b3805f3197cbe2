"""The words of the workers' texts: segmented when a text is saved (segment.py, stored.py), kept
in each model's `terms` field, counted as hot terms (selectors.py) and matched by the search
(search.py). See docs/decisions/0011-terms-and-search.md."""
