//go:build !linux

package main

// trimStartupPages is Linux's alone (see trim_linux.go).
func trimStartupPages() {}
