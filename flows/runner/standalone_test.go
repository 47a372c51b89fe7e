package runner_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
)

// standaloneResolver is a target on a walletsim sandbox served on loopback, as a
// profile with sandbox_extensions: true describes one, with credentials of
// no workspace (so that each session makes its own).
func standaloneResolver(url string) func(string) (flows.Target, error) {
	return func(string) (flows.Target, error) {
		t := flows.SandboxTarget()
		t.Name, t.Sandbox = "standalone", false
		t.IssuingURL, t.ThreeDSURL, t.WalletURL = url, url, url
		return t, nil
	}
}

// shipped are the shipped scenarios, every one: delay.yaml's wait moves
// the workspace's clock, which brings its delayed webhook due.
func shipped(t *testing.T) []scenario.Scenario {
	t.Helper()
	all, err := scenario.Load(filepath.Join(root(t), "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// TestShippedScenariosOnAStandaloneSandbox: the shipped scenarios pass
// against a real `walletsim sandbox` on a port, 8 at a time, on a fresh
// sandbox and again on the same, used one: each scenario runs in a
// workspace of its own, and a `wait:` moves that workspace's clock.
func TestShippedScenariosOnAStandaloneSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a sandbox on a port and runs every shipped scenario twice")
	}
	scs := shipped(t)
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, run := range []string{"fresh", "used"} {
		rep := runner.Run(context.Background(), scs, runner.Options{Resolve: standaloneResolver(srv.URL), Profile: "standalone", Parallel: 8, Timeout: 5 * time.Second})
		for _, s := range rep.Scenarios {
			if s.Status != runner.Passed {
				var log strings.Builder
				for _, st := range s.Steps {
					log.WriteString(runner.StepLine(st) + "\n")
				}
				t.Errorf("%s sandbox: %s: %s: %s\n%s", run, s.Name, s.Status, s.Error, log.String())
			}
		}
	}
	// Every session deleted its workspace: the sandbox keeps nothing.
	if st := srv.Stats(); st.Enrollments != 0 {
		t.Errorf("after both runs the sandbox holds %+v", st)
	}
}

// TestTwoRunnersDoNotSeeEachOther: two runners run every shipped scenario
// at once on one standalone sandbox. The scenarios enroll the same cards
// and their wallets take the next request that arrives: had the runners
// shared state, enrollments would clash ("already enrolled") and wallets
// would take each other's purchases.
func TestTwoRunnersDoNotSeeEachOther(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a sandbox on a port and runs every shipped scenario twice at once")
	}
	scs := shipped(t)
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	reports := make(chan *runner.Report, 2)
	for range 2 {
		go func() {
			reports <- runner.Run(context.Background(), scs, runner.Options{Resolve: standaloneResolver(srv.URL), Profile: "standalone", Parallel: 4, Timeout: 5 * time.Second})
		}()
	}
	for range 2 {
		for _, s := range (<-reports).Scenarios {
			if s.Status != runner.Passed {
				t.Errorf("%s: %s: %s", s.Name, s.Status, s.Error)
			}
		}
	}
}

// TestSessionsHaveTheirOwnWorkspace: two sessions on one standalone
// sandbox get different workspaces; what one enrolls and buys the other
// cannot read, and each deletes its workspace when it closes.
func TestSessionsHaveTheirOwnWorkspace(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	target, _ := standaloneResolver(srv.URL)("")
	open := func() *flows.Session {
		s, err := flows.Open(ctx, target, flows.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := open(), open()
	if a.Target.Workspace == "" || a.Target.Workspace == b.Target.Workspace || a.Target.ThreeDSKey == b.Target.ThreeDSKey {
		t.Fatalf("sessions share a workspace: %q %q", a.Target.Workspace, b.Target.Workspace)
	}
	tds := func(s *flows.Session) *threeds.Client {
		return threeds.New(client.Config{BaseURL: srv.URL, Retries: -1}, threeds.Credentials{SecretKey: s.Target.ThreeDSKey})
	}
	req := threeds.AuthenticateRequest{Number: "4000000000000002", Month: 12, Year: 2030, Channel: threeds.Browser, ReturnURL: "https://shop.example/r"}
	if _, err := tds(a).Authenticate(ctx, "purchase-1", req); err != nil {
		t.Fatal(err)
	}
	if _, err := tds(b).Get(ctx, "purchase-1"); err == nil {
		t.Fatal("session b reads session a's purchase")
	}
	if _, err := tds(a).Get(ctx, "purchase-1"); err != nil {
		t.Fatalf("session a cannot read its own purchase: %v", err)
	}
	a.Close()
	b.Close()
	if _, err := tds(a).Get(ctx, "purchase-1"); err == nil {
		t.Fatal("a's purchase outlived its session's workspace")
	}
}
