package tui

// The README's pictures are rendered from this package's golden screens
// in colour (TestREADMEScreens); after `go test ./tui -update` changes
// one, `go generate ./tui` renders them again (readme_images_test.go says
// when it is needed).
//go:generate sh ../testdata/readme/generate.sh
