import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
application = get_wsgi_application()

# jieba's dictionary (a second or more) is loaded as a web worker starts, before it serves:
# otherwise the first sheet, problem or opinion each worker saves waits for it, and gunicorn
# replaces its workers every ~1,000 requests (deploy/gunicorn.conf.py; BENCHMARKS.md, the mixed
# load). Other processes (commands, the tasks worker) still load it only when they segment.
from records.terms.segment import tokenizer  # noqa: E402

tokenizer()
