# Schemathesis hooks: `date-time` values that cover RFC 3339's edges.
#
# Schemathesis draws date-times from Python's `datetime`, which cannot express some valid
# RFC 3339 values that validators (ajv-formats here) accept: year 0000, a leap second
# (`23:59:60`), lowercase `t` and `z`, offsets up to ±23:59, fractions past microseconds.
# Those are where a server's own date handling breaks, so they are drawn often here.
import datetime

import schemathesis
from hypothesis import strategies as st


def _number(low, high, width):
    return st.integers(low, high).map(lambda value: f"{value:0{width}d}")


# Year 0 is a leap year in the proleptic Gregorian calendar, like 2000: borrow its days.
_any_date = st.dates().map(str)
_year_zero = st.dates(datetime.date(2000, 1, 1), datetime.date(2000, 12, 31)).map(lambda d: "0000" + str(d)[4:])
_edge_years = st.sampled_from(["0001-01-01", "1969-12-31", "1970-01-01", "2038-01-19", "9999-12-31"])
_separator = st.sampled_from(["T", "t"])
_fraction = st.just("") | st.text(alphabet="0123456789", min_size=1, max_size=9).map(".".__add__)
_offset = st.sampled_from(["Z", "z", "+00:00", "-00:00", "+23:59", "-23:59"]) | st.builds(
    "{}{}:{}".format, st.sampled_from("+-"), _number(0, 23, 2), _number(0, 59, 2))
_time = st.builds("{}:{}:{}".format, _number(0, 23, 2), _number(0, 59, 2), _number(0, 59, 2))

_ordinary = st.builds("{}{}{}{}{}".format, _any_date | _year_zero | _edge_years, _separator, _time, _fraction, _offset)
# A leap second is valid only at the end of a UTC day; June 30 and December 31 are when they happen.
_leap_second = st.builds(
    "{:04d}-{}{}23:59:60{}{}".format, st.integers(0, 9999), st.sampled_from(["06-30", "12-31"]),
    _separator, _fraction, st.sampled_from(["Z", "z", "+00:00", "-00:00"]))

schemathesis.openapi.format("date-time", _ordinary | _leap_second)
