#!/bin/sh
# A probe program as an operator would write one: prints one JSON object with the reading.
echo '{"temp_c":3.4,"rh_pct":91}'
