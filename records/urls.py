"""The records app's URLs (namespace "records"), one list per feature."""

from records.holidays import urls as holidays
from records.notifications import urls as notifications
from records.problems import urls as problems
from records.register import urls as register
from records.sheets import urls as sheets
from records.topics import urls as topics

app_name = "records"

urlpatterns = [
    *sheets.urlpatterns,
    *register.urlpatterns,
    *problems.urlpatterns,
    *notifications.urlpatterns,
    *holidays.urlpatterns,
    *topics.urlpatterns,
]
