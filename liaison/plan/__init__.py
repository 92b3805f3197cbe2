"""The contact calendar (联系日历): a cadre's month of contacts with the working days left and
the pace toward the 21 days, a department's month for its head, the organization department's
week across the federation."""
