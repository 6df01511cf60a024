#!/bin/sh
# Echoes its arguments back as the temperature and humidity: "$1" and "$2" must arrive unsplit, with no shell in
# between ("3.5" and "80").
printf '{"temp_c":%s,"rh_pct":%s}\n' "$1" "$2"
