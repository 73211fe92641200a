#!/bin/sh
# Chromium in the on-prem namespace (the employee's browser); Playwright launches this as its executable.
exec ip netns exec onprem /usr/bin/chromium "$@"
