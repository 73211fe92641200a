#!/bin/sh
# Chromium in the internet namespace (a laptop outside the corporate network).
exec ip netns exec internet /usr/bin/chromium "$@"
