from records.forms import FilterBar, YearQuarterForm


class QuarterForm(FilterBar, YearQuarterForm):
    """The quarter the analysis is of: a year (no "all years") and a quarter."""

    all_years = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].required = True
        self.fields["quarter"].required = True
        self.fields["quarter"].choices = self.fields["quarter"].choices[1:]
