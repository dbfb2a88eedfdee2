from tests.web.conftest import *  # noqa: F403  (fixtures: clinic, cast, patient, plan ...)
