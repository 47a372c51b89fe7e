#!/bin/sh
# Renders the README's pictures from the TUI's golden screens (shots.txt)
# with charmbracelet/freeze, pinned. Run it after `go test ./tui -update`
# changes a golden the README shows; tui/readme_images_test.go says when.
#
#   go generate ./tui      (or: sh testdata/readme/generate.sh)
#
# The images are SVG with the text kept as text and no font embedded
# (about 12 KB each rather than 380 KB): the viewer's monospace font draws
# them, and the test can read back what they show.
set -eu
cd "$(dirname "$0")/../.."
freeze="go run github.com/charmbracelet/freeze@v0.2.2"
grep -v '^#' testdata/readme/shots.txt | while read -r name golden; do
	[ -n "$name" ] || continue
	# freeze reads its standard input when that is not a terminal, so
	# the golden goes there (and not the rest of this loop's input).
	$freeze --output "testdata/readme/$name.svg" --language text --window \
		--font.file "" --font.family "JetBrains Mono, Menlo, Consolas, DejaVu Sans Mono, monospace" \
		--padding "20,40" --border.radius 8 <"$golden"
done
