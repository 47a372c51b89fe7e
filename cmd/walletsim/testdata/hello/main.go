// Command hello is the yardstick for `walletsim --version`: a Go program
// that prints one line.
package main

import "fmt"

func main() { fmt.Println("walletsim dev") }
