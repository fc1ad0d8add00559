# The small Haaglanden gazetteer and taxonomy that the request tests build, shared here.
from tests.requests.conftest import places, taxonomy  # noqa: F401
