package tui

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"

	"github.com/walletsim/walletsim/flows"
)

// browserFor opens a session's URLs in the user's browser: the embedded
// sandbox serves the session in memory, so its URLs are first made ones a
// browser can reach.
func browserFor(s *flows.Session) func(string) error {
	return func(url string) error {
		reachable := url
		var err error
		if s != nil {
			reachable, err = s.Browsable(url)
		}
		if err != nil {
			return fmt.Errorf("cannot serve %s to a browser: %v", url, err)
		}
		if err := openBrowser(reachable); err != nil {
			return fmt.Errorf("open %s in a browser yourself (%v)", reachable, err)
		}
		return nil
	}
}

// openBrowser opens url with the system's opener, without waiting for it
// and without letting it write to the terminal.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		if _, err := exec.LookPath("xdg-open"); err != nil {
			return errors.New("no xdg-open on this machine")
		}
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it
	return nil
}
