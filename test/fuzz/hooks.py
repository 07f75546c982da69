# The schemathesis hooks of `npm run fuzz` (SCHEMATHESIS_HOOKS points here): Hawk signing,
# date-time edge cases and cross-field rules, each in its own module beside this file.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cross_field  # noqa: E402,F401
import date_time_format  # noqa: E402,F401
import hawk_auth  # noqa: E402,F401
